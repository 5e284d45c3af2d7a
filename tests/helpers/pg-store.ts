/**
 * The PostgreSQL side of the shared test worlds (TELE_TEST_STORE=postgres): every store a test
 * makes is a fresh copy of the run's migrated template (tests/setup/pg-store.ts), reached as the
 * app role, so row-level security is in force as it is for the server; `store.db` answers the
 * tests' raw SQL synchronously as the owner (tests/helpers/pg-sync.ts). Databases made by a test
 * file are dropped after it.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, it } from "vitest";
import { PgStore } from "../../src/server/db/pg/store.js";
import { PG_ENV } from "./pg.js";
import { endSync, querySync, SyncDb } from "./pg-sync.js";

export const PG_STORE = process.env.TELE_TEST_STORE === "postgres";
/** Part of the name of a test that runs on SQLite only, with why (the rest of the name says). */
export const SQLITE_ONLY = PG_STORE ? "[SQLite only: " : "";

export interface TestDatabase {
  name: string;
  ownerUrl: string;
  appUrl: string;
}

const made = new Map<string, TestDatabase>();
// Registered as the module loads (a test file's collection), so it runs after that file's tests.
if (PG_STORE) afterAll(() => dropTestDatabases());

/**
 * Databases waiting to be dropped. Each DROP DATABASE waits for a checkpoint, and drops asked for
 * at once share one: so they go in batches, concurrently, in the background (awaited after the file).
 */
const doomed: TestDatabase[] = [];
const dropping: Promise<void>[] = [];
const DROP_BATCH = 16;

function flushDrops(): void {
  const batch = doomed.splice(0);
  if (!batch.length) return;
  const admin = process.env[PG_ENV]!;
  dropping.push(Promise.all(batch.map(async (db) => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          await c.query(`DROP DATABASE IF EXISTS "${db.name}" WITH (FORCE)`);
          break;
        } catch (err) {
          // A connection still signing in has no role yet, and cannot be ended by us: try again once it has one (or is gone).
          if (attempt >= 20 || !/member of the role/.test((err as Error).message)) throw err;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    } finally {
      await c.end();
    }
  })).then(() => undefined));
}

function urlFor(base: string, database: string): string {
  const u = new URL(base);
  u.pathname = `/${database}`;
  return u.toString();
}

/** The run's prefix for test databases (the global teardown drops what is left with it). */
function prefix(): string {
  return `tele_t${process.env.TELE_TEST_PG_TEMPLATE!.slice("tele_tmpl_".length)}`;
}

/**
 * A database for `key` (a file path: the same path is the same database, as a reopened SQLite
 * file; ":memory:" always a new one), copied from `from` (the template unless given).
 */
export function testDatabase(key = ":memory:", from?: TestDatabase): TestDatabase {
  const known = key === ":memory:" ? undefined : made.get(key);
  if (known) return known;
  const admin = process.env[PG_ENV]!;
  const name = `${prefix()}_${randomBytes(5).toString("hex")}`;
  const source = from?.name ?? process.env.TELE_TEST_PG_TEMPLATE!;
  if (from) endSync(from.ownerUrl);
  for (let attempt = 0; ; attempt++) {
    try {
      querySync(admin, `CREATE DATABASE "${name}" TEMPLATE "${source}"`);
      break;
    } catch (err) {
      // Two copies of one template at once: the second waits its turn.
      if (attempt >= 20 || !/being accessed by other users/.test((err as Error).message)) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50 + Math.random() * 100);
    }
  }
  const db = { name, ownerUrl: urlFor(admin, name), appUrl: urlFor(process.env.TELE_TEST_PG_APP_URL!, name) };
  made.set(key === ":memory:" ? name : key, db);
  return db;
}

/** A PgStore over a fresh (or, for a known key, the same) test database, with `db` for the tests' raw SQL. */
export function pgTestStore(key = ":memory:", from?: TestDatabase): PgStore & { db: SyncDb; testDatabase: TestDatabase } {
  const db = testDatabase(key, from);
  const store = Object.assign(PgStore.over(db.appUrl, 10), { db: new SyncDb(db.ownerUrl), testDatabase: db });
  if (key === ":memory:") {
    // As an in-memory SQLite database goes with its connection, this one goes when the store closes.
    const close = store.close.bind(store);
    store.close = async () => {
      await close();
      dropTestDatabase(db);
    };
  }
  return store;
}

function dropTestDatabase(db: TestDatabase): void {
  endSync(db.ownerUrl);
  for (const [k, v] of made) if (v === db) made.delete(k);
  doomed.push(db);
  if (doomed.length >= DROP_BATCH) flushDrops();
}

export async function dropTestDatabases(): Promise<void> {
  for (const db of [...made.values()]) dropTestDatabase(db);
  flushDrops();
  await Promise.all(dropping.splice(0));
}

/**
 * `it` on SQLite; with TELE_TEST_STORE=postgres a skipped test whose name ends in
 * "[SQLite only: why]" (it reaches into SQLite itself: its files, triggers, statement cache).
 */
export function itSqlite(reason: string): typeof it {
  if (!PG_STORE) return it;
  return ((name: string, fn?: () => unknown, timeout?: number) => it.skip(`${name} [SQLite only: ${reason}]`, fn, timeout)) as unknown as typeof it;
}
