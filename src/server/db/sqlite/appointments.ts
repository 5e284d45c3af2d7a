import type { AppointmentRepo } from "../repos.js";
import type { AppointmentFilter, AppointmentRow, ConversionCandidate } from "../types.js";
import { APPOINTMENT_STATUSES, type AppointmentStatus } from "../../../sdk/schemas/index.js";
import { bool, type StatementCache } from "./statements.js";

const READY = `(c.email IS NOT NULL AND c.portal_activated_at IS NOT NULL)`;
/** R25: where the client is for licensure: at the session when they said, else their residence; in person, the practice. */
const CLIENT_AT = `CASE WHEN a.telehealth = 1 THEN COALESCE(ts.location_state, c.state)
  ELSE (SELECT p.state FROM practices p WHERE p.id = a.practice_id) END`;
const LICENSURE = `CASE WHEN a.telehealth = 1 AND ts.location_place = 'outside_us' THEN 'unlicensed_state'
  WHEN st.licensed_in = '' OR ${CLIENT_AT} IS NULL THEN 'unknown'
  WHEN instr(',' || st.licensed_in || ',', ',' || ${CLIENT_AT} || ',') > 0 THEN 'ok' ELSE 'unlicensed_state' END`;
const COLS = `a.id, a.practice_id AS practiceId, a.therapist_id AS therapistId, a.client_id AS clientId,
  a.start_at AS startAt, a.end_at AS endAt, a.telehealth, a.status, ${READY} AS clientReady, a.created_at AS createdAt,
  a.cancel_reason AS cancelReason,
  ${LICENSURE} AS licensure, a.place_of_service AS placeOfService, a.billing_modifier AS billingModifier`;
/**
 * The tables COLS reads: the therapist and client (one row each) and the session record, by primary
 * key; the practice's state (in-person licensure) is a subquery by key, not a join: joined, the
 * one-row practices table became the planner's outer loop, and it then sorted every appointment after
 * a page's cursor to find its first thousand (USE TEMP B-TREE FOR ORDER BY): 200 ms a page at the
 * start of a million, so `list --all` over 1,000,000 took 400 s. Walking appointments_start in order,
 * a page is ~3 ms wherever it starts.
 */
const FROM = `appointments a JOIN clients c ON c.id = a.client_id JOIN staff st ON st.id = a.therapist_id
  LEFT JOIN telehealth_sessions ts ON ts.appointment_id = a.id`;

/** Builds the WHERE clause for a filter; the SQL text depends only on which fields are set. */
function where(f: AppointmentFilter): { sql: string; params: Record<string, unknown> } {
  const parts = ["a.practice_id = @practiceId"];
  const params: Record<string, unknown> = { practiceId: f.practiceId };
  if (f.ids) {
    parts.push("a.id IN (SELECT value FROM json_each(@ids))");
    params.ids = JSON.stringify(f.ids);
  }
  if (f.therapistId) (parts.push("a.therapist_id = @therapistId"), (params.therapistId = f.therapistId));
  if (f.clientId) (parts.push("a.client_id = @clientId"), (params.clientId = f.clientId));
  if (f.from !== undefined) (parts.push("a.start_at >= @from"), (params.from = f.from));
  if (f.to !== undefined) (parts.push("a.start_at < @to"), (params.to = f.to));
  // Status and telehealth as literals, not parameters: a bound value compared with a partial index's
  // columns (appointments_upcoming_telehealth) makes SQLite prepare the statement again at every call
  // (50 µs for a client's upcoming appointments, the largest cost of an audited client read). Each
  // has a few values, so the texts stay few.
  if (f.telehealth !== undefined) parts.push(`a.telehealth = ${f.telehealth ? 1 : 0}`);
  if (f.status) parts.push(`a.status = '${statusLiteral(f.status)}'`);
  if (f.after) {
    // A row value against the (practice, start, id) indexes: the page starts where the last one ended.
    parts.push(`(a.start_at, a.id) ${f.desc ? "<" : ">"} (@afterStart, @afterId)`);
    (params.afterStart = f.after[0]), (params.afterId = f.after[1]);
  }
  return { sql: parts.join(" AND "), params };
}

/** A status as it may appear in SQL text: one of the known values, never the caller's string. */
function statusLiteral(status: AppointmentStatus): AppointmentStatus {
  if (!APPOINTMENT_STATUSES.includes(status)) throw new Error(`unknown appointment status ${JSON.stringify(status)}`);
  return status;
}

/** The longest appointment the schema allows (1440 minutes). */
const MAX_LENGTH = 86_400_000;

