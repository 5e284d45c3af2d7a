import type { RateLimitRepo } from "../repos.js";
import type { StatementCache } from "./statements.js";

type Window = { count: number; resetAt: number };

/**
 * Rate-limit windows on SQLite (see RateLimitRepo). `hit` is one upsert whose RETURNING gives the
 * state it wrote, so two processes on one file never lose a count. `inQueue` runs a statement in
 * the store's write queue: this connection may have a transaction open across an await, and a hit
 * must neither join it (a rollback would forget the attempt) nor wait for its commit to be seen.
 */
export function rateLimitRepo(s: StatementCache, inQueue: <T>(fn: () => T) => Promise<T>): RateLimitRepo {
  return {
    hit(key, windowMs, now) {
      return inQueue(() => s.get(`INSERT INTO rate_limits (key, count, reset_at) VALUES (?, 1, ?)
        ON CONFLICT (key) DO UPDATE SET
          count = CASE WHEN reset_at <= ? THEN 1 ELSE count + 1 END,
          reset_at = CASE WHEN reset_at <= ? THEN excluded.reset_at ELSE reset_at END
        RETURNING count, reset_at AS resetAt`).get(key, now + windowMs, now, now) as Window);
    },
    async peek(key, now) {
      return s.get(`SELECT count, reset_at AS resetAt FROM rate_limits WHERE key = ? AND reset_at > ?`).get(key, now) as Window | undefined;
    },
    prune(now) {
      return inQueue(() => s.get(`DELETE FROM rate_limits WHERE reset_at <= ?`).run(now).changes);
    },
  };
}
