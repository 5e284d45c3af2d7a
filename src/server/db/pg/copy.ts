/**
 * `tele db copy`: moves a SQLite practice database into an empty PostgreSQL one. The target is
 * migrated first (as the URL's role, the owner); then every table is copied in one transaction,
 * parents before children, with COPY FROM STDIN (foreign keys and plain indexes put back after the
 * load, copy-load.ts); identity sequences are moved past the copied ids;
 * each table's count is checked against SQLite's before COMMIT, and any difference rolls it all back.
 * The audit log and the consent tables are only inserted into, ids and all: nothing is rewritten.
 */
import pg from "pg";
import { liftForLoad } from "./copy-load.js";
import { copyRows, UnsupportedValueError } from "./copy-rows.js";
import { DbCopyError, hostPort, withoutPassword } from "./copy-errors.js";
import { openSource, type CopySource, type SourceTable } from "./copy-source.js";
import { MIGRATION_LOCK_KEY, migratePg, pgSchemaVersion } from "./migrate.js";
import { PG_MIGRATIONS } from "./migrations.js";
import { ident, SCOPE_SETTING } from "./security.js";

export { DbCopyError, type DbCopyCode } from "./copy-errors.js";

export type DbCopyEvent =
  | { kind: "upgraded"; from: number; to: number }
  | { kind: "migrated"; version: number }
  | { kind: "table"; name: string; rows: number; ms: number }
  | { kind: "constraints"; ms: number }
  | { kind: "checked"; tables: number; rows: number };

export interface DbCopyResult {
  /** The SQLite file copied. */
  from: string;
  /** The target URL without its password. */
  to: string;
  schemaVersion: number;
  /** In the order they were copied (parents first). */
  tables: { name: string; rows: number; ms: number }[];
  rows: number;
  durationMs: number;
}

export interface DbCopyOptions {
  file: string;
  url: string;
  progress?: (event: DbCopyEvent) => void;
}

/** Copies the SQLite database at `file` into the empty PostgreSQL database at `url`. */
export async function copySqliteToPg({ file, url, progress = () => {} }: DbCopyOptions): Promise<DbCopyResult> {
  const started = performance.now();
  const source = openSource(file);
  try {
    const client = await connect(url);
    try {
      await refuseUnlessEmpty(client, url);
      // Only now, with the target known to be reachable and empty, may the SQLite file change.
      const upgradedFrom = source.upgrade();
      if (upgradedFrom !== undefined) progress({ kind: "upgraded", from: upgradedFrom, to: source.version });
      try {
        await migratePg(client);
      } catch (err) {
        throw pgFailure(err, "migrating the target", "the copy did not start");
      }
      progress({ kind: "migrated", version: PG_MIGRATIONS.length });
      const tables = await copyAll(client, source, url, progress);
      return {
        from: file, to: withoutPassword(url), schemaVersion: source.version,
        tables, rows: tables.reduce((n, t) => n + t.rows, 0), durationMs: Math.round(performance.now() - started),
      };
    } finally {
      await client.end().catch(() => undefined);
    }
  } finally {
    source.close();
  }
}

const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ECONNRESET", "ENOENT"]);

async function connect(url: string): Promise<pg.Client> {
  const where = hostPort(url);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on("error", () => {}); // a connection lost mid-copy fails the query under way; that is reported
  try {
    await client.connect();
    return client;
  } catch (err) {
    const e = err as { code?: string; message?: string };
    const database = decodeURIComponent(new URL(url).pathname.slice(1)) || "(the role's default)";
    if (e.code === "28P01" || e.code === "28000") {
      throw new DbCopyError("database_auth_failed", `PostgreSQL at ${where} refused the role "${decodeURIComponent(new URL(url).username)}" (wrong password, or no access to database "${database}")`);
    }
    if (e.code === "3D000") throw new DbCopyError("target_not_found", `there is no database "${database}" on PostgreSQL at ${where}`);
    const why = e.code && UNREACHABLE.has(e.code) ? e.code : /timeout/i.test(e.message ?? "") ? "timed out" : (e.code ?? "no answer");
    throw new DbCopyError("database_unreachable", `cannot reach PostgreSQL at ${where} (${why})`);
  }
}

