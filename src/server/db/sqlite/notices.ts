import type { DueReminder, NoticeRepo, NoticeTarget } from "../repos.js";
import type { StatementCache } from "./statements.js";

/** The longest reminder offset the settings allow (7 days), bounding the scan of upcoming starts. */
export const MAX_REMINDER_MINUTES = 7 * 24 * 60;

export function noticeRepo(s: StatementCache): NoticeRepo {
  return {
    async targets(practiceId, ids) {
      const rows = s.get(`SELECT a.id, a.client_id, c.email, t.name, a.start_at, a.end_at, a.telehealth, a.status, a.calendar_sequence
        FROM json_each(?) j JOIN appointments a ON a.id = j.value AND a.practice_id = ?
        JOIN clients c ON c.id = a.client_id JOIN staff t ON t.id = a.therapist_id`)
        .raw().all(JSON.stringify(ids), practiceId) as [string, string, string | null, string, number, number, number, string, number][];
      return rows.map(([id, clientId, clientEmail, therapistName, startAt, endAt, telehealth, status, sequence]): NoticeTarget => ({
        id, clientId, clientEmail, therapistName, startAt, endAt, telehealth: telehealth === 1, status: status as NoticeTarget["status"], sequence,
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
        ORDER BY a.start_at LIMIT @limit`)
        .raw().all({ now, horizon: now + MAX_REMINDER_MINUTES * 60_000, limit }) as [string, string, number, number][];
      return rows.map(([appointmentId, practiceId, offsetMinutes, startAt]): DueReminder => ({ appointmentId, practiceId, offsetMinutes, startAt }));
    },
    async claimReminder(r: DueReminder, mailId, now) {
      const res = s.get(`INSERT OR IGNORE INTO reminders_sent (appointment_id, offset_minutes, start_at, practice_id, mail_id, sent_at)
        VALUES (?, ?, ?, ?, ?, ?)`).run(r.appointmentId, r.offsetMinutes, r.startAt, r.practiceId, mailId, now);
      return res.changes === 1;
    },
  };
}
