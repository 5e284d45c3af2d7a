/**
 * `tele db copy` end to end: a data dir made by the real server (staff, clients, appointments, a
 * telehealth session with its sign-in session, links, mail, consent, audit rows), the real `tele`
 * binary, a real PostgreSQL database; then every table's rows compared value by value with SQLite's,
 * the schema compared with SQLite's, and each refusal with its exit code. Last, 100,000 appointments
 * imported through the server: a copy killed midway leaves nothing, the next copies them all, and
 * the time it took is printed beside a bare COPY of the same rows.
 */
import Database from "better-sqlite3";
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { from as copyFrom } from "pg-copy-streams";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migratePg } from "../../src/server/db/pg/migrate.js";
import { PG_MIGRATIONS } from "../../src/server/db/pg/migrations.js";
import { practiceTables } from "../../src/server/db/pg/security.js";
import { MIGRATIONS } from "../../src/server/db/migrations.js";
import { appointments, appointmentsCsv, clientsCsv, CLIENTS, THERAPISTS, therapistEmail } from "../../src/bench/data.js";
import { errorJson, startWorld, tele, TELE_BIN, tempDir, type E2eWorld } from "../helpers/e2e.js";
import { describePg, freshAppRole, freshDatabase, pgClient, type FreshDatabase } from "../helpers/pg.js";
import { PG_STORE } from "../helpers/pg-store.js";
import { compareCatalogues, pgCatalogue, sqliteCatalogue } from "../helpers/schema-catalogue.js";
import { events } from "../helpers/sse.js";

const MIN = 60_000;
const dbFile = (dir: string) => join(dir, "tele.db");

/** Rows of a table as sorted lists of text values (NULL stays null): the same on both engines when the copy is faithful. */
type Rows = (string | null)[][];
const asText = (rows: unknown[][]): Rows =>
  rows.map((r) => r.map((v) => (v === null ? null : String(v)))).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

function sqliteTables(file: string): { name: string; columns: string[]; rows: Rows }[] {
  const db = new Database(file, { readonly: true });
  try {
    const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
    return names.map((name) => {
      const columns = (db.pragma(`table_info(${name})`) as { name: string }[]).map((c) => c.name);
      const rows = db.prepare(`SELECT ${columns.map((c) => `"${c}"`).join(", ")} FROM ${name}`).raw(true).safeIntegers(true).all() as unknown[][];
      return { name, columns, rows: asText(rows) };
    });
  } finally {
    db.close();
  }
}

/** Runs `body` as the owner in the system scope (row-level security is forced on the owner too). */
async function asSystem<T>(url: string, body: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = await pgClient(url);
  try {
    await c.query("BEGIN");
    await c.query("SELECT set_config('tele.scope', 'system', true)");
    const out = await body(c);
    await c.query("ROLLBACK");
    return out;
  } finally {
    await c.end();
  }
}

async function pgRows(c: pg.Client, table: string, columns: string[]): Promise<Rows> {
  const { rows } = await c.query({ text: `SELECT ${columns.map((x) => `"${x}"`).join(", ")} FROM ${table}`, rowMode: "array" });
  return asText(rows);
}

/** How many rows each tele table holds in the target (system scope), or {} when it has no tables yet. */
async function pgCounts(url: string): Promise<Record<string, number>> {
  return asSystem(url, async (c) => {
    const { rows } = await c.query<{ t: string }>("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema() AND table_name <> 'schema_version'");
    const out: Record<string, number> = {};
    for (const { t } of rows) out[t] = Number((await c.query(`SELECT count(*) AS n FROM ${t}`)).rows[0].n);
    return out;
  });
}

const copy = (dataDir: string, url: string, json = true) => tele(["db", "copy", "--data-dir", dataDir, "--to", url, ...(json ? ["--json"] : [])]);


/**
 * The copy's source is a SQLite data dir made by a real server: under `npm run test:pg` the worlds'
 * servers run on PostgreSQL and have none, so these run in `npm test` (with TELE_TEST_PG_URL) only.
 */
const describeCopy = PG_STORE
  ? (name: string, body: () => void) => describe.skip(`${name} [SQLite only: the copy's source is a SQLite data dir]`, body)
  : (name: string, body: () => void) => describePg(name, body);

