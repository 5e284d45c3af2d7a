import type { AuditRepo, IdempotencyRepo } from "../repos.js";
import type { AuditRow } from "../types.js";
import type { StatementCache } from "./statements.js";

export function auditRepo(s: StatementCache): AuditRepo {
  return {
    async append(e) {
      s.get(`INSERT INTO audit_log (practice_id, at, actor_type, actor_id, action, record_type, record_id, ip, request_id, details)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(e.practiceId, e.at, e.actorType, e.actorId, e.action, e.recordType,
        e.recordId, e.ip, e.requestId, e.details === undefined ? null : JSON.stringify(e.details));
    },
    async list(practiceId, q) {
      const parts = ["practice_id = @practiceId"];
      if (q.recordId) parts.push("record_id = @recordId");
      if (q.action) parts.push("action = @action");
      if (q.actorId) parts.push("actor_id = @actorId");
      if (q.since !== undefined) parts.push("at >= @since");
      // (at, id) against the (practice_id, at) index, whose rows end in the rowid (the id).
      if (q.after) parts.push("(at, id) < (@afterAt, @afterId)");
      const rows = s.get(`SELECT id, practice_id AS practiceId, at, actor_type AS actorType, actor_id AS actorId, action,
          record_type AS recordType, record_id AS recordId, ip, request_id AS requestId, details
        FROM audit_log WHERE ${parts.join(" AND ")} ORDER BY at DESC, id DESC LIMIT (SELECT @limit)`)
        .all({ practiceId, recordId: q.recordId, action: q.action, actorId: q.actorId, since: q.since, afterAt: q.after?.[0], afterId: q.after?.[1], limit: q.limit }) as (AuditRow & { details: string | null })[];
      return rows.map((r) => ({ ...r, details: r.details === null ? undefined : JSON.parse(r.details) }));
    },
  };
}

export function idempotencyRepo(s: StatementCache): IdempotencyRepo {
  return {
    async get(practiceId, staffId, key) {
      return s.get(`SELECT request_hash AS requestHash, status_code AS statusCode, body FROM idempotency_keys
        WHERE practice_id = ? AND staff_id = ? AND key = ?`).get(practiceId, staffId, key) as
        | { requestHash: string; statusCode: number; body: string }
        | undefined;
    },
    async put(r) {
      s.get(`INSERT OR IGNORE INTO idempotency_keys (practice_id, staff_id, key, request_hash, status_code, body, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)`).run(r.practiceId, r.staffId, r.key, r.requestHash, r.statusCode, r.body, r.createdAt);
    },
  };
}
