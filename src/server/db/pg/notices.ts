import type { DueReminder, NoticeBatch, NoticeRepo, NoticeTarget } from "../repos.js";
import { MAX_REMINDER_MINUTES } from "../sqlite/notices.js";
import { arrays, run, SYSTEM, type Exec } from "./exec.js";

const COLS = "a.id, a.client_id, a.therapist_id, a.start_at, a.end_at, a.telehealth, a.status, a.calendar_sequence";
type Row = [string, string, string, number, number, number, string, number];

export function noticeRepo(x: Exec): NoticeRepo {
  return {
    async targets(practiceId, ids, bump = false) {
      // One pass over the appointments: with `bump`, the UPDATE that raises SEQUENCE returns the rows.
      const rows = bump
        ? await arrays<Row>(x, practiceId, `UPDATE appointments a SET calendar_sequence = calendar_sequence + 1
            WHERE a.practice_id = ? AND a.id = ANY(?::text[]) RETURNING ${COLS}`, [practiceId, ids])
        : await arrays<Row>(x, practiceId, `SELECT ${COLS} FROM unnest(?::text[]) WITH ORDINALITY AS j(id, n)
            JOIN appointments a ON a.id = j.id AND a.practice_id = ? ORDER BY j.n`, [ids, practiceId]);
      if (bump) {
        const at = new Map(ids.map((id, i) => [id, i]));
        rows.sort((p, q) => at.get(p[0])! - at.get(q[0])!);
      }
      // The few clients and therapists behind them, each read once (two statements at once).
      const distinct = (k: 1 | 2) => [...new Set(rows.map((r) => r[k]))];
      const [emailRows, nameRows] = await Promise.all([
        arrays<[string, string | null]>(x, practiceId, `SELECT id, email FROM clients WHERE practice_id = ? AND id = ANY(?::text[])`, [practiceId, distinct(1)]),
        arrays<[string, string]>(x, practiceId, `SELECT id, name FROM staff WHERE practice_id = ? AND id = ANY(?::text[])`, [practiceId, distinct(2)]),
      ]);
      const emails = new Map(emailRows);
      const names = new Map(nameRows);
      return rows.map(([id, clientId, therapistId, startAt, endAt, telehealth, status, sequence]): NoticeTarget => ({
        id, clientId, clientEmail: emails.get(clientId) ?? null, therapistName: names.get(therapistId) ?? "", startAt, endAt,
        telehealth: telehealth === 1, status: status as NoticeTarget["status"], sequence,
      }));
    },
    async bumpSequence(practiceId, ids) {
      await run(x, practiceId, `UPDATE appointments SET calendar_sequence = calendar_sequence + 1 WHERE practice_id = ? AND id = ANY(?::text[])`, [practiceId, ids]);
    },
    async dueReminders(now, limit) {
      // Every practice (the system scope); only starts within the longest offset, through the partial index.
      const rows = await arrays<[string, string, number, number]>(x, SYSTEM, `SELECT a.id, a.practice_id, o.value, a.start_at
        FROM appointments a
        JOIN practices p ON p.id = a.practice_id
        CROSS JOIN LATERAL unnest(string_to_array(p.reminder_minutes, ',')::int[]) AS o(value)
        WHERE a.status = 'scheduled' AND a.telehealth = 1 AND a.start_at > @now AND a.start_at <= @horizon
          AND a.start_at - o.value * 60000::bigint <= @now AND a.start_at - o.value * 60000::bigint > a.updated_at
          AND NOT EXISTS (SELECT 1 FROM reminders_sent r WHERE r.appointment_id = a.id AND r.offset_minutes = o.value AND r.start_at = a.start_at)
        ORDER BY a.start_at LIMIT @limit`, { now, horizon: now + MAX_REMINDER_MINUTES * 60_000, limit });
      return rows.map(([appointmentId, practiceId, offsetMinutes, startAt]): DueReminder => ({ appointmentId, practiceId, offsetMinutes, startAt }));
    },
    async claimReminder(r, mailId, now) {
      return (await run(x, r.practiceId, `INSERT INTO reminders_sent (appointment_id, offset_minutes, start_at, practice_id, mail_id, sent_at)
        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, [r.appointmentId, r.offsetMinutes, r.startAt, r.practiceId, mailId, now])) === 1;
    },
    async addBatch(b) {
      await run(x, b.practiceId, `INSERT INTO notice_batches (id, practice_id, kind, appointment_ids, total, done, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [b.id, b.practiceId, b.kind, JSON.stringify(b.appointmentIds), b.appointmentIds.length, b.done, b.createdAt]);
    },
    async batches(limit) {
      const rows = await arrays<[string, string, NoticeBatch["kind"], string, number, number]>(x, SYSTEM,
        `SELECT id, practice_id, kind, appointment_ids, done, created_at FROM notice_batches ORDER BY created_at, id LIMIT ?`, [limit]);
      return rows.map(([id, practiceId, kind, ids, done, createdAt]) => ({ id, practiceId, kind, appointmentIds: JSON.parse(ids) as string[], done, createdAt }));
    },
    async advanceBatch(id, from, to) {
      if ((await run(x, SYSTEM, `UPDATE notice_batches SET done = ? WHERE id = ? AND done = ?`, [to, id, from])) !== 1) return false;
      await run(x, SYSTEM, `DELETE FROM notice_batches WHERE id = ? AND done >= total`, [id]);
      return true;
    },
  };
}