/** Runs `body` in a transaction in the system scope: the owner sees every practice's rows (security.ts). */
async function systemTx<T>(client: pg.Client, body: () => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT set_config($1, 'system', true)", [SCOPE_SETTING]);
    const result = await body();
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
}

/**
 * Empty means: no tables, or tele's tables (of this version or an older one) without a row. A
 * migrated database that was never used, or that a failed copy left behind, is still empty.
 */
async function refuseUnlessEmpty(client: pg.Client, url: string): Promise<void> {
  const version = await pgSchemaVersion(client).catch((err) => { throw pgFailure(err, "reading the target", "nothing was changed"); });
  if (version > PG_MIGRATIONS.length) {
    throw new DbCopyError("schema_newer", `the target ${withoutPassword(url)} is at schema version ${version}, newer than this tele (${PG_MIGRATIONS.length})`);
  }
  await systemTx(client, () => checkEmpty(client, url));
}

/** The tables tele's PostgreSQL migrations create, whatever version the target is at. */
const TELE_TABLES = new Set([...PG_MIGRATIONS.join("\n").matchAll(/CREATE TABLE (\w+)/g)].map((m) => m[1]!));

async function checkEmpty(client: pg.Client, url: string): Promise<void> {
  const ours = new Set([...TELE_TABLES, "schema_version"]);
  const { rows } = await client.query<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
  );
  const foreign = rows.map((r) => r.name).filter((n) => !ours.has(n));
  const filled: string[] = [];
  for (const { name } of rows) {
    if (!ours.has(name) || name === "schema_version") continue;
    const hit = await client.query(`SELECT 1 FROM ${ident(name)} LIMIT 1`);
    if (hit.rowCount) filled.push(name);
  }
  if (foreign.length || filled.length) {
    const what = [filled.length ? `rows in ${filled.join(", ")}` : "", foreign.length ? `tables tele does not know: ${foreign.join(", ")}` : ""].filter(Boolean).join("; ");
    throw new DbCopyError("target_not_empty", `the target ${withoutPassword(url)} is not empty (${what})`, { tablesWithRows: filled, otherTables: foreign });
  }
}

/** The one transaction: lock, re-check, copy in foreign-key order, sequences, security, counts, COMMIT. */
async function copyAll(client: pg.Client, source: CopySource, url: string, progress: (e: DbCopyEvent) => void) {
  try {
    return await systemTx(client, async () => {
      // Servers starting now wait for the copy (they take this lock to migrate) and then see it whole.
      await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
      await checkEmpty(client, url);
      const order = await foreignKeyOrder(client, source.tables);
      for (const table of order) await sameColumns(client, table);
      // Foreign keys, plain indexes and forced row-level security come off for the load and go
      // back on before COMMIT, in this transaction (copy-load.ts says why).
      const putBack = await liftForLoad(client, order.map((t) => t.name));
      const took = new Map<string, number>();
      for (const table of order) {
        const t0 = performance.now();
        const copied = await copyRows(client, table.name, table.columns, source.rows(table));
        took.set(table.name, Math.round(performance.now() - t0));
        progress({ kind: "table", name: table.name, rows: copied, ms: took.get(table.name)! });
      }
      const t0 = performance.now();
      await putBack();
      progress({ kind: "constraints", ms: Math.round(performance.now() - t0) });
      await moveSequences(client, source);
      const counted = await checkCounts(client, order);
      progress({ kind: "checked", tables: counted.length, rows: counted.reduce((n, t) => n + t.rows, 0) });
      return counted.map((t) => ({ ...t, ms: took.get(t.name)! }));
    });
  } catch (err) {
    throw pgFailure(err, "the copy", "rolled back, the target holds no copied rows");
  }
}

/** Parents before children (PostgreSQL's foreign keys), ties by name, so every run copies in one order. */
async function foreignKeyOrder(client: pg.Client, tables: SourceTable[]): Promise<SourceTable[]> {
  const { rows } = await client.query<{ child: string; parent: string }>(
    `SELECT ch.relname AS child, pa.relname AS parent FROM pg_constraint c
       JOIN pg_class ch ON ch.oid = c.conrelid JOIN pg_class pa ON pa.oid = c.confrelid
      WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`,
  );
  const parents = new Map(tables.map((t) => [t.name, new Set<string>()]));
  for (const r of rows) if (r.child !== r.parent) parents.get(r.child)?.add(r.parent);
  const order: SourceTable[] = [];
  const left = [...tables];
  while (left.length) {
    const i = left.findIndex((t) => [...parents.get(t.name)!].every((p) => order.some((o) => o.name === p) || !parents.has(p)));
    if (i < 0) throw new DbCopyError("copy_failed", `the foreign keys among ${left.map((t) => t.name).join(", ")} form a cycle`);
    order.push(...left.splice(i, 1));
  }
  return order;
}

