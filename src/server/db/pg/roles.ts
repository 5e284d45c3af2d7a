import type { ClientBase } from "pg";
import { ident, secureTables } from "./security.js";

/**
 * The two roles of a tele database on PostgreSQL:
 * - the owner, which runs the migrations and `tele db copy` and owns every table;
 * - the app role, which the server connects as: it owns nothing, so row-level security applies to
 *   it, may read and write the practice's rows, and may only add to the append-only tables.
 * The README's setup steps run `createAppRole` (or the same SQL) once per database.
 */
export interface AppRole {
  role: string;
  password: string;
  database: string;
}

/**
 * Creates the login role (if missing) and lets it connect to the database. Needs a connection
 * with CREATEROLE (any database of the cluster); the grants are `grantAppRole`'s.
 */
export async function createLoginRole(admin: ClientBase, app: AppRole): Promise<void> {
  const exists = await admin.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [app.role]);
  const password = `'${app.password.replace(/'/g, "''")}'`;
  const verb = exists.rowCount ? "ALTER" : "CREATE";
  await admin.query(`${verb} ROLE ${ident(app.role)} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD ${password}`);
  await admin.query(`GRANT CONNECT ON DATABASE ${ident(app.database)} TO ${ident(app.role)}`);
}

/**
 * Grants the app role what the server needs on the tables of the owner's connection (the target
 * database, as the owner): rows of every table, the sequences, and the same on tables later
 * migrations create; then `secureTables` takes back changes to the append-only tables.
 */
export async function grantAppRole(owner: ClientBase, role: string): Promise<void> {
  const r = ident(role);
  await owner.query(`GRANT USAGE ON SCHEMA public TO ${r}`);
  await owner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r}`);
  await owner.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r}`);
  await owner.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${r}`);
  await owner.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${r}`);
  // On a database not migrated yet there is nothing to secure: the migrations do it after they run.
  const migrated = await owner.query("SELECT to_regclass('practices') IS NOT NULL AS yes");
  if (!migrated.rows[0].yes) return;
  await owner.query("BEGIN");
  try {
    await secureTables(owner);
    await owner.query("COMMIT");
  } catch (err) {
    await owner.query("ROLLBACK");
    throw err;
  }
}

/** Both steps for a database whose owner can also create roles (the tests' `tele_test`). */
export async function createAppRole(owner: ClientBase, app: AppRole): Promise<void> {
  await createLoginRole(owner, app);
  await grantAppRole(owner, app.role);
}

/** The app role's connection URL: the owner's URL with the app role's name and password. */
export function appRoleUrl(ownerUrl: string, app: AppRole): string {
  const url = new URL(ownerUrl);
  url.username = encodeURIComponent(app.role);
  url.password = encodeURIComponent(app.password);
  url.pathname = `/${encodeURIComponent(app.database)}`;
  return url.toString();
}
