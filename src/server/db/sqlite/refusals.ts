import type { RefusalRepo, WebhookDeliveryRepo } from "../repos.js";
import type { StatementCache } from "./statements.js";

export function refusalRepo(s: StatementCache): RefusalRepo {
  return {
    async add(rows) {
      const up = s.get(`INSERT INTO refusal_counts (practice_id, day, kind, count) VALUES (?, ?, ?, ?)
        ON CONFLICT (practice_id, day, kind) DO UPDATE SET count = count + excluded.count`);
      for (const r of rows) up.run(r.practiceId, r.day, r.kind, r.count);
    },
    async list(practiceId) {
      return s.get(`SELECT day, kind, count FROM refusal_counts WHERE practice_id = ? ORDER BY day, kind`).all(practiceId) as
        { day: string; kind: string; count: number }[];
    },
  };
}

export function webhookDeliveryRepo(s: StatementCache): WebhookDeliveryRepo {
  return {
    async add(key, now) {
      return s.get(`INSERT OR IGNORE INTO webhook_deliveries (key, seen_at) VALUES (?, ?)`).run(key, now).changes === 1;
    },
    async remove(key) {
      s.get(`DELETE FROM webhook_deliveries WHERE key = ?`).run(key);
    },
    async prune(before, keep) {
      s.get(`DELETE FROM webhook_deliveries WHERE seen_at < ? OR key NOT IN (SELECT key FROM webhook_deliveries ORDER BY seen_at DESC LIMIT (SELECT ?))`)
        .run(before, keep);
    },
  };
}
