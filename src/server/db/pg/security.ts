import type { ClientBase } from "pg";

/**
 * Row-level security, the second wall behind the services' own `practice_id` filters.
 *
 * Every table with a `practice_id` column (and `practices`, by its `id`) shows and accepts only the
 * rows of the practice the transaction names with `SET LOCAL tele.practice_id = '<id>'`; without
 * it, nothing. `FORCE` applies this to the owner too. The one deliberate escape is
 * `SET LOCAL tele.scope = 'system'`, which the store sets only for the paths that run before a
 * practice is known or across practices (listed in SYSTEM_SCOPE_PATHS). It guards against a query
 * that forgets its filter, not against SQL injection: code that can run SQL can set either.
 */
export const PRACTICE_SETTING = "tele.practice_id";
export const SCOPE_SETTING = "tele.scope";

/** The paths allowed to read or write across practices, with why (the README lists them too). */
export const SYSTEM_SCOPE_PATHS: readonly string[] = [
  "authentication: an API token, a web-session cookie or a single-use link is looked up by its hash before the practice is known",
  "portal and sign-in pages: a practice is found by its slug (practices only)",
  "mail worker: claims and delivers due mail of every practice",
  "reminders: finds upcoming telehealth appointments of every practice and claims their reminders",
  "session sweep: completes or cancels sessions of every practice past their time",
  "webhook duplicate check (webhook_deliveries has no practice and no policy)",
  "several server processes (issue 13): heartbeats and reaping of dead processes (their streams and Idempotency-Key claims in every practice), a deactivated person's streams, sessions left present by a gone process, closing a stream known by its random id; server_processes, session_signals, session_audio and server_keys hold no practice's rows",
  "migrations and `tele db copy`, run as the owner role",
];

const PRACTICE_MATCH = `current_setting('${PRACTICE_SETTING}', true)`;
const SYSTEM_MATCH = `current_setting('${SCOPE_SETTING}', true) = 'system'`;

export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Tables of the current schema that have a `practice_id` column. */
export async function practiceTables(client: ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ table_name: string }>(
    `SELECT c.table_name FROM information_schema.columns c
       JOIN information_schema.tables t USING (table_schema, table_name)
      WHERE c.table_schema = current_schema() AND c.column_name = 'practice_id' AND t.table_type = 'BASE TABLE'
      ORDER BY c.table_name`,
  );
  return rows.map((r) => r.table_name);
}

/** Tables guarded by the append-only trigger function (the audit log, the consent tables). */
export async function appendOnlyTables(client: ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ table_name: string }>(
    `SELECT DISTINCT c.relname AS table_name FROM pg_trigger t
       JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
      WHERE p.proname = 'tele_refuse_change' AND c.relnamespace = current_schema()::regnamespace
      ORDER BY 1`,
  );
  return rows.map((r) => r.table_name);
}

/** Enables, forces and writes the two policies of `table`, unless they are there already. */
async function policy(client: ClientBase, table: string, column: string): Promise<void> {
  const { rows } = await client.query<{ on: boolean; n: number }>(
    `SELECT c.relrowsecurity AND c.relforcerowsecurity AS on,
            (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname IN ('tele_practice', 'tele_system')) AS n
       FROM pg_class c WHERE c.oid = to_regclass($1)`,
    [table],
  );
  if (rows[0]?.on && rows[0].n === 2) return; // already in force: no lock taken on a live table
  const t = ident(table);
  await client.query(`ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`);
  await client.query(`ALTER TABLE ${t} FORCE ROW LEVEL SECURITY`);
  await client.query(`DROP POLICY IF EXISTS tele_practice ON ${t}`);
  await client.query(`DROP POLICY IF EXISTS tele_system ON ${t}`);
  const own = `${ident(column)} = ${PRACTICE_MATCH}`;
  await client.query(`CREATE POLICY tele_practice ON ${t} USING (${own}) WITH CHECK (${own})`);
  await client.query(`CREATE POLICY tele_system ON ${t} USING (${SYSTEM_MATCH}) WITH CHECK (${SYSTEM_MATCH})`);
}

/**
 * Applies the policies to every practice table and takes UPDATE, DELETE and TRUNCATE on the
 * append-only tables (and writes to `schema_version`) from every role but the owner. Idempotent;
 * the migration runner calls it after every run, inside its locked transaction.
 */
export async function secureTables(client: ClientBase): Promise<void> {
  for (const table of await practiceTables(client)) await policy(client, table, "practice_id");
  await policy(client, "practices", "id");
  const guarded = [...(await appendOnlyTables(client)), "schema_version"];
  const { rows } = await client.query<{ grantee: string; table_name: string }>(
    `SELECT DISTINCT grantee, table_name FROM information_schema.role_table_grants
      WHERE table_schema = current_schema() AND table_name = ANY($1)
        AND privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') AND grantee <> current_user
        AND (table_name = 'schema_version' OR privilege_type <> 'INSERT')`,
    [guarded],
  );
  for (const r of rows) {
    const who = r.grantee === "PUBLIC" ? "PUBLIC" : ident(r.grantee);
    const what = r.table_name === "schema_version" ? "INSERT, UPDATE, DELETE, TRUNCATE" : "UPDATE, DELETE, TRUNCATE";
    await client.query(`REVOKE ${what} ON ${ident(r.table_name)} FROM ${who}`);
  }
}
