import type { WebSessionRepo } from "../repos.js";
import type { WebSessionRow } from "../types.js";
import type { StatementCache } from "./statements.js";

const COLS = `id, practice_id AS practiceId, subject_type AS subjectType, subject_id AS subjectId, csrf_token AS csrfToken,
  created_at AS createdAt, expires_at AS expiresAt`;

export function webSessionRepo(s: StatementCache): WebSessionRepo {
  return {
    async insert(w) {
      s.get(`INSERT INTO web_sessions (id, practice_id, token_hash, subject_type, subject_id, csrf_token, created_at, expires_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(w.id, w.practiceId, w.tokenHash, w.subjectType, w.subjectId, w.csrfToken, w.createdAt, w.expiresAt);
    },
    async live(tokenHash, now) {
      return s.get(`SELECT ${COLS} FROM web_sessions WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?`)
        .get(tokenHash, now) as WebSessionRow | undefined;
    },
    async revoke(id, now) {
      s.get(`UPDATE web_sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`).run(now, id);
    },
    async revokeAllFor(practiceId, subjectType, subjectId, now) {
      return s.get(`UPDATE web_sessions SET revoked_at = ? WHERE practice_id = ? AND subject_type = ? AND subject_id = ? AND revoked_at IS NULL`)
        .run(now, practiceId, subjectType, subjectId).changes;
    },
  };
}
