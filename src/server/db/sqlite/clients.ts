import type { ClientChange, ClientRepo } from "../repos.js";
import type { ClientRow } from "../types.js";
import { CLIENT_CONSENT_COLS, clientConsentOf, type RawClientConsent } from "./consent.js";
import type { StatementCache } from "./statements.js";

const LIVE_INVITE = `(SELECT max(l.expires_at) FROM links l WHERE l.practice_id = c.practice_id AND l.subject_id = c.id
  AND l.kind = 'portal_invite' AND l.used_at IS NULL AND l.revoked_at IS NULL AND l.expires_at > @now)`;
/** The newest invite that ran out unused: neither replaced (that revokes it) nor used (issue 10: `--expired`). */
const EXPIRED_INVITE = `(SELECT max(l.expires_at) FROM links l WHERE l.practice_id = c.practice_id AND l.subject_id = c.id
  AND l.kind = 'portal_invite' AND l.used_at IS NULL AND l.revoked_at IS NULL AND l.expires_at <= @now)`;
const COLS = `c.id, c.practice_id AS practiceId, c.name, c.email, c.state, c.phone, c.date_of_birth AS dateOfBirth,
  c.portal_activated_at IS NOT NULL AS hasPortalAccount, ${LIVE_INVITE} AS inviteExpiresAt, ${EXPIRED_INVITE} AS inviteExpiredAt,
  c.created_at AS createdAt, c.archived_at AS archivedAt, ${CLIENT_CONSENT_COLS}`;

type Raw = Omit<ClientRow, "hasPortalAccount" | "consent"> & { hasPortalAccount: number } & RawClientConsent;
/** The column of each editable field; only these names ever reach the SQL text. */
const EDITABLE: Record<keyof ClientChange, string> = { name: "name", email: "email", state: "state", phone: "phone", dateOfBirth: "date_of_birth" };

const toClient = ({ consentVersion, consentAcceptedAt, consentCurrentVersion, ...r }: Raw): ClientRow =>
  ({ ...r, hasPortalAccount: r.hasPortalAccount === 1, consent: clientConsentOf({ consentVersion, consentAcceptedAt, consentCurrentVersion }) });

export function clientRepo(s: StatementCache): ClientRepo {
  const insertSql = `INSERT INTO clients (id, practice_id, name, email, state, phone, date_of_birth, created_at)
    VALUES (@id, @practiceId, @name, @email, @state, @phone, @dateOfBirth, @createdAt)`;
  return {
    async insert(c) {
      s.get(insertSql).run(c);
    },
    async insertMany(cs) {
      const st = s.get(insertSql);
      for (const c of cs) st.run(c);
    },
    async byId(practiceId, id, now) {
      const r = s.get(`SELECT ${COLS} FROM clients c WHERE c.practice_id = @practiceId AND c.id = @id`).get({ practiceId, id, now });
      return r ? toClient(r as Raw) : undefined;
    },
    async byEmail(practiceId, email, now) {
      const r = s.get(`SELECT ${COLS} FROM clients c WHERE c.practice_id = @practiceId AND c.email = @email`).get({ practiceId, email, now });
      return r ? toClient(r as Raw) : undefined;
    },
    async page(practiceId, now, f) {
      const parts = ["c.practice_id = @practiceId", "c.archived_at IS NULL"];
      if (f.therapistId) parts.push(`EXISTS (SELECT 1 FROM appointments a WHERE a.practice_id = c.practice_id AND a.client_id = c.id AND a.therapist_id = @therapistId)`);
      if (f.search !== undefined) parts.push(`(c.name LIKE @search ESCAPE '\\' OR c.email LIKE @search ESCAPE '\\')`);
      if (f.state !== undefined) parts.push("c.state = @state");
      if (f.portal === "active") parts.push("c.portal_activated_at IS NOT NULL");
      if (f.portal === "invited") parts.push(`c.portal_activated_at IS NULL AND ${LIVE_INVITE} IS NOT NULL`);
      if (f.portal === "none") parts.push(`c.portal_activated_at IS NULL AND ${LIVE_INVITE} IS NULL`);
      if (f.after) parts.push("(c.name, c.id) > (@afterName, @afterId)");
      const rows = s.get(`SELECT ${COLS} FROM clients c WHERE ${parts.join(" AND ")} ORDER BY c.name, c.id LIMIT (SELECT @limit)`).all({
        practiceId, now, therapistId: f.therapistId, state: f.state, limit: f.limit,
        search: f.search === undefined ? undefined : `%${f.search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`,
        afterName: f.after?.[0], afterId: f.after?.[1],
      });
      return (rows as Raw[]).map(toClient);
    },
    async names(practiceId, ids) {
      if (ids.length === 0) return [];
      return s.get(`SELECT id, name FROM clients WHERE practice_id = ? AND id IN (SELECT value FROM json_each(?))`)
        .all(practiceId, JSON.stringify(ids)) as { id: string; name: string }[];
    },
    async refs(practiceId) {
      return s.get(`SELECT id, email, state, archived_at AS archivedAt FROM clients WHERE practice_id = ?`).all(practiceId) as
        { id: string; email: string | null; state: string | null; archivedAt: number | null }[];
    },
    async setPassword(practiceId, id, passwordHash, now) {
      s.get(`UPDATE clients SET password_hash = ?, portal_activated_at = coalesce(portal_activated_at, ?)
        WHERE practice_id = ? AND id = ?`).run(passwordHash, now, practiceId, id);
    },
    async passwordHash(practiceId, id) {
      return (s.get(`SELECT password_hash FROM clients WHERE practice_id = ? AND id = ?`).pluck().get(practiceId, id) as string | null) ?? null;
    },
    async hasAppointmentWith(practiceId, clientId, therapistId) {
      return !!s.get(`SELECT 1 FROM appointments WHERE practice_id = ? AND client_id = ? AND therapist_id = ? LIMIT 1`)
        .get(practiceId, clientId, therapistId);
    },
    async update(practiceId, id, fields) {
      const keys = (Object.keys(fields) as (keyof ClientChange)[]).filter((k) => k in EDITABLE);
      if (keys.length === 0) return;
      const sets = keys.map((k) => `${EDITABLE[k]} = @${k}`).join(", ");
      s.get(`UPDATE clients SET ${sets} WHERE practice_id = @practiceId AND id = @id`).run({ ...fields, practiceId, id });
    },
    async upcomingTelehealth(practiceId, clientId, now) {
      return s.get(`SELECT id FROM appointments WHERE practice_id = ? AND client_id = ? AND telehealth = 1
        AND status = 'scheduled' AND start_at > ? ORDER BY start_at`).pluck().all(practiceId, clientId, now) as string[];
    },
    async upcomingScheduled(practiceId, clientId, now) {
      return s.get(`SELECT id FROM appointments WHERE practice_id = ? AND client_id = ? AND status = 'scheduled' AND start_at >= ?
        ORDER BY start_at, id`).pluck().all(practiceId, clientId, now) as string[];
    },
    async archive(practiceId, id, now) {
      s.get(`UPDATE clients SET archived_at = ? WHERE practice_id = ? AND id = ? AND archived_at IS NULL`).run(now, practiceId, id);
    },
  };
}
