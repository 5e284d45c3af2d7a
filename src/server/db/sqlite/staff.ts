import type { Role } from "../../../sdk/schemas/index.js";
import type { StaffRepo } from "../repos.js";
import type { StaffRow } from "../types.js";
import { bool, type StatementCache } from "./statements.js";

const COLS = `id, practice_id AS practiceId, name, email, roles, teletherapy, licensed_in AS licensedIn, created_at AS createdAt, deactivated_at AS deactivatedAt`;

type Raw = Omit<StaffRow, "roles" | "teletherapy" | "deactivatedAt" | "licensedIn"> & { roles: string; teletherapy: number; deactivatedAt?: number | null; licensedIn?: string | null };

export function toStaff(r: Raw): StaffRow {
  return {
    ...r, roles: r.roles.split(",") as Role[], teletherapy: bool(r.teletherapy), deactivatedAt: r.deactivatedAt ?? null,
    licensedIn: r.licensedIn ? r.licensedIn.split(",") : [],
  };
}

export function staffRepo(s: StatementCache): StaffRepo {
  const one = (r: unknown) => (r ? toStaff(r as Raw) : undefined);
  return {
    async insert(st) {
      s.get(`INSERT INTO staff (id, practice_id, name, email, roles, teletherapy, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
        .run(st.id, st.practiceId, st.name, st.email, st.roles.join(","), st.teletherapy ? 1 : 0, st.createdAt);
    },
    async byId(practiceId, id) {
      return one(s.get(`SELECT ${COLS} FROM staff WHERE practice_id = ? AND id = ?`).get(practiceId, id));
    },
    async byEmail(practiceId, email) {
      return one(s.get(`SELECT ${COLS} FROM staff WHERE practice_id = ? AND email = ?`).get(practiceId, email));
    },
    async list(practiceId) {
      return (s.get(`SELECT ${COLS} FROM staff WHERE practice_id = ? ORDER BY name, id`).all(practiceId) as Raw[]).map(toStaff);
    },
    async page(practiceId, after, limit) {
      const sql = after
        ? `SELECT ${COLS} FROM staff WHERE practice_id = ? AND (name, id) > (?, ?) ORDER BY name, id LIMIT (SELECT ?)`
        : `SELECT ${COLS} FROM staff WHERE practice_id = ? ORDER BY name, id LIMIT (SELECT ?)`;
      const rows = after ? s.get(sql).all(practiceId, after[0], after[1], limit) : s.get(sql).all(practiceId, limit);
      return (rows as Raw[]).map(toStaff);
    },
    async setTeletherapy(practiceId, id, on) {
      s.get(`UPDATE staff SET teletherapy = ? WHERE practice_id = ? AND id = ?`).run(on ? 1 : 0, practiceId, id);
    },
    async update(practiceId, id, fields) {
      // Each field its own fixed statement: no SQL text is built from input.
      if (fields.name !== undefined) s.get(`UPDATE staff SET name = ? WHERE practice_id = ? AND id = ?`).run(fields.name, practiceId, id);
      if (fields.email !== undefined) s.get(`UPDATE staff SET email = ? WHERE practice_id = ? AND id = ?`).run(fields.email, practiceId, id);
      if (fields.roles !== undefined) s.get(`UPDATE staff SET roles = ? WHERE practice_id = ? AND id = ?`).run(fields.roles.join(","), practiceId, id);
      if (fields.licensedIn !== undefined) s.get(`UPDATE staff SET licensed_in = ? WHERE practice_id = ? AND id = ?`).run(fields.licensedIn.join(","), practiceId, id);
    },
    async setPassword(practiceId, id, passwordHash) {
      s.get(`UPDATE staff SET password_hash = ? WHERE practice_id = ? AND id = ?`).run(passwordHash, practiceId, id);
    },
    async passwordHash(practiceId, id) {
      return (s.get(`SELECT password_hash FROM staff WHERE practice_id = ? AND id = ?`).pluck().get(practiceId, id) as string | null) ?? null;
    },
    async deactivate(practiceId, id, now) {
      s.get(`UPDATE staff SET deactivated_at = ? WHERE practice_id = ? AND id = ? AND deactivated_at IS NULL`).run(now, practiceId, id);
    },
    async activeOwners(practiceId) {
      return s.get(`SELECT count(*) FROM staff WHERE practice_id = ? AND deactivated_at IS NULL AND (',' || roles || ',') LIKE '%,owner,%'`)
        .pluck().get(practiceId) as number;
    },
  };
}