type Raw = Omit<AppointmentRow, "telehealth" | "clientReady"> & { telehealth: number; clientReady: number };
/** A row of COLS (then the two names, when asked for) as an array: keep it in COLS's order. */
type RawRow = [string, string, string, string, number, number, number, AppointmentRow["status"], number, number, string | null,
  AppointmentRow["licensure"], AppointmentRow["placeOfService"], AppointmentRow["billingModifier"], string?, string?];

export function appointmentRepo(s: StatementCache): AppointmentRepo {
  const insertSql = `INSERT INTO appointments (id, practice_id, therapist_id, client_id, start_at, end_at, telehealth, status, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?)`;
  return {
    async insert(a) {
      s.get(insertSql).run(a.id, a.practiceId, a.therapistId, a.clientId, a.startAt, a.endAt, a.telehealth ? 1 : 0, a.createdAt, a.createdAt);
    },
    async insertMany(rows) {
      const st = s.get(insertSql);
      for (const a of rows) st.run(a.id, a.practiceId, a.therapistId, a.clientId, a.startAt, a.endAt, a.telehealth ? 1 : 0, a.createdAt, a.createdAt);
    },
    async byId(practiceId, id) {
      const r = s.get(`SELECT ${COLS} FROM ${FROM} WHERE a.practice_id = ? AND a.id = ?`)
        .get(practiceId, id) as Raw | undefined;
      return r && { ...r, telehealth: bool(r.telehealth), clientReady: bool(r.clientReady) };
    },
    async list(f) {
      const w = where(f);
      // One statement whatever the limit (a limit in the SQL text would cache a statement per value); -1 is none.
      // `(SELECT @limit)`, not `@limit`: see StatementCache (a bare bound limit is prepared again at every call).
      const names = f.names ? `, st.name AS therapistName, c.name AS clientName` : "";
      const order = f.desc ? "a.start_at DESC, a.id DESC" : "a.start_at, a.id";
      // Rows as arrays, made into objects of one literal shape: a page of a thousand is read at about
      // twice the speed of better-sqlite3's objects keyed by column name.
      const rows = s.get(`SELECT ${COLS}${names} FROM ${FROM}
        WHERE ${w.sql} ORDER BY ${order} LIMIT (SELECT @limit)`).raw().all({ ...w.params, limit: f.limit ? Math.trunc(f.limit) : -1 }) as RawRow[];
      const out: AppointmentRow[] = new Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const [id, practiceId, therapistId, clientId, startAt, endAt, telehealth, status, clientReady, createdAt, cancelReason,
          licensure, placeOfService, billingModifier, therapistName, clientName] = rows[i]!;
        const row: AppointmentRow = {
          id, practiceId, therapistId, clientId, startAt, endAt, telehealth: telehealth === 1, status, clientReady: clientReady === 1, createdAt,
          cancelReason, licensure, placeOfService, billingModifier,
        };
        if (f.names) (row.therapistName = therapistName), (row.clientName = clientName);
        out[i] = row;
      }
      return out;
    },
    async candidates(f, now) {
      // Staff and clients are few beside appointments: read them once into maps rather than
      // joining them to every one of a hundred thousand rows.
      const w = where(f);
      const teletherapy = new Map<string, boolean>();
      // R25: each therapist's states, read in the same one query, one array per therapist.
      const licensedIn = new Map<string, string[]>();
      for (const t of s.get(`SELECT id, teletherapy, licensed_in FROM staff WHERE practice_id = ?`).all(f.practiceId) as { id: string; teletherapy: number; licensed_in: string }[]) {
        teletherapy.set(t.id, t.teletherapy === 1);
        licensedIn.set(t.id, t.licensed_in ? t.licensed_in.split(",") : []);
      }
      const clients = new Map<string, { state: string | null; email: string | null; ready: boolean; invited: boolean }>();
      for (const c of s.get(`SELECT c.id, c.state, c.email, ${READY} AS ready, EXISTS (SELECT 1 FROM links l
          WHERE l.practice_id = c.practice_id AND l.subject_id = c.id AND l.kind = 'portal_invite' AND l.used_at IS NULL
            AND l.revoked_at IS NULL AND l.expires_at > @now) AS invited
        FROM clients c WHERE c.practice_id = @practiceId`).all({ practiceId: f.practiceId, now }) as { id: string; state: string | null; email: string | null; ready: number; invited: number }[]) {
        clients.set(c.id, { state: c.state, email: c.email, ready: c.ready === 1, invited: c.invited === 1 });
      }
      const rows = s.get(`SELECT a.id, a.client_id, a.therapist_id, a.start_at, a.status, a.telehealth FROM appointments a
        WHERE ${w.sql} ORDER BY a.start_at, a.id`).raw().all(w.params) as [string, string, string, number, string, number][];
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
      return (s.get(`SELECT value FROM json_each(?) WHERE value NOT IN (SELECT id FROM appointments WHERE practice_id = ?)`)
        .pluck().all(JSON.stringify(ids), practiceId)) as string[];
    },
    async setTelehealth(practiceId, ids, telehealth, now, bumpSequence = false) {
      const st = s.get(bumpSequence
        ? `UPDATE appointments SET telehealth = ?, updated_at = ?, calendar_sequence = calendar_sequence + 1 WHERE practice_id = ? AND id = ?`
        : `UPDATE appointments SET telehealth = ?, updated_at = ? WHERE practice_id = ? AND id = ?`);
      const value = telehealth ? 1 : 0;
      for (const id of ids) st.run(value, now, practiceId, id);
    },
    async setStatus(practiceId, id, status, now, cancelReason) {
      s.get(`UPDATE appointments SET status = ?, cancel_reason = ?, updated_at = ? WHERE practice_id = ? AND id = ?`)
        .run(status, status === "cancelled" ? cancelReason ?? null : null, now, practiceId, id);
    },
    async setTime(practiceId, id, startAt, endAt, now) {
      s.get(`UPDATE appointments SET start_at = ?, end_at = ?, updated_at = ? WHERE practice_id = ? AND id = ?`).run(startAt, endAt, now, practiceId, id);
    },
    async scheduledBetween(practiceId, from, to) {
      // No appointment is longer than a day, so one that ends after `from` starts after `from` - 1 day:
      // the start index bounds the scan on both sides.
      const rows = s.get(`SELECT id, therapist_id, client_id, start_at, end_at FROM appointments INDEXED BY appointments_start
        WHERE practice_id = ? AND status = 'scheduled' AND start_at >= ? AND start_at < ? AND end_at > ?`)
        .raw().all(practiceId, from - MAX_LENGTH, to, from) as [string, string, string, number, number][];
      return rows.map(([id, therapistId, clientId, startAt, endAt]) => ({ id, therapistId, clientId, startAt, endAt }));
    },
    async setBilling(practiceId, id, billing) {
      s.get(`UPDATE appointments SET place_of_service = ?, billing_modifier = ? WHERE practice_id = ? AND id = ?`)
        .run(billing.placeOfService, billing.modifier, practiceId, id);
    },
    async exportPage(practiceId, q) {
      // Keyset paging on the (practice, start) index: each page is one bounded range scan, whatever the range.
      const rows = s.get(`SELECT a.id, a.start_at, a.end_at, a.therapist_id, st.name, a.client_id, a.status, a.telehealth,
          ts.started_at, ts.ended_at, a.place_of_service, a.billing_modifier, ts.location_state
        FROM appointments a JOIN staff st ON st.id = a.therapist_id LEFT JOIN telehealth_sessions ts ON ts.appointment_id = a.id
        WHERE a.practice_id = @practiceId AND a.start_at >= @from AND a.start_at < @to
          AND (@therapistId IS NULL OR a.therapist_id = @therapistId)
          AND (@afterStart IS NULL OR a.start_at > @afterStart OR (a.start_at = @afterStart AND a.id > @afterId))
        ORDER BY a.start_at, a.id LIMIT (SELECT @pageSize)`).raw().all({
        practiceId, from: q.from, to: q.to, therapistId: q.therapistId ?? null,
        afterStart: q.after?.startAt ?? null, afterId: q.after?.id ?? null, pageSize: q.pageSize,
      }) as [string, number, number, string, string, string, string, number, number | null, number | null, string | null, string | null, string | null][];
      return rows.map(([id, startAt, endAt, therapistId, therapistName, clientId, status, telehealth, startedAt, endedAt, placeOfService, billingModifier, locationState]) => ({
        id, startAt, endAt, therapistId, therapistName, clientId, status: status as AppointmentRow["status"], telehealth: telehealth === 1,
        startedAt, endedAt, placeOfService, billingModifier, locationState,
      }));
    },
    async upcomingTelehealth(practiceId, therapistId, now) {
      return s.get(`SELECT id FROM appointments WHERE practice_id = ? AND therapist_id = ? AND telehealth = 1
        AND status = 'scheduled' AND start_at > ? ORDER BY start_at`).pluck().all(practiceId, therapistId, now) as string[];
    },
  };
}
