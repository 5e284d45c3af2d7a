import type { SessionRepo } from "../repos.js";
import type { SessionRow } from "../types.js";
import type { StatementCache } from "./statements.js";

const COLS = `s.appointment_id AS appointmentId, s.practice_id AS practiceId, s.state, s.session_name AS sessionName,
  s.started_at AS startedAt, s.ended_at AS endedAt, s.provider_present_ms AS providerPresentMs,
  s.client_present_ms AS clientPresentMs, s.provider_connected_at AS providerConnectedAt,
  s.client_connected_at AS clientConnectedAt, s.provider_joined_at AS providerJoinedAt,
  s.created_at AS createdAt, s.updated_at AS updatedAt`;

/** Telehealth session records: one per appointment that someone has joined. */
export function sessionRepo(s: StatementCache): SessionRepo {
  return {
    async byAppointment(practiceId, appointmentId) {
      return s.get(`SELECT ${COLS} FROM telehealth_sessions s WHERE s.practice_id = ? AND s.appointment_id = ?`)
        .get(practiceId, appointmentId) as SessionRow | undefined;
    },
    async bySessionName(sessionName) {
      return s.get(`SELECT ${COLS} FROM telehealth_sessions s WHERE s.session_name = ?`).get(sessionName) as SessionRow | undefined;
    },
    async forAppointments(practiceId, ids) {
      if (ids.length === 0) return [];
      return s.get(`SELECT ${COLS} FROM telehealth_sessions s WHERE s.practice_id = ? AND s.appointment_id IN (SELECT value FROM json_each(?))`)
        .all(practiceId, JSON.stringify(ids)) as SessionRow[];
    },
    async save(r) {
      s.get(`INSERT INTO telehealth_sessions (appointment_id, practice_id, state, session_name, started_at, ended_at,
          provider_present_ms, client_present_ms, provider_connected_at, client_connected_at, provider_joined_at, created_at, updated_at)
        VALUES (@appointmentId, @practiceId, @state, @sessionName, @startedAt, @endedAt, @providerPresentMs, @clientPresentMs,
          @providerConnectedAt, @clientConnectedAt, @providerJoinedAt, @createdAt, @updatedAt)
        ON CONFLICT (appointment_id) DO UPDATE SET state = excluded.state, session_name = excluded.session_name,
          started_at = excluded.started_at, ended_at = excluded.ended_at, provider_present_ms = excluded.provider_present_ms,
          client_present_ms = excluded.client_present_ms, provider_connected_at = excluded.provider_connected_at,
          client_connected_at = excluded.client_connected_at, provider_joined_at = excluded.provider_joined_at,
          updated_at = excluded.updated_at`).run(r);
    },
    async overdue(now) {
      return s.get(`SELECT ${COLS} FROM telehealth_sessions s
        JOIN appointments a ON a.id = s.appointment_id JOIN practices p ON p.id = s.practice_id
        WHERE s.state != 'completed' AND a.end_at + p.auto_complete_minutes * 60000 < ?`).all(now) as SessionRow[];
    },
    async connected() {
      return s.get(`SELECT ${COLS} FROM telehealth_sessions s WHERE s.state != 'completed'
        AND (s.provider_connected_at IS NOT NULL OR s.client_connected_at IS NOT NULL)`).all() as SessionRow[];
    },
  };
}
