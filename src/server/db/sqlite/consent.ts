import type { ConsentRepo } from "../repos.js";
import type { ConsentVersionRow } from "../types.js";
import type { StatementCache } from "./statements.js";

const VERSION_COLS = `practice_id AS practiceId, version, text, hash, created_at AS createdAt, created_by AS createdBy`;

/**
 * The consent columns of a client row (R26), as correlated lookups on the two primary keys, so a
 * list of clients gets every client's standing in its own single query: the newest version the
 * client accepted, when, and the practice's current version.
 */
export const CLIENT_CONSENT_COLS = `
  (SELECT max(ca.version) FROM consent_acceptances ca WHERE ca.practice_id = c.practice_id AND ca.client_id = c.id) AS consentVersion,
  (SELECT ca.accepted_at FROM consent_acceptances ca WHERE ca.practice_id = c.practice_id AND ca.client_id = c.id
    ORDER BY ca.version DESC LIMIT 1) AS consentAcceptedAt,
  (SELECT max(cv.version) FROM consent_versions cv WHERE cv.practice_id = c.practice_id) AS consentCurrentVersion`;

/** The raw consent columns of a client row. */
export interface RawClientConsent {
  consentVersion: number | null;
  consentAcceptedAt: number | null;
  consentCurrentVersion: number | null;
}

/** Folds the raw columns into the row's `consent` (null when the client never accepted a version). */
export function clientConsentOf(r: RawClientConsent): { version: number; acceptedAt: number; current: boolean } | null {
  if (r.consentVersion === null || r.consentAcceptedAt === null) return null;
  return { version: r.consentVersion, acceptedAt: r.consentAcceptedAt, current: r.consentVersion === r.consentCurrentVersion };
}

export function consentRepo(s: StatementCache): ConsentRepo {
  return {
    async current(practiceId) {
      return s.get(`SELECT ${VERSION_COLS} FROM consent_versions WHERE practice_id = ? ORDER BY version DESC LIMIT 1`).get(practiceId) as
        ConsentVersionRow | undefined;
    },
    async byVersion(practiceId, version) {
      return s.get(`SELECT ${VERSION_COLS} FROM consent_versions WHERE practice_id = ? AND version = ?`).get(practiceId, version) as
        ConsentVersionRow | undefined;
    },
    async insert(row) {
      s.get(`INSERT INTO consent_versions (practice_id, version, text, hash, created_at, created_by)
        VALUES (@practiceId, @version, @text, @hash, @createdAt, @createdBy)`).run(row);
    },
    async accept(row) {
      return s.get(`INSERT OR IGNORE INTO consent_acceptances (practice_id, client_id, version, typed_name, accepted_at, address, user_agent)
        VALUES (@practiceId, @clientId, @version, @typedName, @acceptedAt, @address, @userAgent)`).run(row).changes === 1;
    },
    async standing(practiceId, clientId) {
      const r = s.get(`SELECT
          (SELECT max(version) FROM consent_versions WHERE practice_id = @practiceId) AS current,
          (SELECT max(version) FROM consent_acceptances WHERE practice_id = @practiceId AND client_id = @clientId) AS accepted,
          (SELECT accepted_at FROM consent_acceptances WHERE practice_id = @practiceId AND client_id = @clientId
            ORDER BY version DESC LIMIT 1) AS acceptedAt`).get({ practiceId, clientId }) as
        { current: number | null; accepted: number | null; acceptedAt: number | null };
      return r;
    },
  };
}
