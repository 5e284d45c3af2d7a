import type { AppointmentRepo } from "../repos.js";
import type { AppointmentFilter, AppointmentRow, ConversionCandidate, NewAppointment } from "../types.js";
import { APPOINTMENT_STATUSES, type AppointmentStatus } from "../../../sdk/schemas/index.js";
import { all, arrays, pluck, run, type Exec } from "./exec.js";

const READY = `(c.email IS NOT NULL AND c.portal_activated_at IS NOT NULL)`;
/** R25: where the client is for licensure: at the session when they said, else their residence; in person, the practice. */
const CLIENT_AT = `CASE WHEN a.telehealth = 1 THEN COALESCE(ts.location_state, c.state) ELSE p.state END`;
const LICENSURE = `CASE WHEN a.telehealth = 1 AND ts.location_place = 'outside_us' THEN 'unlicensed_state'
  WHEN st.licensed_in = '' OR ${CLIENT_AT} IS NULL THEN 'unknown'
  WHEN strpos(',' || st.licensed_in || ',', ',' || ${CLIENT_AT} || ',') > 0 THEN 'ok' ELSE 'unlicensed_state' END`;
const COLS = `a.id, a.practice_id, a.therapist_id, a.client_id, a.start_at, a.end_at, a.telehealth, a.status, ${READY}, a.created_at,
  a.cancel_reason, ${LICENSURE}, a.place_of_service, a.billing_modifier`;
const FROM = `appointments a JOIN clients c ON c.id = a.client_id JOIN staff st ON st.id = a.therapist_id
  JOIN practices p ON p.id = a.practice_id LEFT JOIN telehealth_sessions ts ON ts.appointment_id = a.id`;

/** Builds the WHERE clause for a filter; the SQL text depends only on which fields are set. */
function where(f: AppointmentFilter): { sql: string; params: Record<string, unknown> } {
  const parts = ["a.practice_id = @practiceId"];
  const params: Record<string, unknown> = { practiceId: f.practiceId };
  if (f.ids) (parts.push("a.id = ANY(@ids::text[])"), (params.ids = f.ids));
  if (f.therapistId) (parts.push("a.therapist_id = @therapistId"), (params.therapistId = f.therapistId));
  if (f.clientId) (parts.push("a.client_id = @clientId"), (params.clientId = f.clientId));
  if (f.from !== undefined) (parts.push("a.start_at >= @from"), (params.from = f.from));
  if (f.to !== undefined) (parts.push("a.start_at < @to"), (params.to = f.to));
  // Literals, as on SQLite: the planner then matches the partial index appointments_upcoming_telehealth.
  if (f.telehealth !== undefined) parts.push(`a.telehealth = ${f.telehealth ? 1 : 0}`);
  if (f.status) parts.push(`a.status = '${statusLiteral(f.status)}'`);
  if (f.after) {
    parts.push(`(a.start_at, a.id) ${f.desc ? "<" : ">"} (@afterStart, @afterId)`);
    (params.afterStart = f.after[0]), (params.afterId = f.after[1]);
  }
  return { sql: parts.join(" AND "), params };
}

function statusLiteral(status: AppointmentStatus): AppointmentStatus {
  if (!APPOINTMENT_STATUSES.includes(status)) throw new Error(`unknown appointment status ${JSON.stringify(status)}`);
  return status;
}

/** The longest appointment the schema allows (1440 minutes). */
const MAX_LENGTH = 86_400_000;

type RawRow = [string, string, string, string, number, number, number, AppointmentRow["status"], boolean, number, string | null,
  AppointmentRow["licensure"], AppointmentRow["placeOfService"], AppointmentRow["billingModifier"], string?, string?];

const toRow = (r: RawRow, names: boolean): AppointmentRow => {
  const [id, practiceId, therapistId, clientId, startAt, endAt, telehealth, status, clientReady, createdAt, cancelReason,
    licensure, placeOfService, billingModifier, therapistName, clientName] = r;
  const row: AppointmentRow = {
    id, practiceId, therapistId, clientId, startAt, endAt, telehealth: telehealth === 1, status, clientReady, createdAt,
    cancelReason, licensure, placeOfService, billingModifier,
  };
  if (names) (row.therapistName = therapistName), (row.clientName = clientName);
  return row;
};

/**
 * Many appointments of one practice in one INSERT … SELECT FROM unnest(column arrays): one
 * prepared statement whatever the count (COPY is refused on tables with row-level security for a
 * role that does not own them, and a VALUES list per count would be a statement per count).
 */
