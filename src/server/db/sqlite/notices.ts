import type { DueReminder, NoticeBatch, NoticeRepo, NoticeTarget } from "../repos.js";
import type { StatementCache } from "./statements.js";

/** The longest reminder offset the settings allow (7 days), bounding the scan of upcoming starts. */
export const MAX_REMINDER_MINUTES = 7 * 24 * 60;

const COLS = "id, client_id, therapist_id, start_at, end_at, telehealth, status, calendar_sequence";
type Row = [string, string, string, number, number, number, string, number];

export function noticeRepo(s: StatementCache): NoticeRepo {
  return {
    async targets(practiceId, ids, bump = false) {
      // One pass over the appointments: with `bump`, the UPDATE that raises SEQUENCE returns the rows.
      // CROSS JOIN keeps the ids outermost, so each is one primary-key lookup (otherwise the planner
      // may scan the appointments and search the unindexed id list for each: quadratic in bulk).
      const sql = bump
        ? `UPDATE appointments SET calendar_sequence = calendar_sequence + 1 WHERE practice_id = @practiceId AND id IN (SELECT value FROM json_each(@ids))
           RETURNING ${COLS}`
        : `SELECT ${COLS.replace(/(\w+)/g, "a.$1")} FROM json_each(@ids) j CROSS JOIN appointments a ON a.id = j.value AND a.practice_id = @practiceId`;
      const rows = s.get(sql).raw().all({ practiceId, ids: JSON.stringify(ids) }) as Row[];
      // The few clients and therapists behind them, each read once.
      const distinct = (k: 1 | 2) => JSON.stringify([...new Set(rows.map((r) => r[k]))]);
      const emails = new Map(s.get(`SELECT id, email FROM clients WHERE id IN (SELECT value FROM json_each(?))`).raw().all(distinct(1)) as [string, string | null][]);
      const names = new Map(s.get(`SELECT id, name FROM staff WHERE id IN (SELECT value FROM json_each(?))`).raw().all(distinct(2)) as [string, string][]);
      return rows.map(([id, clientId, therapistId, startAt, endAt, telehealth, status, sequence]): NoticeTarget => ({
        id, clientId, clientEmail: emails.get(clientId) ?? null, therapistName: names.get(therapistId) ?? "", startAt, endAt,
        telehealth: telehealth === 1, status: status as NoticeTarget["status"], sequence,
      }));
    },
    async bumpSequence(practiceId, ids) {
      s.get(`UPDATE appointments SET calendar_sequence = calendar_sequence + 1
        WHERE practice_id = ? AND id IN (SELECT value FROM json_each(?))`).run(practiceId, JSON.stringify(ids));
    },
    async dueReminders(now, limit) {
      // Only starts within the longest offset are looked at (the partial index holds scheduled telehealth ones);
      // an offset whose moment had passed when the appointment was last changed is never due.
      const rows = s.get(`SELECT a.id, a.practice_id, o.value, a.start_at
        FROM appointments a INDEXED BY appointments_upcoming_telehealth
        JOIN practices p ON p.id = a.practice_id
        JOIN json_each('[' || p.reminder_minutes || ']') o
        WHERE a.status = 'scheduled' AND a.telehealth = 1 AND a.start_at > @now AND a.start_at <= @horizon
          AND a.start_at - o.value * 60000 <= @now AND a.start_at - o.value * 60000 > a.updated_at
          AND NOT EXISTS (SELECT 1 FROM reminders_sent r WHERE r.appointment_id = a.id AND r.offset_minutes = o.value AND r.start_at = a.start_at)
        ORDER BY a.start_at LIMIT (SELECT @limit)`)
        .raw().all({ now, horizon: now + MAX_REMINDER_MINUTES * 60_000, limit }) as [string, string, number, number][];
      return rows.map(([appointmentId, practiceId, offsetMinutes, startAt]): DueReminder => ({ appointmentId, practiceId, offsetMinutes, startAt }));
    },
    async claimReminder(r: DueReminder, mailId, now) {
      const res = s.get(`INSERT OR IGNORE INTO reminders_sent (appointment_id, offset_minutes, start_at, practice_id, mail_id, sent_at)
        VALUES (?, ?, ?, ?, ?, ?)`).run(r.appointmentId, r.offsetMinutes, r.startAt, r.practiceId, mailId, now);
      return res.changes === 1;
    },
    async addBatch(b) {
      s.get(`INSERT INTO notice_batches (id, practice_id, kind, appointment_ids, total, done, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
        .run(b.id, b.practiceId, b.kind, JSON.stringify(b.appointmentIds), b.appointmentIds.length, b.done, b.createdAt);
    },
    async batches(limit) {
      const rows = s.get(`SELECT id, practice_id, kind, appointment_ids, done, created_at FROM notice_batches ORDER BY created_at, id LIMIT ?`)
        .raw().all(limit) as [string, string, NoticeBatch["kind"], string, number, number][];
      return rows.map(([id, practiceId, kind, ids, done, createdAt]) => ({ id, practiceId, kind, appointmentIds: JSON.parse(ids) as string[], done, createdAt }));
    },
    async advanceBatch(id, from, to) {
      if (s.get(`UPDATE notice_batches SET done = ? WHERE id = ? AND done = ?`).run(to, id, from).changes !== 1) return false;
      s.get(`DELETE FROM notice_batches WHERE id = ? AND done >= total`).run(id);
      return true;
    },
  };
}
