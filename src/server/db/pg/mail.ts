import type { MailRepo, NewMail } from "../repos.js";
import type { MailRow } from "../types.js";
import { all, one, run, SYSTEM, type Exec } from "./exec.js";

const COLS = `id, practice_id AS "practiceId", to_address AS "to", subject, text_body AS text, status, attempts,
  next_attempt_at AS "nextAttemptAt", last_error AS "lastError", created_at AS "createdAt", sent_at AS "sentAt", letter`;

/** Many mails of one practice in one statement (column arrays), whatever the count. */
async function insertMails(x: Exec, practiceId: string, ms: NewMail[]): Promise<void> {
  await run(x, practiceId, `INSERT INTO mail (id, practice_id, to_address, subject, text_body, letter, next_attempt_at, created_at)
    SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[])`, [
    ms.map((m) => m.id), ms.map((m) => m.practiceId), ms.map((m) => m.to), ms.map((m) => m.subject), ms.map((m) => m.text),
    ms.map((m) => m.letter ?? null), ms.map((m) => m.nextAttemptAt), ms.map((m) => m.createdAt),
  ]);
}

/** The outbox. The worker's paths (claimNext, sent, failed) cross practices: the system scope. */
export function mailRepo(x: Exec): MailRepo {
  return {
    async insert(m) {
      await run(x, m.practiceId, `INSERT INTO mail (id, practice_id, to_address, subject, text_body, letter, next_attempt_at, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, [m.id, m.practiceId, m.to, m.subject, m.text, m.letter ?? null, m.nextAttemptAt, m.createdAt]);
    },
    async insertMany(ms) {
      const byPractice = new Map<string, NewMail[]>();
      for (const m of ms) {
        let list = byPractice.get(m.practiceId);
        if (!list) byPractice.set(m.practiceId, (list = []));
        list.push(m);
      }
      await Promise.all([...byPractice].map(([p, list]) => insertMails(x, p, list)));
    },
    async claimNext(now, until) {
      // The queue's claim: a row another worker has locked is skipped, and READ COMMITTED re-checks a
      // row changed since the snapshot, so a mail just taken elsewhere is not taken again.
      return one<MailRow>(x, SYSTEM, `UPDATE mail SET next_attempt_at = ? WHERE id = (SELECT id FROM mail
          WHERE status IN ('queued', 'failed') AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING ${COLS}`, [until, now]);
    },
    async list(practiceId, f) {
      const parts = ["practice_id = @practiceId"];
      if (f.to) parts.push("to_address = @to");
      if (f.status) parts.push("status = @status");
      if (f.after) parts.push("(created_at, id) < (@afterAt, @afterId)");
      return all<MailRow>(x, practiceId, `SELECT ${COLS} FROM mail WHERE ${parts.join(" AND ")} ORDER BY created_at DESC, id DESC LIMIT @limit`,
        { practiceId, to: f.to?.toLowerCase(), status: f.status, afterAt: f.after?.[0], afterId: f.after?.[1], limit: f.limit });
    },
    async markSent(id, now) {
      // Delivered: the body goes, since it may carry a live single-use link.
      await run(x, SYSTEM, `UPDATE mail SET status = 'sent', attempts = attempts + 1, sent_at = ?, last_error = NULL, text_body = '', letter = NULL WHERE id = ?`, [now, id]);
    },
    async byId(practiceId, id) {
      return one<MailRow>(x, practiceId, `SELECT ${COLS} FROM mail WHERE practice_id = ? AND id = ?`, [practiceId, id]);
    },
    async retryNow(practiceId, id, now) {
      return (await run(x, practiceId, `UPDATE mail SET next_attempt_at = ? WHERE practice_id = ? AND id = ? AND status != 'sent'`, [now, practiceId, id])) === 1;
    },
    async markFailed(id, error, nextAttemptAt) {
      await run(x, SYSTEM, `UPDATE mail SET status = 'failed', attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?`, [error, nextAttemptAt, id]);
    },
  };
}