export async function insertAppointments(x: Exec, practiceId: string, rows: NewAppointment[]): Promise<void> {
  if (!rows.length) return;
  await run(x, practiceId, `INSERT INTO appointments (id, practice_id, therapist_id, client_id, start_at, end_at, telehealth, status, created_at, updated_at)
    SELECT id, p, t, c, s, e, h, 'scheduled', at, at
      FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::int[], ?::bigint[]) AS u(id, p, t, c, s, e, h, at)`, [
    rows.map((a) => a.id), rows.map((a) => a.practiceId), rows.map((a) => a.therapistId), rows.map((a) => a.clientId),
    rows.map((a) => a.startAt), rows.map((a) => a.endAt), rows.map((a) => (a.telehealth ? 1 : 0)), rows.map((a) => a.createdAt),
  ]);
}

export function appointmentRepo(x: Exec): AppointmentRepo {
  return {
    async insert(a) {
      await run(x, a.practiceId, `INSERT INTO appointments (id, practice_id, therapist_id, client_id, start_at, end_at, telehealth, status, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?)`, [a.id, a.practiceId, a.therapistId, a.clientId, a.startAt, a.endAt, a.telehealth ? 1 : 0, a.createdAt, a.createdAt]);
    },
    async insertMany(rows) {
      const byPractice = new Map<string, NewAppointment[]>();
      for (const a of rows) {
        let list = byPractice.get(a.practiceId);
        if (!list) byPractice.set(a.practiceId, (list = []));
        list.push(a);
      }
      await Promise.all([...byPractice].map(([p, list]) => insertAppointments(x, p, list)));
    },
    async byId(practiceId, id) {
      const [r] = await arrays<RawRow>(x, practiceId, `SELECT ${COLS} FROM ${FROM} WHERE a.practice_id = ? AND a.id = ?`, [practiceId, id]);
      return r && toRow(r, false);
    },
    async list(f) {
      const w = where(f);
      const names = f.names ? `, st.name, c.name` : "";
      const order = f.desc ? "a.start_at DESC, a.id DESC" : "a.start_at, a.id";
      // LIMIT NULL is no limit: one statement whatever the limit.
      const rows = await arrays<RawRow>(x, f.practiceId, `SELECT ${COLS}${names} FROM ${FROM} WHERE ${w.sql} ORDER BY ${order} LIMIT @limit`,
        { ...w.params, limit: f.limit ? Math.trunc(f.limit) : null });
      const out: AppointmentRow[] = new Array(rows.length);
      for (let i = 0; i < rows.length; i++) out[i] = toRow(rows[i]!, !!f.names);
      return out;
    },
    async candidates(f, now) {
      // Staff and clients are few beside appointments: read once into maps (three statements at once).
      const w = where(f);
      const [staff, clientRows, rows] = await Promise.all([
        all<{ id: string; teletherapy: number; licensed_in: string }>(x, f.practiceId, `SELECT id, teletherapy, licensed_in FROM staff WHERE practice_id = ?`, [f.practiceId]),
        arrays<[string, string | null, string | null, boolean, boolean]>(x, f.practiceId, `SELECT c.id, c.state, c.email, ${READY}, EXISTS (SELECT 1 FROM links l
            WHERE l.practice_id = c.practice_id AND l.subject_id = c.id AND l.kind = 'portal_invite' AND l.used_at IS NULL
              AND l.revoked_at IS NULL AND l.expires_at > @now)
          FROM clients c WHERE c.practice_id = @practiceId`, { practiceId: f.practiceId, now }),
        arrays<[string, string, string, number, string, number]>(x, f.practiceId, `SELECT a.id, a.client_id, a.therapist_id, a.start_at, a.status, a.telehealth FROM appointments a
          WHERE ${w.sql} ORDER BY a.start_at, a.id`, w.params),
      ]);
      const teletherapy = new Map<string, boolean>();
      const licensedIn = new Map<string, string[]>();
      for (const t of staff) {
        teletherapy.set(t.id, t.teletherapy === 1);
        licensedIn.set(t.id, t.licensed_in ? t.licensed_in.split(",") : []);
      }
      const clients = new Map<string, { state: string | null; email: string | null; ready: boolean; invited: boolean }>();
      for (const [id, state, email, ready, invited] of clientRows) clients.set(id, { state, email, ready, invited });
      const out: ConversionCandidate[] = new Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const [id, clientId, therapistId, startAt, status, telehealth] = rows[i]!;
        const c = clients.get(clientId)!;
        out[i] = {
          id, clientId, startAt, status: status as ConversionCandidate["status"], telehealth: telehealth === 1,
          therapistTeletherapy: teletherapy.get(therapistId) ?? false, clientState: c.state, clientReady: c.ready,
          clientEmail: c.email, clientHasInvite: c.invited, therapistId, therapistLicensedIn: licensedIn.get(therapistId) ?? [],
        };
      }
      return out;
    },
    async missing(practiceId, ids) {
      return pluck<string>(x, practiceId, `SELECT u.id FROM unnest(?::text[]) WITH ORDINALITY AS u(id, n)
        WHERE NOT EXISTS (SELECT 1 FROM appointments a WHERE a.practice_id = ? AND a.id = u.id) ORDER BY u.n`, [ids, practiceId]);
    },
    async setTelehealth(practiceId, ids, telehealth, now, bumpSequence = false) {
      // Set-based: one UPDATE for all the ids.
      await run(x, practiceId, bumpSequence
        ? `UPDATE appointments SET telehealth = ?, updated_at = ?, calendar_sequence = calendar_sequence + 1 WHERE practice_id = ? AND id = ANY(?::text[])`
        : `UPDATE appointments SET telehealth = ?, updated_at = ? WHERE practice_id = ? AND id = ANY(?::text[])`, [telehealth ? 1 : 0, now, practiceId, ids]);
    },
    async setStatus(practiceId, id, status, now, cancelReason) {
      await run(x, practiceId, `UPDATE appointments SET status = ?, cancel_reason = ?, updated_at = ? WHERE practice_id = ? AND id = ?`,
        [status, status === "cancelled" ? cancelReason ?? null : null, now, practiceId, id]);
    },
    async setTime(practiceId, id, startAt, endAt, now) {
      await run(x, practiceId, `UPDATE appointments SET start_at = ?, end_at = ?, updated_at = ? WHERE practice_id = ? AND id = ?`, [startAt, endAt, now, practiceId, id]);
    },
    async scheduledBetween(practiceId, from, to) {
      // No appointment is longer than a day: the start index bounds the scan on both sides.
      const rows = await arrays<[string, string, string, number, number]>(x, practiceId, `SELECT id, therapist_id, client_id, start_at, end_at FROM appointments
        WHERE practice_id = ? AND status = 'scheduled' AND start_at >= ? AND start_at < ? AND end_at > ?`, [practiceId, from - MAX_LENGTH, to, from]);
      return rows.map(([id, therapistId, clientId, startAt, endAt]) => ({ id, therapistId, clientId, startAt, endAt }));
    },
    async setBilling(practiceId, id, billing) {
      await run(x, practiceId, `UPDATE appointments SET place_of_service = ?, billing_modifier = ? WHERE practice_id = ? AND id = ?`,
        [billing.placeOfService, billing.modifier, practiceId, id]);
    },
    async exportPage(practiceId, q) {
      const rows = await arrays<[string, number, number, string, string, string, string, number, number | null, number | null, string | null, string | null, string | null]>(x, practiceId,
        `SELECT a.id, a.start_at, a.end_at, a.therapist_id, st.name, a.client_id, a.status, a.telehealth,
          ts.started_at, ts.ended_at, a.place_of_service, a.billing_modifier, ts.location_state
        FROM appointments a JOIN staff st ON st.id = a.therapist_id LEFT JOIN telehealth_sessions ts ON ts.appointment_id = a.id
        WHERE a.practice_id = @practiceId AND a.start_at >= @from AND a.start_at < @to
          AND (@therapistId::text IS NULL OR a.therapist_id = @therapistId)
          AND (@afterStart::bigint IS NULL OR (a.start_at, a.id) > (@afterStart, @afterId::text))
        ORDER BY a.start_at, a.id LIMIT @pageSize`, {
          practiceId, from: q.from, to: q.to, therapistId: q.therapistId ?? null,
          afterStart: q.after?.startAt ?? null, afterId: q.after?.id ?? null, pageSize: q.pageSize,
        });
      return rows.map(([id, startAt, endAt, therapistId, therapistName, clientId, status, telehealth, startedAt, endedAt, placeOfService, billingModifier, locationState]) => ({
        id, startAt, endAt, therapistId, therapistName, clientId, status: status as AppointmentRow["status"], telehealth: telehealth === 1,
        startedAt, endedAt, placeOfService, billingModifier, locationState,
      }));
    },
    async upcomingTelehealth(practiceId, therapistId, now) {
      return pluck<string>(x, practiceId, `SELECT id FROM appointments WHERE practice_id = ? AND therapist_id = ? AND telehealth = 1
        AND status = 'scheduled' AND start_at > ? ORDER BY start_at`, [practiceId, therapistId, now]);
    },
  };
}
