import type { ClientBase } from "pg";
import { PG_MIGRATIONS } from "./migrations.js";
import { secureTables } from "./security.js";

/**
 * One key for every tele process migrating this database: `pg_advisory_xact_lock` holds it until
 * the transaction ends, so processes starting at once take turns and each re-reads the version.
 */
export const MIGRATION_LOCK_KEY = 0x7e1e_0013;

/** The version recorded in `schema_version` (0 for an empty database); the caller holds the lock. */
async function currentVersion(client: ClientBase): Promise<number> {
  await client.query("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  const { rows } = await client.query<{ version: number }>("SELECT version FROM schema_version");
  if (rows.length === 0) {
    await client.query("INSERT INTO schema_version (version) VALUES (0)");
    return 0;
  }
  return rows[0]!.version;
}

/**
 * Runs `body` in a transaction that holds the migration lock, in the system scope: row-level
 * security is forced on the owner too, and a migration that rewrites rows must see all of them.
 */
async function locked<T>(client: ClientBase, body: () => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
    await client.query("SELECT set_config('tele.scope', 'system', true)");
    const result = await body();
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
}

/** The schema version of a database without changing it (for `tele db copy`'s checks). */
export async function pgSchemaVersion(client: ClientBase): Promise<number> {
  const exists = await client.query("SELECT to_regclass('schema_version') IS NOT NULL AS yes");
  if (!exists.rows[0].yes) return 0;
  const { rows } = await client.query<{ version: number }>("SELECT version FROM schema_version");
  return rows[0]?.version ?? 0;
}

/**
 * Applies every PostgreSQL migration newer than the database's `schema_version`, each in its own
 * transaction (R21), then row-level security on every practice table (security.ts). Run as the
 * role that owns the tables; refuses a database made by a newer tele. Returns the version.
 */
export async function migratePg(client: ClientBase): Promise<number> {
  const target = PG_MIGRATIONS.length;
  for (;;) {
    const applied = await locked(client, async () => {
      const current = await currentVersion(client);
      if (current > target) {
        throw new Error(`database schema version ${current} is newer than this tele (${target}); upgrade tele`);
      }
      if (current === target) return false;
      await client.query(PG_MIGRATIONS[current]!);
      await client.query("UPDATE schema_version SET version = $1", [current + 1]);
      return true;
    });
    if (!applied) break;
  }
  await locked(client, () => secureTables(client));
  return target;
}
