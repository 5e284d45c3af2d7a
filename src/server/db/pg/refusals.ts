import type { RateLimitRepo, RefusalRepo, WebhookDeliveryRepo } from "../repos.js";
import { all, one, run, SYSTEM, type Exec } from "./exec.js";

export function refusalRepo(x: Exec): RefusalRepo {
  return {
    async add(rows) {
      // One upsert per row (two rows of one key in one statement would be refused): they go out together.
      await Promise.all(rows.map((r) => run(x, r.practiceId, `INSERT INTO refusal_counts (practice_id, day, kind, count) VALUES (?, ?, ?, ?)
        ON CONFLICT (practice_id, day, kind) DO UPDATE SET count = refusal_counts.count + excluded.count`, [r.practiceId, r.day, r.kind, r.count])));
    },
    async list(practiceId) {
      return all(x, practiceId, `SELECT day, kind, count FROM refusal_counts WHERE practice_id = ? ORDER BY day, kind`, [practiceId]);
    },
  };
}

/** webhook_deliveries has no practice (and no policy): the system scope, as security.ts lists. */
export function webhookDeliveryRepo(x: Exec): WebhookDeliveryRepo {
  return {
    async add(key, now) {
      return (await run(x, SYSTEM, `INSERT INTO webhook_deliveries (key, seen_at) VALUES (?, ?) ON CONFLICT DO NOTHING`, [key, now])) === 1;
    },
    async remove(key) {
      await run(x, SYSTEM, `DELETE FROM webhook_deliveries WHERE key = ?`, [key]);
    },
    async prune(before, keep) {
      await run(x, SYSTEM, `DELETE FROM webhook_deliveries WHERE seen_at < ? OR key NOT IN (SELECT key FROM webhook_deliveries ORDER BY seen_at DESC LIMIT ?)`, [before, keep]);
    },
  };
}

type Window = { count: number; resetAt: number };

/** Rate-limit windows (see RateLimitRepo): each call one atomic statement of its own, never inside a request's transaction. */
export function rateLimitRepo(x: Exec): RateLimitRepo {
  return {
    async hit(key, windowMs, now) {
      return (await one<Window>(x, SYSTEM, `INSERT INTO rate_limits AS r (key, count, reset_at) VALUES (?, 1, ?)
        ON CONFLICT (key) DO UPDATE SET
          count = CASE WHEN r.reset_at <= ? THEN 1 ELSE r.count + 1 END,
          reset_at = CASE WHEN r.reset_at <= ? THEN excluded.reset_at ELSE r.reset_at END
        RETURNING count, reset_at AS "resetAt"`, [key, now + windowMs, now, now]))!;
    },
    async peek(key, now) {
      return one<Window>(x, SYSTEM, `SELECT count, reset_at AS "resetAt" FROM rate_limits WHERE key = ? AND reset_at > ?`, [key, now]);
    },
    async prune(now) {
      return run(x, SYSTEM, `DELETE FROM rate_limits WHERE reset_at <= ?`, [now]);
    },
  };
}
