/**
 * Why `tele db copy` stopped, as stable codes; the CLI gives each its exit code. Messages name
 * files, hosts, tables and counts, never a password or a row's values.
 */
export type DbCopyCode =
  | "database_not_found" // no SQLite database at the data dir
  | "database_busy" // a server (or another program) has the SQLite file open
  | "schema_newer" // the SQLite file, or the target, was made by a newer tele
  | "target_not_empty" // the target already holds rows, or tables that are not tele's
  | "target_not_found" // the target database does not exist on its server
  | "database_unreachable" // the target's server cannot be reached
  | "database_auth_failed" // the target's server refused the role or its password
  | "permission_denied" // the role in the URL does not own the target's tables
  | "count_mismatch" // a table's rows in PostgreSQL differ in number from SQLite's: rolled back
  | "copy_failed"; // PostgreSQL refused the copy: rolled back

export class DbCopyError extends Error {
  constructor(
    readonly code: DbCopyCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "DbCopyError";
  }
}

/** The URL as it may be shown: everything but the password. */
export function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    u.password = "";
    u.searchParams.delete("password"); // libpq accepts it there too
    return u.toString();
  } catch {
    return "(an unreadable URL)";
  }
}

/** `host:port` of a postgres:// URL (5432 when none is given), for messages. */
export function hostPort(url: string): string {
  const u = new URL(url);
  const host = u.searchParams.get("host") ?? (u.hostname || "localhost");
  return `${host}:${u.port || "5432"}`;
}
