import type { MailRepo, NewMail } from "../repos.js";
import type { MailRow } from "../types.js";
import type { StatementCache } from "./statements.js";

const COLS = `id, practice_id AS practiceId, to_address AS "to", subject, text_body AS text, status, attempts,
  next_attempt_at AS nextAttemptAt, last_error AS lastError, created_at AS createdAt, sent_at AS sentAt, letter`;

const INSERT = `INSERT INTO mail (id, practice_id, to_address, subject, text_body, letter, next_attempt_at, created_at)`;
const ROW = "(?, ?, ?, ?, ?, ?, ?, ?)";
/** Rows per statement: 100 × 8 parameters, well under SQLite's limit. */
const CHUNK = 100;

export function mailRepo(s: StatementCache): MailRepo {
  return {
    async insert(m) {
      s.get(`INSERT INTO mail (id, practice_id, to_address, subject, text_body, letter, next_attempt_at, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(m.id, m.practiceId, m.to, m.subject, m.text, m.letter ?? null, m.nextAttemptAt, m.createdAt);
    },
    async insertMany(ms) {
      // Multi-row INSERTs of CHUNK rows each (one prepared statement), then the rest one by one.
      const values = (m: NewMail) => [m.id, m.practiceId, m.to, m.subject, m.text, m.letter ?? null, m.nextAttemptAt, m.createdAt];
      const chunk = s.get(`${INSERT} VALUES ${Array(CHUNK).fill(ROW).join(", ")}`);
      let i = 0;
      for (; i + CHUNK <= ms.length; i += CHUNK) chunk.run(ms.slice(i, i + CHUNK).flatMap(values));
      const one = s.get(`${INSERT} VALUES ${ROW}`);
      for (; i < ms.length; i++) one.run(values(ms[i]!));
    },
    async claimNext(now, until) {
      return s.get(`UPDATE mail SET next_attempt_at = ? WHERE id = (SELECT id FROM mail
          WHERE status IN ('queued', 'failed') AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT 1)
        RETURNING ${COLS}`).get(until, now) as MailRow | undefined;
    },
    async list(practiceId, f) {
      const parts = ["practice_id = @practiceId"];
      if (f.to) parts.push("to_address = @to");
      if (f.status) parts.push("status = @status");
      if (f.after) parts.push("(created_at, id) < (@afterAt, @afterId)");
      return s.get(`SELECT ${COLS} FROM mail WHERE ${parts.join(" AND ")} ORDER BY created_at DESC, id DESC LIMIT (SELECT @limit)`)
        .all({ practiceId, to: f.to?.toLowerCase(), status: f.status, afterAt: f.after?.[0], afterId: f.after?.[1], limit: f.limit }) as MailRow[];
    },
    async markSent(id, now) {
      // Delivered: the body goes, since it may carry a live single-use link (tokens are kept only as hashes at rest).
      s.get(`UPDATE mail SET status = 'sent', attempts = attempts + 1, sent_at = ?, last_error = NULL, text_body = '', letter = NULL WHERE id = ?`).run(now, id);
    },
    async byId(practiceId, id) {
      return s.get(`SELECT ${COLS} FROM mail WHERE practice_id = ? AND id = ?`).get(practiceId, id) as MailRow | undefined;
    },
    async retryNow(practiceId, id, now) {
      return s.get(`UPDATE mail SET next_attempt_at = ? WHERE practice_id = ? AND id = ? AND status != 'sent'`).run(now, practiceId, id).changes === 1;
    },
    async markFailed(id, error, nextAttemptAt) {
      s.get(`UPDATE mail SET status = 'failed', attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?`)
        .run(error, nextAttemptAt, id);
    },
  };
}
