import type { PracticeRepo } from "../repos.js";
import type { PracticeRow } from "../types.js";
import type { StatementCache } from "./statements.js";

const COLS = `id, name, slug, state, time_zone AS timeZone, join_window_minutes AS joinWindowMinutes,
  auto_complete_minutes AS autoCompleteMinutes, contact, licensure, reminder_minutes AS reminderMinutes, created_at AS createdAt`;

/** '1440,60' → [1440, 60]; '' → []. */
const minutesOf = (text: string): number[] => (text ? text.split(",").map(Number) : []);
const practice = (r: (Omit<PracticeRow, "reminderMinutes"> & { reminderMinutes: string }) | undefined): PracticeRow | undefined =>
  r && { ...r, reminderMinutes: minutesOf(r.reminderMinutes) };

export function practiceRepo(s: StatementCache): PracticeRepo {
  return {
    async insert(p) {
      s.get(`INSERT INTO practices (id, name, slug, state, time_zone, join_window_minutes, auto_complete_minutes, contact, reminder_minutes, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(p.id, p.name, p.slug, p.state, p.timeZone, p.joinWindowMinutes, p.autoCompleteMinutes, p.contact, p.reminderMinutes.join(","), p.createdAt);
    },
    async byId(id) {
      return practice(s.get(`SELECT ${COLS} FROM practices WHERE id = ?`).get(id) as never);
    },
    async bySlug(slug) {
      return practice(s.get(`SELECT ${COLS} FROM practices WHERE slug = ?`).get(slug) as never);
    },
    async update(id, fields) {
      const cols = { name: "name", timeZone: "time_zone", contact: "contact", joinWindowMinutes: "join_window_minutes", autoCompleteMinutes: "auto_complete_minutes", licensure: "licensure" } as const;
      for (const [key, col] of Object.entries(cols)) {
        const value = fields[key as keyof typeof cols];
        if (value !== undefined) s.get(`UPDATE practices SET ${col} = ? WHERE id = ?`).run(value, id);
      }
      if (fields.reminderMinutes) s.get(`UPDATE practices SET reminder_minutes = ? WHERE id = ?`).run(fields.reminderMinutes.join(","), id);
    },
    async setContact(id, contact) {
      s.get(`UPDATE practices SET contact = ? WHERE id = ?`).run(contact, id);
    },
  };
}
