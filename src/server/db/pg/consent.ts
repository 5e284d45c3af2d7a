import type { ConsentRepo } from "../repos.js";
import type { ConsentVersionRow } from "../types.js";
import { one, run, type Exec } from "./exec.js";

const VERSION_COLS = `practice_id AS "practiceId", version, text, hash, created_at AS "createdAt", created_by AS "createdBy"`;

/** The consent columns of a client row (R26), as in the SQLite store: correlated lookups on the two primary keys. */
export const CLIENT_CONSENT_COLS = `
  (SELECT max(ca.version) FROM consent_acceptances ca WHERE ca.practice_id = c.practice_id AND ca.client_id = c.id) AS "consentVersion",
  (SELECT ca.accepted_at FROM consent_acceptances ca WHERE ca.practice_id = c.practice_id AND ca.client_id = c.id
    ORDER BY ca.version DESC LIMIT 1) AS "consentAcceptedAt",
  (SELECT max(cv.version) FROM consent_versions cv WHERE cv.practice_id = c.practice_id) AS "consentCurrentVersion"`;

export function consentRepo(x: Exec): ConsentRepo {
  return {
    async current(practiceId) {
      return one<ConsentVersionRow>(x, practiceId, `SELECT ${VERSION_COLS} FROM consent_versions WHERE practice_id = ? ORDER BY version DESC LIMIT 1`, [practiceId]);
    },
    async byVersion(practiceId, version) {
      return one<ConsentVersionRow>(x, practiceId, `SELECT ${VERSION_COLS} FROM consent_versions WHERE practice_id = ? AND version = ?`, [practiceId, version]);
    },
    async insert(row) {
      await run(x, row.practiceId, `INSERT INTO consent_versions (practice_id, version, text, hash, created_at, created_by)
        VALUES (@practiceId, @version, @text, @hash, @createdAt, @createdBy)`, row as unknown as Record<string, unknown>);
    },
    async accept(row) {
      return (await run(x, row.practiceId, `INSERT INTO consent_acceptances (practice_id, client_id, version, typed_name, accepted_at, address, user_agent)
        VALUES (@practiceId, @clientId, @version, @typedName, @acceptedAt, @address, @userAgent) ON CONFLICT DO NOTHING`, row as unknown as Record<string, unknown>)) === 1;
    },
    async standing(practiceId, clientId) {
      return (await one<{ current: number | null; accepted: number | null; acceptedAt: number | null }>(x, practiceId, `SELECT
          (SELECT max(version) FROM consent_versions WHERE practice_id = @practiceId) AS current,
          (SELECT max(version) FROM consent_acceptances WHERE practice_id = @practiceId AND client_id = @clientId) AS accepted,
          (SELECT accepted_at FROM consent_acceptances WHERE practice_id = @practiceId AND client_id = @clientId
            ORDER BY version DESC LIMIT 1) AS "acceptedAt"`, { practiceId, clientId }))!;
    },
  };
}
