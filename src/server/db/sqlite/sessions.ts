import type { SessionRepo } from "../repos.js";
import type { SessionRow } from "../types.js";
import type { StatementCache } from "./statements.js";

const COLS = `s.appointment_id AS appointmentId, s.practice_id AS practiceId, s.state, s.session_name AS sessionName,
  s.started_at AS startedAt, s.ended_at AS endedAt, s.provider_present_ms AS providerPresentMs,
  s.client_present_ms AS clientPresentMs, s.provider_connected_at AS providerConnectedAt,
  s.client_connected_at AS clientConnectedAt, s.provider_joined_at AS providerJoinedAt, s.client_joined_at AS clientJoinedAt,
  s.video, s.audio_only AS audioOnly, s.location_state AS locationState, s.location_place AS locationPlace,
  s.callback_phone AS callbackPhone, s.location_at AS locationAt, s.created_at AS createdAt, s.updated_at AS updatedAt`;

type Stored = Omit<SessionRow, "audioOnly"> & { audioOnly: number };
const row = (r: Stored | undefined): SessionRow | undefined => (r ? { ...r, audioOnly: r.audioOnly === 1 } : undefined);
const rows = (rs: Stored[]): SessionRow[] => rs.map((r) => row(r)!);

/** Telehealth session records: one per appointment that someone has joined. */
export function sessionRepo(s: StatementCache): SessionRepo {
  return {
    async byAppointment(practiceId, appointmentId) {
      return row(s.get(`SELECT ${COLS} FROM telehealth_sessions s WHERE s.practice_id = ? AND s.appointment_id = ?`)
        .get(practiceId, appointmentId) as Stored | undefined);
    },
    async bySessionName(sessionName) {
      return row(s.get(`SELECT ${COLS} FROM telehealth_sessions s WHERE s.session_name = ?`).get(sessionName) as Stored | undefined);
    },
    async forAppointments(practiceId, ids) {
      if (ids.length === 0) return [];
      return rows(s.get(`SELECT ${COLS} FROM telehealth_sessions s WHERE s.practice_id = ? AND s.appointment_id IN (SELECT value FROM json_each(?))`)
        .all(practiceId, JSON.stringify(ids)) as Stored[]);
    },
    async save(r) {
      s.get(`INSERT INTO telehealth_sessions (appointment_id, practice_id, state, session_name, started_at, ended_at,
          provider_present_ms, client_present_ms, provider_connected_at, client_connected_at, provider_joined_at, client_joined_at, video, audio_only, created_at, updated_at)
        VALUES (@appointmentId, @practiceId, @state, @sessionName, @startedAt, @endedAt, @providerPresentMs, @clientPresentMs,
          @providerConnectedAt, @clientConnectedAt, @providerJoinedAt, @clientJoinedAt, @video, @audioOnly, @createdAt, @updatedAt)
        ON CONFLICT (appointment_id) DO UPDATE SET state = excluded.state, session_name = excluded.session_name,
          started_at = excluded.started_at, ended_at = excluded.ended_at, provider_present_ms = excluded.provider_present_ms,
          client_present_ms = excluded.client_present_ms, provider_connected_at = excluded.provider_connected_at,
          client_connected_at = excluded.client_connected_at, provider_joined_at = excluded.provider_joined_at,
          client_joined_at = excluded.client_joined_at,
          video = excluded.video, audio_only = excluded.audio_only,
          updated_at = excluded.updated_at`).run({ ...r, clientJoinedAt: r.clientJoinedAt ?? null, video: r.video ?? null, audioOnly: r.audioOnly ? 1 : 0 });
    },
    async recordLocation(practiceId, appointmentId, loc, now) {
      // Only the location columns: the lifecycle's own writes (save) never touch them, and this never touches theirs.
      s.get(`INSERT INTO telehealth_sessions (appointment_id, practice_id, state, location_state, location_place, callback_phone, location_at, created_at, updated_at)
        VALUES (?, ?, 'waiting', ?, ?, ?, ?, ?, ?)
        ON CONFLICT (appointment_id) DO UPDATE SET location_state = excluded.location_state, location_place = excluded.location_place,
          callback_phone = excluded.callback_phone, location_at = excluded.location_at`)
        .run(appointmentId, practiceId, loc.state, loc.place, loc.callbackPhone, now, now, now);
    },
    async lock() {
      // BEGIN IMMEDIATE already holds the one write lock of the file.
    },
    async claimCompletion(practiceId, appointmentId, now) {
      return s.get(`UPDATE telehealth_sessions SET state = 'completed', updated_at = ? WHERE practice_id = ? AND appointment_id = ? AND state != 'completed'`)
        .run(now, practiceId, appointmentId).changes === 1;
    },
    async overdue(now) {
      return rows(s.get(`SELECT ${COLS} FROM telehealth_sessions s
        JOIN appointments a ON a.id = s.appointment_id JOIN practices p ON p.id = s.practice_id
        WHERE s.state != 'completed' AND a.end_at + p.auto_complete_minutes * 60000 < ?`).all(now) as Stored[]);
    },
    async connected() {
      return rows(s.get(`SELECT ${COLS} FROM telehealth_sessions s WHERE s.state != 'completed'
        AND (s.provider_connected_at IS NOT NULL OR s.client_connected_at IS NOT NULL)`).all() as Stored[]);
    },
  };
}
