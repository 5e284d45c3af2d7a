import type { ClientChange, ClientRepo } from "../repos.js";
import type { ClientRow } from "../types.js";
import { clientConsentOf, type RawClientConsent } from "../sqlite/consent.js";
import { CLIENT_CONSENT_COLS } from "./consent.js";
import { all, one, pluck, run, type Exec } from "./exec.js";

const LIVE_INVITE = `(SELECT max(l.expires_at) FROM links l WHERE l.practice_id = c.practice_id AND l.subject_id = c.id
  AND l.kind = 'portal_invite' AND l.used_at IS NULL AND l.revoked_at IS NULL AND l.expires_at > @now)`;
/** The newest invite that ran out unused: neither replaced (that revokes it) nor used (issue 10: `--expired`). */
const EXPIRED_INVITE = `(SELECT max(l.expires_at) FROM links l WHERE l.practice_id = c.practice_id AND l.subject_id = c.id
  AND l.kind = 'portal_invite' AND l.used_at IS NULL AND l.revoked_at IS NULL AND l.expires_at <= @now)`;
const COLS = `c.id, c.practice_id AS "practiceId", c.name, c.email, c.state, c.phone, c.date_of_birth AS "dateOfBirth",
  c.portal_activated_at IS NOT NULL AS "hasPortalAccount", ${LIVE_INVITE} AS "inviteExpiresAt", ${EXPIRED_INVITE} AS "inviteExpiredAt",
  c.created_at AS "createdAt", c.archived_at AS "archivedAt", ${CLIENT_CONSENT_COLS}`;

type Raw = Omit<ClientRow, "consent"> & RawClientConsent;
/** The column of each editable field; only these names ever reach the SQL text. */
const EDITABLE: Record<keyof ClientChange, string> = { name: "name", email: "email", state: "state", phone: "phone", dateOfBirth: "date_of_birth" };

const toClient = ({ consentVersion, consentAcceptedAt, consentCurrentVersion, ...r }: Raw): ClientRow =>
  ({ ...r, consent: clientConsentOf({ consentVersion, consentAcceptedAt, consentCurrentVersion }) });

type NewClient = Omit<ClientRow, "hasPortalAccount" | "inviteExpiresAt">;

/** Many clients of one practice in one statement: a column array each, whatever the count. */
export async function insertClients(x: Exec, practiceId: string, cs: NewClient[]): Promise<void> {
  if (!cs.length) return;
  await run(x, practiceId, `INSERT INTO clients (id, practice_id, name, email, state, phone, date_of_birth, created_at)
    SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[])`, [
    cs.map((c) => c.id), cs.map((c) => c.practiceId), cs.map((c) => c.name), cs.map((c) => c.email), cs.map((c) => c.state),
    cs.map((c) => c.phone), cs.map((c) => c.dateOfBirth), cs.map((c) => c.createdAt),
  ]);
}

