import type { AuditRepo, IdempotencyRepo } from "../repos.js";
import type { AuditRow, NewAudit } from "../types.js";
import { all, one, run, type Exec } from "./exec.js";

/** Audit rows of one practice in one statement (the group commit's rows). */
export async function appendAudit(x: Exec, practiceId: string, es: NewAudit[]): Promise<void> {
  await run(x, practiceId, `INSERT INTO audit_log (practice_id, at, actor_type, actor_id, action, record_type, record_id, ip, request_id, details)
    SELECT * FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])`, [
    es.map((e) => e.practiceId), es.map((e) => e.at), es.map((e) => e.actorType), es.map((e) => e.actorId), es.map((e) => e.action),
    es.map((e) => e.recordType), es.map((e) => e.recordId), es.map((e) => e.ip), es.map((e) => e.requestId),
    es.map((e) => (e.details === undefined ? null : JSON.stringify(e.details))),
  ]);
}

export function auditRepo(x: Exec): AuditRepo {
  return {
    async append(e) {
      await run(x, e.practiceId, `INSERT INTO audit_log (practice_id, at, actor_type, actor_id, action, record_type, record_id, ip, request_id, details)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [e.practiceId, e.at, e.actorType, e.actorId, e.action, e.recordType,
        e.recordId, e.ip, e.requestId, e.details === undefined ? null : JSON.stringify(e.details)]);
    },
    async list(practiceId, q) {
      const parts = ["practice_id = @practiceId"];
      if (q.recordId) parts.push("record_id = @recordId");
      if (q.action) parts.push("action = @action");
      if (q.actorId) parts.push("actor_id = @actorId");
      if (q.since !== undefined) parts.push("at >= @since");
      if (q.after) parts.push("(at, id) < (@afterAt, @afterId)");
      const rows = await all<AuditRow & { details: string | null }>(x, practiceId, `SELECT id, practice_id AS "practiceId", at, actor_type AS "actorType", actor_id AS "actorId", action,
          record_type AS "recordType", record_id AS "recordId", ip, request_id AS "requestId", details
        FROM audit_log WHERE ${parts.join(" AND ")} ORDER BY at DESC, id DESC LIMIT @limit`,
      { practiceId, recordId: q.recordId, action: q.action, actorId: q.actorId, since: q.since, afterAt: q.after?.[0], afterId: q.after?.[1], limit: q.limit });
      return rows.map((r) => ({ ...r, details: r.details === null ? undefined : JSON.parse(r.details) }));
    },
  };
}

export function idempotencyRepo(x: Exec): IdempotencyRepo {
  return {
    async get(practiceId, staffId, key) {
      return one<{ requestHash: string; statusCode: number; body: string }>(x, practiceId, `SELECT request_hash AS "requestHash", status_code AS "statusCode", body FROM idempotency_keys
        WHERE practice_id = ? AND staff_id = ? AND key = ?`, [practiceId, staffId, key]);
    },
    async put(r) {
      await run(x, r.practiceId, `INSERT INTO idempotency_keys (practice_id, staff_id, key, request_hash, status_code, body, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, [r.practiceId, r.staffId, r.key, r.requestHash, r.statusCode, r.body, r.createdAt]);
    },
  };
}
