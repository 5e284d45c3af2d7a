import type { SqliteDatabase } from "../open.js";
import type { Statement } from "better-sqlite3";

/**
 * Prepares each distinct SQL text once per connection; dynamic filters reuse their statements.
 *
 * A statement is prepared once only if no bound value can change its plan: SQLite (3.53) prepares
 * a statement again at every call whose `LIMIT ?` is a bare parameter, or whose parameter is
 * compared with a column a partial index's WHERE names (appointments.status and .telehealth). So
 * limits are written `LIMIT (SELECT ?)` (the same plan, evaluated once per run) and those columns
 * are compared with literals: a page read that was prepared anew each time (20–60 µs) is not.
 */
export class StatementCache {
  private readonly cache = new Map<string, Statement>();
  constructor(readonly db: SqliteDatabase) {}

  get(sql: string): Statement {
    let st = this.cache.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.cache.set(sql, st);
    }
    return st;
  }
}

export const bool = (v: unknown): boolean => v === 1 || v === true;
