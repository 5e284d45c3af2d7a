import type { PracticeRepo } from "../repos.js";
import type { PracticeRow } from "../types.js";
import type { StatementCache } from "./statements.js";

const COLS = `id, name, slug, state, time_zone AS timeZone, join_window_minutes AS joinWindowMinutes,
  auto_complete_minutes AS autoCompleteMinutes, contact, licensure, created_at AS createdAt`;

export function practiceRepo(s: StatementCache): PracticeRepo {
  return {
    async insert(p) {
      s.get(`INSERT INTO practices (id, name, slug, state, time_zone, join_window_minutes, auto_complete_minutes, contact, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(p.id, p.name, p.slug, p.state, p.timeZone, p.joinWindowMinutes, p.autoCompleteMinutes, p.contact, p.createdAt);
    },
    async byId(id) {
      return s.get(`SELECT ${COLS} FROM practices WHERE id = ?`).get(id) as PracticeRow | undefined;
    },
    async bySlug(slug) {
      return s.get(`SELECT ${COLS} FROM practices WHERE slug = ?`).get(slug) as PracticeRow | undefined;
    },
    async update(id, fields) {
      const cols = { name: "name", timeZone: "time_zone", contact: "contact", joinWindowMinutes: "join_window_minutes", autoCompleteMinutes: "auto_complete_minutes", licensure: "licensure" } as const;
      for (const [key, col] of Object.entries(cols)) {
        const value = fields[key as keyof typeof cols];
        if (value !== undefined) s.get(`UPDATE practices SET ${col} = ? WHERE id = ?`).run(value, id);
      }
    },
    async setContact(id, contact) {
      s.get(`UPDATE practices SET contact = ? WHERE id = ?`).run(contact, id);
    },
  };
}
