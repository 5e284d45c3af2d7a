/**
 * PostgreSQL for tests: they run only when TELE_TEST_PG_URL names a role that may create databases
 * and roles (scripts/postgres-for-tests.sh makes `tele_test`); without it their suites are skipped
 * under a name that says why, and tests/helpers/pg-reporter.ts lists them at the end of `npm test`.
 * Each test makes its own database (and app role) with a prefix naming its slice, and drops them.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { describe } from "vitest";
import { appRoleUrl, createAppRole, type AppRole } from "../../src/server/db/pg/roles.js";

export const PG_ENV = "TELE_TEST_PG_URL";
/** Part of the name of every suite skipped for want of PostgreSQL (the reporter looks for it). */
export const PG_SKIP_MARK = `(needs ${PG_ENV})`;
export const PG_RUN_HINT = `scripts/postgres-for-tests.sh && ${PG_ENV}=postgres://tele_test:tele_test@127.0.0.1:5432/postgres npx vitest run`;

export function pgAvailable(): boolean {
  return Boolean(process.env[PG_ENV]);
}

/** `describe` when PostgreSQL is there; otherwise a skipped suite whose name says what it needs. */
export function describePg(name: string, body: () => void): void {
  if (pgAvailable()) describe(name, body);
  else describe.skip(`${name} ${PG_SKIP_MARK}`, body);
}

/** A connected client for `url` (the admin URL when none is given); the caller ends it. */
export async function pgClient(url = process.env[PG_ENV]!): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export interface FreshDatabase {
  name: string;
  /** The owner's URL (the test role), for migrations and checks. */
  url: string;
  drop(): Promise<void>;
}

/** Creates an empty database named `tele_<prefix>_<random>`; `drop()` removes it and its app roles. */
export async function freshDatabase(prefix: string): Promise<FreshDatabase> {
  const name = `tele_${prefix}_${randomBytes(5).toString("hex")}`;
  const admin = await pgClient();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const roles: string[] = [];
  const url = withDatabase(process.env[PG_ENV]!, name);
  fresh.set(name, roles);
  return {
    name,
    url,
    async drop() {
      const c = await pgClient();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        for (const role of roles) await c.query(`DROP ROLE IF EXISTS "${role}"`);
      } finally {
        await c.end();
      }
    },
  };
}
const fresh = new Map<string, string[]>();

/**
 * Creates the server's role for `db` (it owns nothing there; see src/server/db/pg/roles.ts), after
 * the database is migrated, and returns its URL; `db.drop()` drops it too.
 */
export async function freshAppRole(db: FreshDatabase): Promise<{ role: string; url: string }> {
  const app: AppRole = { role: `${db.name}_app`, password: randomBytes(12).toString("hex"), database: db.name };
  const owner = await pgClient(db.url);
  try {
    await createAppRole(owner, app);
  } finally {
    await owner.end();
  }
  fresh.get(db.name)!.push(app.role);
  return { role: app.role, url: appRoleUrl(db.url, app) };
}