export function clientRepo(x: Exec): ClientRepo {
  return {
    async insert(c) {
      await run(x, c.practiceId, `INSERT INTO clients (id, practice_id, name, email, state, phone, date_of_birth, created_at)
        VALUES (@id, @practiceId, @name, @email, @state, @phone, @dateOfBirth, @createdAt)`, c as unknown as Record<string, unknown>);
    },
    async insertMany(cs) {
      const byPractice = new Map<string, NewClient[]>();
      for (const c of cs) byPractice.set(c.practiceId, [...(byPractice.get(c.practiceId) ?? []), c]);
      await Promise.all([...byPractice].map(([p, rows]) => insertClients(x, p, rows)));
    },
    async byId(practiceId, id, now) {
      const r = await one<Raw>(x, practiceId, `SELECT ${COLS} FROM clients c WHERE c.practice_id = @practiceId AND c.id = @id`, { practiceId, id, now });
      return r ? toClient(r) : undefined;
    },
    async byEmail(practiceId, email, now) {
      const r = await one<Raw>(x, practiceId, `SELECT ${COLS} FROM clients c WHERE c.practice_id = @practiceId AND c.email = @email`, { practiceId, email, now });
      return r ? toClient(r) : undefined;
    },
    async page(practiceId, now, f) {
      const parts = ["c.practice_id = @practiceId", "c.archived_at IS NULL"];
      if (f.therapistId) parts.push(`EXISTS (SELECT 1 FROM appointments a WHERE a.practice_id = c.practice_id AND a.client_id = c.id AND a.therapist_id = @therapistId)`);
      // ILIKE: SQLite's LIKE ignores case, PostgreSQL's does not.
      if (f.search !== undefined) parts.push(`(c.name ILIKE @search ESCAPE '\\' OR c.email ILIKE @search ESCAPE '\\')`);
      if (f.state !== undefined) parts.push("c.state = @state");
      if (f.portal === "active") parts.push("c.portal_activated_at IS NOT NULL");
      if (f.portal === "invited") parts.push(`c.portal_activated_at IS NULL AND ${LIVE_INVITE} IS NOT NULL`);
      if (f.portal === "none") parts.push(`c.portal_activated_at IS NULL AND ${LIVE_INVITE} IS NULL`);
      if (f.after) parts.push("(c.name, c.id) > (@afterName, @afterId)");
      const rows = await all<Raw>(x, practiceId, `SELECT ${COLS} FROM clients c WHERE ${parts.join(" AND ")} ORDER BY c.name, c.id LIMIT @limit`, {
        practiceId, now, therapistId: f.therapistId, state: f.state, limit: f.limit,
        search: f.search === undefined ? undefined : `%${f.search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`,
        afterName: f.after?.[0], afterId: f.after?.[1],
      });
      return rows.map(toClient);
    },
    async names(practiceId, ids) {
      if (ids.length === 0) return [];
      return all(x, practiceId, `SELECT id, name FROM clients WHERE practice_id = ? AND id = ANY(?::text[])`, [practiceId, ids]);
    },
    async refs(practiceId) {
      return all(x, practiceId, `SELECT id, email, state, archived_at AS "archivedAt" FROM clients WHERE practice_id = ?`, [practiceId]);
    },
    async setPassword(practiceId, id, passwordHash, now) {
      await run(x, practiceId, `UPDATE clients SET password_hash = ?, portal_activated_at = coalesce(portal_activated_at, ?)
        WHERE practice_id = ? AND id = ?`, [passwordHash, now, practiceId, id]);
    },
    async passwordHash(practiceId, id) {
      return (await one<{ password_hash: string | null }>(x, practiceId, `SELECT password_hash FROM clients WHERE practice_id = ? AND id = ?`, [practiceId, id]))?.password_hash ?? null;
    },
    async hasAppointmentWith(practiceId, clientId, therapistId) {
      return !!(await one(x, practiceId, `SELECT 1 FROM appointments WHERE practice_id = ? AND client_id = ? AND therapist_id = ? LIMIT 1`, [practiceId, clientId, therapistId]));
    },
    async update(practiceId, id, fields) {
      const keys = (Object.keys(fields) as (keyof ClientChange)[]).filter((k) => k in EDITABLE);
      if (keys.length === 0) return;
      const sets = keys.map((k) => `${EDITABLE[k]} = @${k}`).join(", ");
      await run(x, practiceId, `UPDATE clients SET ${sets} WHERE practice_id = @practiceId AND id = @id`, { ...fields, practiceId, id });
    },
    async upcomingTelehealth(practiceId, clientId, now) {
      return pluck<string>(x, practiceId, `SELECT id FROM appointments WHERE practice_id = ? AND client_id = ? AND telehealth = 1
        AND status = 'scheduled' AND start_at > ? ORDER BY start_at`, [practiceId, clientId, now]);
    },
    async upcomingScheduled(practiceId, clientId, now) {
      return pluck<string>(x, practiceId, `SELECT id FROM appointments WHERE practice_id = ? AND client_id = ? AND status = 'scheduled' AND start_at >= ?
        ORDER BY start_at, id`, [practiceId, clientId, now]);
    },
    async archive(practiceId, id, now) {
      await run(x, practiceId, `UPDATE clients SET archived_at = ? WHERE practice_id = ? AND id = ? AND archived_at IS NULL`, [now, practiceId, id]);
    },
  };
}
