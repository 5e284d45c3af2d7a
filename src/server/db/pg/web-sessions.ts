import type { WebSessionRepo } from "../repos.js";
import type { WebSessionRow } from "../types.js";
import { one, run, SYSTEM, type Exec } from "./exec.js";

const COLS = `id, practice_id AS "practiceId", subject_type AS "subjectType", subject_id AS "subjectId", csrf_token AS "csrfToken",
  created_at AS "createdAt", expires_at AS "expiresAt"`;

export function webSessionRepo(x: Exec): WebSessionRepo {
  return {
    async insert(w) {
      await run(x, w.practiceId, `INSERT INTO web_sessions (id, practice_id, token_hash, subject_type, subject_id, csrf_token, created_at, expires_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, [w.id, w.practiceId, w.tokenHash, w.subjectType, w.subjectId, w.csrfToken, w.createdAt, w.expiresAt]);
    },
    async live(tokenHash, now) {
      // Authentication: a cookie's session is found by its hash before the practice is known.
      return one<WebSessionRow>(x, SYSTEM, `SELECT ${COLS} FROM web_sessions WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?`, [tokenHash, now]);
    },
    async revoke(id, now) {
      await run(x, SYSTEM, `UPDATE web_sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, [now, id]);
    },
    async revokeAllFor(practiceId, subjectType, subjectId, now) {
      return run(x, practiceId, `UPDATE web_sessions SET revoked_at = ? WHERE practice_id = ? AND subject_type = ? AND subject_id = ? AND revoked_at IS NULL`,
        [now, practiceId, subjectType, subjectId]);
    },
  };
}
