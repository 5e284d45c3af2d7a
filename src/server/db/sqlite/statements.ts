import type { SqliteDatabase } from "../open.js";
import type { Statement } from "better-sqlite3";

/** Prepares each distinct SQL text once per connection; dynamic filters reuse their statements. */
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
