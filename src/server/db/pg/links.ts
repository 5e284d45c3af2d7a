import type { LinkRepo } from "../repos.js";
import type { LinkRow } from "../types.js";
import { one, run, SYSTEM, type Exec } from "./exec.js";

const COLS = `id, practice_id AS "practiceId", kind, subject_id AS "subjectId", expires_at AS "expiresAt",
  used_at AS "usedAt", revoked_at AS "revokedAt", created_at AS "createdAt", appointment_id AS "appointmentId"`;

export function linkRepo(x: Exec): LinkRepo {
  return {
    async insert(l) {
      await run(x, l.practiceId, `INSERT INTO links (id, practice_id, kind, subject_id, token_hash, expires_at, created_at, appointment_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [l.id, l.practiceId, l.kind, l.subjectId, l.tokenHash, l.expiresAt, l.createdAt, l.appointmentId ?? null]);
    },
    async byTokenHash(tokenHash) {
      // Authentication: the link is looked up by its hash before its practice is known.
      return one<LinkRow>(x, SYSTEM, `SELECT ${COLS} FROM links WHERE token_hash = ?`, [tokenHash]);
    },
    async revokeLive(practiceId, subjectId, kinds, now) {
      return run(x, practiceId, `UPDATE links SET revoked_at = @now WHERE practice_id = @practiceId AND subject_id = @subjectId
          AND kind = ANY(@kinds::text[]) AND used_at IS NULL AND revoked_at IS NULL`, { now, practiceId, subjectId, kinds });
    },
    async revokeForAppointment(practiceId, appointmentId, now) {
      return run(x, practiceId, `UPDATE links SET revoked_at = ? WHERE practice_id = ? AND appointment_id = ? AND used_at IS NULL AND revoked_at IS NULL`,
        [now, practiceId, appointmentId]);
    },
    async consume(id, now) {
      return (await run(x, SYSTEM, `UPDATE links SET used_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?`, [now, id, now])) === 1;
    },
  };
}