describeCopy("tele db copy of a practice the real server made", () => {
  let w: E2eWorld;
  let target: FreshDatabase;
  const dbs: FreshDatabase[] = [];
  const fresh = async (prefix: string) => {
    const db = await freshDatabase(prefix);
    dbs.push(db);
    return db;
  };
  const json = async (args: string[]) => {
    const r = await tele([...args, "--json"], w.env);
    expect(r.code, r.stderr).toBe(0);
    return r.json();
  };

  beforeAll(async () => {
    w = await startWorld();
    target = await fresh("dbcopy");
    await json(["staff", "add", "--name", "Tina Therapist", "--email", "tina@maple.test", "--role", "therapist"]);
    await json(["staff", "enable", "tina@maple.test"]);
    await json(["clients", "add", "--name", "Alice Client", "--email", "alice@client.test", "--state", "NY"]);
    await json(["clients", "add", "--name", "Bo Back\\slash Client", "--email", "bo@client.test", "--state", "NJ"]);
    await json(["clients", "invite", "alice@client.test"]);
    const consent = join(w.dataDir, "consent.txt");
    writeFileSync(consent, "I agree to telehealth.\nLine two, with a tab\there.\n");
    await json(["practice", "consent", "set", consent]);
    const soon = new Date(Date.now() + 10 * MIN).toISOString();
    const later = new Date(Date.now() + 3 * 24 * 60 * MIN).toISOString();
    const id = (await json(["appointments", "create", "--therapist", "tina@maple.test", "--client", "alice@client.test", "--start", soon, "--duration", "30", "--telehealth"])).id;
    const gone = (await json(["appointments", "create", "--therapist", "tina@maple.test", "--client", "bo@client.test", "--start", later, "--duration", "45"])).id;
    await json(["appointments", "cancel", gone, "--reason", "moved away", "--no-notify"]);
    // The provider opens the session page: a web session, a telehealth session row, and their audit rows.
    const link = (await json(["sessions", "open", id, "--print"])).url as string;
    const signIn = await fetch(link, { redirect: "manual" });
    const cookie = signIn.headers.getSetCookie().find((c) => c.startsWith("tele_session="))!.split(";")[0]!;
    const leave = new AbortController();
    const res = await fetch(`${w.server.url}/p/${w.slug}/appointments/${id}/session/events`, { headers: { cookie, accept: "text/event-stream" }, signal: leave.signal });
    const stream = events(res);
    await stream.next((e) => e.state === "waiting" && e.present.provider);
    leave.abort(); // the provider leaves: the session row keeps the presence totals
    const csv = join(w.dataDir, "more.csv");
    const lines = ["therapist,client,start,duration_minutes"];
    for (let i = 0; i < 300; i++) lines.push(`tina@maple.test,${i % 2 ? "alice" : "bo"}@client.test,${new Date(Date.now() + (10 + i) * 24 * 60 * MIN).toISOString()},50`);
    writeFileSync(csv, `${lines.join("\n")}\n`);
    expect((await json(["appointments", "import", csv])).created).toBe(300);
  }, 180_000);
  afterAll(async () => {
    await w?.close();
    await Promise.all(dbs.map((db) => db.drop()));
  }, 300_000); // DROP DATABASE waits for a checkpoint, which takes long on a busy machine

  it("refuses while the server has the database open (exit 6, database_busy), and leaves the target untouched", async () => {
    const r = await copy(w.dataDir, target.url);
    expect(r.code, r.stderr).toBe(6);
    expect(errorJson(r.stderr)).toMatchObject({ code: "database_busy" });
    expect(r.stdout).toBe("");
    expect(await pgCounts(target.url)).toEqual({});
  }, 60_000);

  it("copies every table, value for value, with the same schema, ids, sequences, security and append-only audit log", async () => {
    await w.server.close();
    const source = sqliteTables(dbFile(w.dataDir));
    const r = await copy(w.dataDir, target.url);
    expect(r.code, r.stderr).toBe(0);
    const out = r.json();
    expect(r.stdout + r.stderr).not.toContain(":tele_test@"); // the password of the test role
    expect(out).toMatchObject({ from: dbFile(w.dataDir), to: target.url.replace(":tele_test@", "@"), schemaVersion: MIGRATIONS.length });
    expect(out.tables.map((t: { name: string }) => t.name).sort()).toEqual(source.map((t) => t.name));
    for (const t of source) expect(out.tables.find((x: { name: string }) => x.name === t.name).rows, t.name).toBe(t.rows.length);
    expect(out.rows).toBe(source.reduce((n, t) => n + t.rows.length, 0));
    // Parents before children: practices before staff and clients, those before appointments, appointments before sessions.
    const at = (name: string) => out.tables.findIndex((t: { name: string }) => t.name === name);
    expect(at("practices")).toBeLessThan(at("staff"));
    expect(at("clients")).toBeLessThan(at("appointments"));
    expect(at("appointments")).toBeLessThan(at("telehealth_sessions"));
    expect(at("consent_versions")).toBeLessThan(at("consent_acceptances"));
    for (const name of ["practices", "staff", "clients", "appointments", "telehealth_sessions", "web_sessions", "links", "mail", "audit_log", "consent_versions"]) {
      expect(source.find((t) => t.name === name)!.rows.length, `${name} has rows to compare`).toBeGreaterThan(0);
    }
    await asSystem(target.url, async (c) => {
      for (const t of source) expect(await pgRows(c, t.name, t.columns), t.name).toEqual(t.rows);
    });

    const sqlite = new Database(dbFile(w.dataDir), { readonly: true });
    const owner = await pgClient(target.url);
    try {
      expect(compareCatalogues(sqliteCatalogue(sqlite), await pgCatalogue(owner))).toEqual([]);
      expect((await owner.query("SELECT version FROM schema_version")).rows).toEqual([{ version: PG_MIGRATIONS.length }]);
      // Row-level security is forced again on every practice table: the owner outside the system scope sees nothing.
      const forced = await owner.query("SELECT relname FROM pg_class WHERE relname = ANY($1) AND NOT (relrowsecurity AND relforcerowsecurity)", [[...(await practiceTables(owner)), "practices"]]);
      expect(forced.rows).toEqual([]);
      expect((await owner.query("SELECT count(*)::int AS n FROM appointments")).rows[0].n).toBe(0);
      // The audit log: the next id follows the copied ones, and rows still cannot be changed.
      const maxId = Number(sqlite.prepare("SELECT max(id) FROM audit_log").pluck().get());
      await owner.query("BEGIN");
      await owner.query("SELECT set_config('tele.scope', 'system', true)");
      const added = await owner.query("INSERT INTO audit_log (practice_id, at, actor_type, action, record_type) VALUES ('p', 1, 'system', 'test.probe', 'test') RETURNING id");
      expect(Number(added.rows[0].id)).toBe(maxId + 1);
      await expect(owner.query("UPDATE audit_log SET action = 'x' WHERE id = 1")).rejects.toThrow("audit_log is append-only");
      await owner.query("ROLLBACK");
    } finally {
      sqlite.close();
      await owner.end();
    }
    // The server's role, made after the copy, reads its practice's rows and no one else's.
    const app = await freshAppRole(target);
    const c = await pgClient(app.url);
    try {
      const practice = source.find((t) => t.name === "practices")!.rows[0]![0]!;
      await c.query("BEGIN");
      expect((await c.query("SELECT count(*)::int AS n FROM appointments")).rows[0].n).toBe(0);
      await c.query("SELECT set_config('tele.practice_id', $1, true)", [practice]);
      expect((await c.query("SELECT count(*)::int AS n FROM appointments")).rows[0].n).toBe(source.find((t) => t.name === "appointments")!.rows.length);
      await c.query("ROLLBACK");
    } finally {
      await c.end();
    }
  }, 120_000);

  it("refuses a target that holds rows (exit 6, target_not_empty) and changes nothing there", async () => {
    const before = await pgCounts(target.url);
    const r = await copy(w.dataDir, target.url);
    expect(r.code).toBe(6);
    const error = errorJson(r.stderr);
    expect(error.code).toBe("target_not_empty");
    expect(error.details.tablesWithRows).toContain("appointments");
    expect(await pgCounts(target.url)).toEqual(before);
    const human = await copy(w.dataDir, target.url, false);
    expect(human.code).toBe(6);
    expect(human.stderr).toMatch(/^Error: the target postgres:\/\/tele_test@127\.0\.0\.1:5432\/\S+ is not empty/m);
  }, 60_000);

  it("refuses a SQLite database newer than this tele (exit 6, schema_newer)", async () => {
    const dir = tempDir("tele-dbcopy-newer-");
    copyFileSync(dbFile(w.dataDir), dbFile(dir));
    const db = new Database(dbFile(dir));
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    const empty = await fresh("dbcopy_newer");
    const r = await copy(dir, empty.url);
    expect(r.code).toBe(6);
    expect(errorJson(r.stderr)).toMatchObject({ code: "schema_newer", message: `the SQLite database is at schema version ${MIGRATIONS.length + 1}, newer than this tele (${MIGRATIONS.length})` });
    expect(await pgCounts(empty.url)).toEqual({});
  }, 60_000);

  it("upgrades a SQLite database older than this tele first, as the server would, then copies it", async () => {
    const dir = tempDir("tele-dbcopy-older-");
    const old = new Database(dbFile(dir));
    for (const sql of MIGRATIONS.slice(0, -1)) old.exec(sql);
    old.pragma(`user_version = ${MIGRATIONS.length - 1}`);
    old.prepare("INSERT INTO practices (id, name, slug, state, time_zone, created_at) VALUES ('prc_old', 'Old Practice', 'old', 'NY', 'America/New_York', 1)").run();
    old.close();
    // Nothing changes in the SQLite file while the target is unreachable (or not empty).
    expect((await copy(dir, "postgres://owner@127.0.0.1:1/tele")).code).toBe(7);
    const still = new Database(dbFile(dir), { readonly: true });
    expect(still.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length - 1);
    still.close();
    const empty = await fresh("dbcopy_older");
    const r = await copy(dir, empty.url, false);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`SQLite database upgraded from schema version ${MIGRATIONS.length - 1} to ${MIGRATIONS.length} first`);
    const upgraded = new Database(dbFile(dir), { readonly: true });
    expect(upgraded.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
    upgraded.close();
    expect((await pgCounts(empty.url)).practices).toBe(1);
  }, 60_000);

  it("finds no database in an empty data dir, or a file that is not one (exit 5, database_not_found)", async () => {
    const dir = tempDir("tele-dbcopy-none-");
    const none = await copy(dir, target.url);
    expect(none.code).toBe(5);
    expect(errorJson(none.stderr)).toMatchObject({ code: "database_not_found", message: `no SQLite database at ${dbFile(dir)}` });
    writeFileSync(dbFile(dir), "not a database, just text that is long enough to fill a header page of SQLite ".repeat(20));
    const junk = await copy(dir, target.url);
    expect(junk.code).toBe(5);
    expect(errorJson(junk.stderr).code).toBe("database_not_found");
  }, 60_000);

  it("names host:port of an unreachable target (exit 7), never the password", async () => {
    const r = await copy(w.dataDir, "postgres://owner:s3cret-pw@127.0.0.1:1/tele");
    expect(r.code).toBe(7);
    expect(errorJson(r.stderr)).toMatchObject({ code: "database_unreachable", message: "cannot reach PostgreSQL at 127.0.0.1:1 (ECONNREFUSED)" });
    expect(r.stderr).not.toContain("s3cret-pw");
  }, 60_000);

  it("refuses the server's role as the target's role (exit 4, permission_denied): the owner copies", async () => {
    const db = await fresh("dbcopy_notowner");
    const c = await pgClient(db.url);
    try {
      await migratePg(c);
    } finally {
      await c.end();
    }
    const app = await freshAppRole(db);
    const r = await copy(w.dataDir, app.url);
    expect(r.code, r.stderr).toBe(4);
    expect(errorJson(r.stderr).code).toBe("permission_denied");
    expect(r.stderr).not.toContain(new URL(app.url).password);
    expect(Object.values(await pgCounts(db.url)).every((n) => n === 0)).toBe(true);
  }, 60_000);

  it("rolls everything back when a table's count differs (exit 1, count_mismatch), and the same target takes a copy afterwards", async () => {
    const lossy = await fresh("dbcopy_lossy");
    const c = await pgClient(lossy.url);
    try {
      await migratePg(c);
      // A trigger that silently drops every other audit row: the copy must notice and keep nothing.
      await c.query("CREATE FUNCTION drop_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$");
      await c.query("CREATE TRIGGER lossy BEFORE INSERT ON audit_log FOR EACH ROW WHEN (NEW.id % 2 = 0) EXECUTE FUNCTION drop_row()");
      const r = await copy(w.dataDir, lossy.url);
      expect(r.code, r.stderr).toBe(1);
      const error = errorJson(r.stderr);
      expect(error.code).toBe("count_mismatch");
      const audit = sqliteTables(dbFile(w.dataDir)).find((t) => t.name === "audit_log")!.rows.length;
      expect(error.details.tables).toEqual([{ table: "audit_log", sqlite: audit, postgres: Math.ceil(audit / 2) }]);
      const counts = await pgCounts(lossy.url);
      expect(Object.values(counts).every((n) => n === 0) && Object.keys(counts).length > 0).toBe(true);
      const unforced = await c.query("SELECT relname FROM pg_class WHERE relname = 'clients' AND NOT relforcerowsecurity");
      expect(unforced.rows).toEqual([]);
      await c.query("DROP TRIGGER lossy ON audit_log");
    } finally {
      await c.end();
    }
    const again = await copy(w.dataDir, lossy.url, false);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^Copied [\d,]+ rows in \d+ tables from /);
    expect(again.stderr).toContain("  appointments: 302 rows (");
    expect(again.stderr).toContain("counts match in all");
  }, 60_000);

  it("asks for --to, as a postgres:// URL (exit 2)", async () => {
    expect((await tele(["db", "copy", "--data-dir", w.dataDir])).code).toBe(2);
    const wrong = await tele(["db", "copy", "--data-dir", w.dataDir, "--to", "mysql://x@127.0.0.1/db", "--json"]);
    expect(wrong.code).toBe(2);
    expect(errorJson(wrong.stderr).message).toContain("--to must be a postgres:// URL");
  });
});

