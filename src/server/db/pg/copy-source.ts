/**
 * The SQLite side of `tele db copy`: the practice database opened alone (no server on it for the
 * whole copy), with its tables, columns and row counts, brought to this tele's schema on request.
 */
import Database from "better-sqlite3";
import { existsSync } from "node:fs";
import { MIGRATIONS } from "../migrations.js";
import { migrate, type SqliteDatabase } from "../open.js";
import { DbCopyError } from "./copy-errors.js";

export interface SourceTable {
  name: string;
  columns: string[];
  rows: number;
}

export interface CopySource {
  db: SqliteDatabase;
  /** The file's schema version (PRAGMA user_version); this tele's once `upgrade()` has run. */
  version: number;
  /** Applies this tele's newer SQLite migrations, as `tele server start` would; returns the version it had, if any ran. */
  upgrade(): number | undefined;
  /** Its tables, columns and row counts (read again by `upgrade()`). */
  tables: SourceTable[];
  /** sqlite_sequence: the highest id each AUTOINCREMENT table has ever handed out. */
  sequences: Map<string, bigint>;
  /** Every row of `table`, in `columns` order, integers as bigint. */
  rows(table: SourceTable): Iterable<unknown[]>;
  close(): void;
}

/**
 * Opens `file` with SQLite's EXCLUSIVE locking mode and takes the lock at once (no waiting). A
 * running server keeps a shared lock on its database file for as long as it has it open (WAL
 * mode holds one per connection), so the lock is refused while one is: that is `database_busy`.
 * Once taken the lock is kept until `close()`, so no server can start on the file mid-copy.
 */
export function openSource(file: string): CopySource {
  if (!existsSync(file)) throw new DbCopyError("database_not_found", `no SQLite database at ${file}`);
  const db = new Database(file, { fileMustExist: true });
  try {
    return readSource(db, file);
  } catch (err) {
    db.close();
    throw err;
  }
}

function readSource(db: SqliteDatabase, file: string): CopySource {
  try {
    db.pragma("busy_timeout = 0");
    db.pragma("locking_mode = EXCLUSIVE");
    db.exec("BEGIN EXCLUSIVE");
    db.exec("COMMIT");
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") {
      throw new DbCopyError("database_busy", `${file} is in use: a tele server (or another program) has it open`);
    }
    if (code === "SQLITE_NOTADB") throw new DbCopyError("database_not_found", `${file} is not a SQLite database`);
    throw err;
  }
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new DbCopyError("schema_newer", `the SQLite database is at schema version ${version}, newer than this tele (${MIGRATIONS.length})`);
  }
  const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  if (version === 0 && !names.includes("practices")) throw new DbCopyError("database_not_found", `${file} holds no tele database`);
  const source: CopySource = {
    db, version, tables: listTables(db), sequences: highestIds(db),
    upgrade: () => {
      if (source.version === MIGRATIONS.length) return undefined;
      const from = source.version;
      source.version = migrate(db);
      source.tables = listTables(db);
      source.sequences = highestIds(db);
      return from;
    },
    rows: (table) => {
      const columns = table.columns.map((c) => `"${c.replace(/"/g, '""')}"`).join(", ");
      return db.prepare(`SELECT ${columns} FROM "${table.name}"`).raw(true).safeIntegers(true).iterate() as Iterable<unknown[]>;
    },
    close: () => db.close(),
  };
  return source;
}

function highestIds(db: SqliteDatabase): Map<string, bigint> {
  const out = new Map<string, bigint>();
  if (!db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").get()) return out;
  for (const row of db.prepare("SELECT name, seq FROM sqlite_sequence").safeIntegers(true).all() as { name: string; seq: bigint }[]) {
    out.set(row.name, row.seq);
  }
  return out;
}

function listTables(db: SqliteDatabase): SourceTable[] {
  const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  return names.map((name) => {
    const columns = (db.pragma(`table_info("${name}")`) as { name: string }[]).map((c) => c.name);
    const rows = db.prepare(`SELECT count(*) FROM "${name}"`).pluck().get() as number;
    return { name, columns, rows };
  });
}
