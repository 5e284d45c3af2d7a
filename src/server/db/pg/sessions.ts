import type { SessionRepo } from "../repos.js";
import type { SessionRow } from "../types.js";
import { all, one, run, SYSTEM, type Exec } from "./exec.js";

const COLS = `s.appointment_id AS "appointmentId", s.practice_id AS "practiceId", s.state, s.session_name AS "sessionName",
  s.started_at AS "startedAt", s.ended_at AS "endedAt", s.provider_present_ms AS "providerPresentMs",
  s.client_present_ms AS "clientPresentMs", s.provider_connected_at AS "providerConnectedAt",
  s.client_connected_at AS "clientConnectedAt", s.provider_joined_at AS "providerJoinedAt", s.client_joined_at AS "clientJoinedAt",
  s.video, s.audio_only AS "audioOnly", s.location_state AS "locationState", s.location_place AS "locationPlace",
  s.callback_phone AS "callbackPhone", s.location_at AS "locationAt", s.created_at AS "createdAt", s.updated_at AS "updatedAt"`;

type Stored = Omit<SessionRow, "audioOnly"> & { audioOnly: number };
const row = (r: Stored | undefined): SessionRow | undefined => (r ? { ...r, audioOnly: r.audioOnly === 1 } : undefined);
const rows = (rs: Stored[]): SessionRow[] => rs.map((r) => row(r)!);

/** Telehealth session records. The sweep's paths (overdue, connected) and a video webhook's name lookup cross practices. */
export function sessionRepo(x: Exec): SessionRepo {
  return {
    async byAppointment(practiceId, appointmentId) {
      return row(await one<Stored>(x, practiceId, `SELECT ${COLS} FROM telehealth_sessions s WHERE s.practice_id = ? AND s.appointment_id = ?`, [practiceId, appointmentId]));
    },
    async bySessionName(sessionName) {
      return row(await one<Stored>(x, SYSTEM, `SELECT ${COLS} FROM telehealth_sessions s WHERE s.session_name = ?`, [sessionName]));
    },
    async forAppointments(practiceId, ids) {
      if (ids.length === 0) return [];
      return rows(await all<Stored>(x, practiceId, `SELECT ${COLS} FROM telehealth_sessions s WHERE s.practice_id = ? AND s.appointment_id = ANY(?::text[])`, [practiceId, ids]));
    },
    async save(r) {
      await run(x, r.practiceId, `INSERT INTO telehealth_sessions (appointment_id, practice_id, state, session_name, started_at, ended_at,
          provider_present_ms, client_present_ms, provider_connected_at, client_connected_at, provider_joined_at, client_joined_at, video, audio_only, created_at, updated_at)
        VALUES (@appointmentId, @practiceId, @state, @sessionName, @startedAt, @endedAt, @providerPresentMs, @clientPresentMs,
          @providerConnectedAt, @clientConnectedAt, @providerJoinedAt, @clientJoinedAt, @video, @audioOnly, @createdAt, @updatedAt)
        ON CONFLICT (appointment_id) DO UPDATE SET state = excluded.state, session_name = excluded.session_name,
          started_at = excluded.started_at, ended_at = excluded.ended_at, provider_present_ms = excluded.provider_present_ms,
          client_present_ms = excluded.client_present_ms, provider_connected_at = excluded.provider_connected_at,
          client_connected_at = excluded.client_connected_at, provider_joined_at = excluded.provider_joined_at,
          client_joined_at = excluded.client_joined_at,
          video = excluded.video, audio_only = excluded.audio_only,
          updated_at = excluded.updated_at`, { ...r, clientJoinedAt: r.clientJoinedAt ?? null, video: r.video ?? null, audioOnly: r.audioOnly ? 1 : 0 });
    },
    async recordLocation(practiceId, appointmentId, loc, now) {
      await run(x, practiceId, `INSERT INTO telehealth_sessions (appointment_id, practice_id, state, location_state, location_place, callback_phone, location_at, created_at, updated_at)
        VALUES (?, ?, 'waiting', ?, ?, ?, ?, ?, ?)
        ON CONFLICT (appointment_id) DO UPDATE SET location_state = excluded.location_state, location_place = excluded.location_place,
          callback_phone = excluded.callback_phone, location_at = excluded.location_at`,
      [appointmentId, practiceId, loc.state, loc.place, loc.callbackPhone, now, now, now]);
    },
    async lock(practiceId, appointmentId) {
      // Held until the transaction ends (outside one it ends at once): joining, leaving and the orphan reset take turns per appointment.
      await run(x, practiceId, `SELECT 1 FROM appointments WHERE practice_id = ? AND id = ? FOR UPDATE`, [practiceId, appointmentId]);
    },
    async claimCompletion(practiceId, appointmentId, now) {
      // Under READ COMMITTED a concurrent claim waits for the first to commit, then finds the state completed and changes nothing.
      return (await run(x, practiceId, `UPDATE telehealth_sessions SET state = 'completed', updated_at = ?
        WHERE practice_id = ? AND appointment_id = ? AND state <> 'completed' RETURNING appointment_id`, [now, practiceId, appointmentId])) === 1;
    },
    async overdue(now) {
      return rows(await all<Stored>(x, SYSTEM, `SELECT ${COLS} FROM telehealth_sessions s
        JOIN appointments a ON a.id = s.appointment_id JOIN practices p ON p.id = s.practice_id
        WHERE s.state != 'completed' AND a.end_at + p.auto_complete_minutes * 60000::bigint < ?`, [now]));
    },
    async connected() {
      return rows(await all<Stored>(x, SYSTEM, `SELECT ${COLS} FROM telehealth_sessions s WHERE s.state != 'completed'
        AND (s.provider_connected_at IS NOT NULL OR s.client_connected_at IS NOT NULL)`));
    },
  };
}