describeCopy("tele db copy of 100,000 appointments", () => {
  let w: E2eWorld;
  let target: FreshDatabase;
  beforeAll(async () => {
    w = await startWorld();
    target = await freshDatabase("dbcopy_big");
  }, 60_000);
  afterAll(async () => {
    await w?.close();
    await target?.drop();
  }, 300_000);

  it("copies them in one transaction, counted, and says how long it took", async () => {
    const run = async (args: string[]) => {
      const r = await tele([...args, "--json"], w.env);
      expect(r.code, r.stderr).toBe(0);
    };
    for (let t = 0; t < THERAPISTS; t++) {
      await run(["staff", "add", "--name", `Therapist ${t}`, "--email", therapistEmail(t), "--role", "therapist"]);
    }
    const dir = tempDir("tele-dbcopy-big-");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "clients.csv"), clientsCsv(CLIENTS));
    const firstDay = Date.parse(new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10));
    writeFileSync(join(dir, "appointments.csv"), appointmentsCsv(appointments(100_000, firstDay)));
    await run(["clients", "import", join(dir, "clients.csv")]);
    await run(["appointments", "import", join(dir, "appointments.csv")]);
    await w.server.close();
    const source = sqliteTables(dbFile(w.dataDir)).find((t) => t.name === "appointments")!;
    expect(source.rows.length).toBe(100_000);

    // Killed mid-copy (kill -9, after the first tables): PostgreSQL rolls the transaction back, the target is still empty.
    const child = spawn(process.execPath, [TELE_BIN, "db", "copy", "--data-dir", w.dataDir, "--to", target.url], { env: { PATH: process.env.PATH, NO_COLOR: "1" } });
    let said = "";
    child.stdout.on("data", (d) => (said += d));
    await new Promise<void>((ok, fail) => {
      child.stderr.on("data", (d) => { said += d; if (said.includes("  clients: ")) ok(); });
      child.once("exit", (code) => fail(new Error(`tele db copy ended (${code}) before it was killed: ${said}`)));
    });
    child.kill("SIGKILL");
    await new Promise((ok) => child.once("exit", ok));
    expect(said).not.toContain("counts match");
    const left = await pgCounts(target.url);
    expect(Object.keys(left).length).toBeGreaterThan(0);
    expect(Object.entries(left).filter(([, n]) => n > 0)).toEqual([]);

    const started = performance.now();
    const r = await copy(w.dataDir, target.url);
    const wall = Math.round(performance.now() - started);
    expect(r.code, r.stderr).toBe(0);
    const out = r.json();
    const copied = out.tables.find((t: { name: string }) => t.name === "appointments");
    expect(copied.rows).toBe(100_000);
    await asSystem(target.url, async (c) => expect(await pgRows(c, "appointments", source.columns)).toEqual(source.rows));

    // The bare baseline, same run: the same rows as one COPY text already in memory, into a table with
    // appointments' columns, keys and indexes (no foreign keys, no row-level security), one transaction.
    const text = source.rows.map((row) => row.map((v) => (v === null ? "\\N" : v)).join("\t")).join("\n") + "\n";
    const bareMs = await asSystem(target.url, async (c) => {
      await c.query("CREATE TABLE bare_appointments (LIKE appointments INCLUDING ALL)");
      const t0 = performance.now();
      await pipeline(Readable.from([text]), c.query(copyFrom(`COPY bare_appointments (${source.columns.join(", ")}) FROM STDIN`)));
      return Math.round(performance.now() - t0);
    });
    console.log(
      `tele db copy, 100,000 appointments (${out.rows} rows in all): ${out.durationMs} ms in the command (appointments' COPY ${copied.ms} ms), ` +
        `${wall} ms for the whole process; bare COPY of the same rows into an indexed table: ${bareMs} ms`,
    );
  }, 300_000);
});
