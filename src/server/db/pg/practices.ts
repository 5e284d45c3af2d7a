import type { PracticeRepo } from "../repos.js";
import type { PracticeRow } from "../types.js";
import { one, run, SYSTEM, type Exec } from "./exec.js";

const COLS = `id, name, slug, state, time_zone AS "timeZone", join_window_minutes AS "joinWindowMinutes",
  auto_complete_minutes AS "autoCompleteMinutes", contact, licensure, reminder_minutes AS "reminderMinutes", created_at AS "createdAt"`;

/** '1440,60' → [1440, 60]; '' → []. */
const minutesOf = (text: string): number[] => (text ? text.split(",").map(Number) : []);
const practice = (r: (Omit<PracticeRow, "reminderMinutes"> & { reminderMinutes: string }) | undefined): PracticeRow | undefined =>
  r && { ...r, reminderMinutes: minutesOf(r.reminderMinutes) };

/** A practice's own row is in its own scope (the policy on `practices` matches its id); a slug is looked up before the practice is known. */
export function practiceRepo(x: Exec): PracticeRepo {
  return {
    async insert(p) {
      await run(x, p.id, `INSERT INTO practices (id, name, slug, state, time_zone, join_window_minutes, auto_complete_minutes, contact, reminder_minutes, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [p.id, p.name, p.slug, p.state, p.timeZone, p.joinWindowMinutes, p.autoCompleteMinutes, p.contact, p.reminderMinutes.join(","), p.createdAt]);
    },
    async byId(id) {
      return practice(await one(x, id, `SELECT ${COLS} FROM practices WHERE id = ?`, [id]));
    },
    async bySlug(slug) {
      return practice(await one(x, SYSTEM, `SELECT ${COLS} FROM practices WHERE slug = ?`, [slug]));
    },
    async update(id, fields) {
      const cols = { name: "name", timeZone: "time_zone", contact: "contact", joinWindowMinutes: "join_window_minutes", autoCompleteMinutes: "auto_complete_minutes", licensure: "licensure" } as const;
      const writes: Promise<number>[] = [];
      for (const [key, col] of Object.entries(cols)) {
        const value = fields[key as keyof typeof cols];
        if (value !== undefined) writes.push(run(x, id, `UPDATE practices SET ${col} = ? WHERE id = ?`, [value, id]));
      }
      if (fields.reminderMinutes) writes.push(run(x, id, `UPDATE practices SET reminder_minutes = ? WHERE id = ?`, [fields.reminderMinutes.join(","), id]));
      await Promise.all(writes);
    },
    async setContact(id, contact) {
      await run(x, id, `UPDATE practices SET contact = ? WHERE id = ?`, [contact, id]);
    },
  };
}
