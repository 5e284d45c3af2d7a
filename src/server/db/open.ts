import Database from "better-sqlite3";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { MIGRATIONS } from "./migrations.js";

export type SqliteDatabase = Database.Database;

/**
 * The data directory is the owner's alone (0700) and so is every database file (0600): SQLite
 * creates `-wal` and `-shm` with the database file's mode, and older files are tightened here.
 */
export function privateFiles(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  chmodSync(dirname(file), 0o700);
  if (!existsSync(file)) closeSync(openSync(file, "a", 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
}

/**
 * Opens (creating if needed) the practice database: WAL, foreign keys on, migrations applied.
 * `secure_delete` zeroes deleted and overwritten content, so a blanked mail body (which held a
 * live link) leaves no bytes in free space; the WAL's old frames are the store's to clear (scrub).
 */
export function openSqlite(file: string): SqliteDatabase {
  if (file !== ":memory:") privateFiles(file);
  const db = new Database(file);
  db.pragma("secure_delete = ON");
  if (file !== ":memory:") db.pragma("journal_mode = WAL");
  db.pragma("foreign_keys = ON");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  db.pragma("cache_size = -65536");
  migrate(db);
  return db;
}

/** Applies every migration newer than the database's `user_version`, each in its own transaction. */
export function migrate(db: SqliteDatabase): number {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema version ${current} is newer than this tele (${MIGRATIONS.length}); upgrade tele`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return MIGRATIONS.length;
}