/** The same columns on both sides, else this is a tele whose two migration lists disagree: a bug, stopped early. */
async function sameColumns(client: pg.Client, table: SourceTable): Promise<void> {
  const { rows } = await client.query<{ name: string }>(
    "SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1",
    [table.name],
  );
  const there = new Set(rows.map((r) => r.name));
  const missing = table.columns.filter((c) => !there.has(c));
  const extra = [...there].filter((c) => !table.columns.includes(c));
  if (missing.length || extra.length) {
    throw new DbCopyError("copy_failed", `${table.name} differs between the engines (only in SQLite: ${missing.join(", ") || "none"}; only in PostgreSQL: ${extra.join(", ") || "none"})`);
  }
}

/** Every identity or serial column's sequence past the highest copied id, and past SQLite's AUTOINCREMENT high-water mark. */
async function moveSequences(client: pg.Client, source: CopySource): Promise<void> {
  const { rows } = await client.query<{ table: string; column: string }>(
    `SELECT table_name AS table, column_name AS column FROM information_schema.columns
      WHERE table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')`,
  );
  for (const { table, column } of rows) {
    const max = await client.query<{ max: string | null }>(`SELECT max(${ident(column)})::text AS max FROM ${ident(table)}`);
    const highest = [BigInt(max.rows[0]?.max ?? 0), source.sequences.get(table) ?? 0n].reduce((a, b) => (a > b ? a : b));
    const seq = `pg_get_serial_sequence($1, $2)`;
    if (highest > 0n) await client.query(`SELECT setval(${seq}, $3::bigint, true)`, [ident(table), column, highest.toString()]);
    else await client.query(`SELECT setval(${seq}, 1, false)`, [ident(table), column]);
  }
}

/** Each table's rows as PostgreSQL counts them now, against SQLite's count under the lock; any difference is `count_mismatch`. */
async function checkCounts(client: pg.Client, order: SourceTable[]): Promise<{ name: string; rows: number }[]> {
  const counted: { name: string; rows: number }[] = [];
  const differ: { table: string; sqlite: number; postgres: number }[] = [];
  for (const table of order) {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${ident(table.name)}`);
    const n = Number(rows[0]!.n);
    counted.push({ name: table.name, rows: n });
    if (n !== table.rows) differ.push({ table: table.name, sqlite: table.rows, postgres: n });
  }
  if (differ.length) {
    const list = differ.map((d) => `${d.table}: ${d.sqlite} in SQLite, ${d.postgres} in PostgreSQL`).join("; ");
    throw new DbCopyError("count_mismatch", `row counts differ (${list}); rolled back, the target is as it was`, { tables: differ });
  }
  return counted;
}

/**
 * A PostgreSQL error as `copy_failed`, with its SQLSTATE and message only: a COPY error's `where`
 * and `detail` quote the row, and a data error's message quotes the value, so those are left out.
 */
function pgFailure(err: unknown, doing: string, outcome: string): Error {
  if (err instanceof DbCopyError) return err;
  if (err instanceof UnsupportedValueError) return new DbCopyError("copy_failed", err.message);
  const e = err as { code?: string; message?: string; table?: string };
  if (e.code === "42501") {
    return new DbCopyError("permission_denied", `PostgreSQL refused ${doing}: ${e.message} (the role in --to must own the database, not be the server's role); ${outcome}`);
  }
  if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) {
    const where = e.table ? ` in ${e.table}` : "";
    const what = e.code.startsWith("22") ? `a value${where} does not fit its column` : e.message;
    return new DbCopyError("copy_failed", `PostgreSQL refused ${doing}${where}: ${what} (SQLSTATE ${e.code}); ${outcome}`);
  }
  if (e.code && UNREACHABLE.has(e.code)) return new DbCopyError("database_unreachable", `the connection to PostgreSQL was lost during ${doing} (${e.code}); ${outcome}`);
  return err as Error;
}
