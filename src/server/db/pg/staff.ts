import type { Role } from "../../../sdk/schemas/index.js";
import type { StaffRepo } from "../repos.js";
import type { StaffRow } from "../types.js";
import { all, one, run, type Exec } from "./exec.js";

const COLS = `id, practice_id AS "practiceId", name, email, roles, teletherapy, licensed_in AS "licensedIn", created_at AS "createdAt", deactivated_at AS "deactivatedAt"`;

type Raw = Omit<StaffRow, "roles" | "teletherapy" | "deactivatedAt" | "licensedIn"> & { roles: string; teletherapy: number; deactivatedAt?: number | null; licensedIn?: string | null };

export function toStaff(r: Raw): StaffRow {
  return {
    ...r, roles: r.roles.split(",") as Role[], teletherapy: r.teletherapy === 1, deactivatedAt: r.deactivatedAt ?? null,
    licensedIn: r.licensedIn ? r.licensedIn.split(",") : [],
  };
}

export function staffRepo(x: Exec): StaffRepo {
  const oneStaff = (r: Raw | undefined) => (r ? toStaff(r) : undefined);
  return {
    async insert(st) {
      await run(x, st.practiceId, `INSERT INTO staff (id, practice_id, name, email, roles, teletherapy, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [st.id, st.practiceId, st.name, st.email, st.roles.join(","), st.teletherapy ? 1 : 0, st.createdAt]);
    },
    async byId(practiceId, id) {
      return oneStaff(await one<Raw>(x, practiceId, `SELECT ${COLS} FROM staff WHERE practice_id = ? AND id = ?`, [practiceId, id]));
    },
    async byEmail(practiceId, email) {
      return oneStaff(await one<Raw>(x, practiceId, `SELECT ${COLS} FROM staff WHERE practice_id = ? AND email = ?`, [practiceId, email]));
    },
    async list(practiceId) {
      return (await all<Raw>(x, practiceId, `SELECT ${COLS} FROM staff WHERE practice_id = ? ORDER BY name, id`, [practiceId])).map(toStaff);
    },
    async page(practiceId, after, limit) {
      const rows = after
        ? await all<Raw>(x, practiceId, `SELECT ${COLS} FROM staff WHERE practice_id = ? AND (name, id) > (?, ?) ORDER BY name, id LIMIT ?`, [practiceId, after[0], after[1], limit])
        : await all<Raw>(x, practiceId, `SELECT ${COLS} FROM staff WHERE practice_id = ? ORDER BY name, id LIMIT ?`, [practiceId, limit]);
      return rows.map(toStaff);
    },
    async setTeletherapy(practiceId, id, on) {
      await run(x, practiceId, `UPDATE staff SET teletherapy = ? WHERE practice_id = ? AND id = ?`, [on ? 1 : 0, practiceId, id]);
    },
    async update(practiceId, id, fields) {
      // Each field its own fixed statement: no SQL text is built from input (they go out together in a transaction).
      const w: Promise<number>[] = [];
      if (fields.name !== undefined) w.push(run(x, practiceId, `UPDATE staff SET name = ? WHERE practice_id = ? AND id = ?`, [fields.name, practiceId, id]));
      if (fields.email !== undefined) w.push(run(x, practiceId, `UPDATE staff SET email = ? WHERE practice_id = ? AND id = ?`, [fields.email, practiceId, id]));
      if (fields.roles !== undefined) w.push(run(x, practiceId, `UPDATE staff SET roles = ? WHERE practice_id = ? AND id = ?`, [fields.roles.join(","), practiceId, id]));
      if (fields.licensedIn !== undefined) w.push(run(x, practiceId, `UPDATE staff SET licensed_in = ? WHERE practice_id = ? AND id = ?`, [fields.licensedIn.join(","), practiceId, id]));
      await Promise.all(w);
    },
    async setPassword(practiceId, id, passwordHash) {
      await run(x, practiceId, `UPDATE staff SET password_hash = ? WHERE practice_id = ? AND id = ?`, [passwordHash, practiceId, id]);
    },
    async passwordHash(practiceId, id) {
      return (await one<{ password_hash: string | null }>(x, practiceId, `SELECT password_hash FROM staff WHERE practice_id = ? AND id = ?`, [practiceId, id]))?.password_hash ?? null;
    },
    async deactivate(practiceId, id, now) {
      await run(x, practiceId, `UPDATE staff SET deactivated_at = ? WHERE practice_id = ? AND id = ? AND deactivated_at IS NULL`, [now, practiceId, id]);
    },
    async activeOwners(practiceId) {
      return (await one<{ n: number }>(x, practiceId, `SELECT count(*) AS n FROM staff WHERE practice_id = ? AND deactivated_at IS NULL AND (',' || roles || ',') LIKE '%,owner,%'`, [practiceId]))!.n;
    },
  };
}
