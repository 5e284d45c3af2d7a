import type { LinkRepo } from "../repos.js";
import type { LinkRow } from "../types.js";
import type { StatementCache } from "./statements.js";

const COLS = `id, practice_id AS practiceId, kind, subject_id AS subjectId, expires_at AS expiresAt,
  used_at AS usedAt, revoked_at AS revokedAt, created_at AS createdAt, appointment_id AS appointmentId`;

export function linkRepo(s: StatementCache): LinkRepo {
  return {
    async insert(l) {
      s.get(`INSERT INTO links (id, practice_id, kind, subject_id, token_hash, expires_at, created_at, appointment_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(l.id, l.practiceId, l.kind, l.subjectId, l.tokenHash, l.expiresAt, l.createdAt, l.appointmentId ?? null);
    },
    async byTokenHash(tokenHash) {
      return s.get(`SELECT ${COLS} FROM links WHERE token_hash = ?`).get(tokenHash) as LinkRow | undefined;
    },
    async revokeLive(practiceId, subjectId, kinds, now) {
      return s.get(`UPDATE links SET revoked_at = @now WHERE practice_id = @practiceId AND subject_id = @subjectId
          AND kind IN (SELECT value FROM json_each(@kinds)) AND used_at IS NULL AND revoked_at IS NULL`)
        .run({ now, practiceId, subjectId, kinds: JSON.stringify(kinds) }).changes;
    },
    async revokeForAppointment(practiceId, appointmentId, now) {
      return s.get(`UPDATE links SET revoked_at = ? WHERE practice_id = ? AND appointment_id = ? AND used_at IS NULL AND revoked_at IS NULL`)
        .run(now, practiceId, appointmentId).changes;
    },
    async consume(id, now) {
      return s.get(`UPDATE links SET used_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?`)
        .run(now, id, now).changes === 1;
    },
  };
}
