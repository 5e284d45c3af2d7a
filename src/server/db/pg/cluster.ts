import type {
  IdempotencyClaimRepo, ServerKeyRepo, ServerProcessRepo, ServerProcessRow, SessionAudioRepo, SessionSignalRepo, SessionSignalRow, SessionStreamRepo,
  SessionStreamRow,
} from "../repos.js";
import { all, one, pluck, run, SYSTEM, type Exec } from "./exec.js";

/**
 * Several server processes on one PostgreSQL database (issue 13): heartbeats, session streams,
 * signals, audio-only switches, shared keys, Idempotency-Key claims.
 *
 * Scopes: session_streams and idempotency_claims have a `practice_id` and row-level security, so
 * what names its practice runs in that practice's scope; what crosses practices (the heartbeat and
 * reaping, a person's streams on every appointment, orphaned presence, closing a stream known by its
 * id only) runs in the system scope (security.ts lists it). server_processes, session_signals,
 * session_audio and server_keys hold no practice's rows (ids and opaque messages): the system scope,
 * as webhook_deliveries.
 *
 * Statements that change several tables are one statement of data-modifying CTEs: one round trip,
 * and atomic even outside a transaction.
 */

export function serverProcessRepo(x: Exec): ServerProcessRepo {
  return {
    async register(p) {
      await run(x, SYSTEM, `INSERT INTO server_processes (id, host, pid, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at`, [p.id, p.host, p.pid, p.startedAt, p.heartbeatAt]);
    },
    async beat(id, now) {
      return (await run(x, SYSTEM, `UPDATE server_processes SET heartbeat_at = ? WHERE id = ?`, [now, id])) === 1;
    },
    async list() {
      return all<ServerProcessRow>(x, SYSTEM, `SELECT id, host, pid, started_at AS "startedAt", heartbeat_at AS "heartbeatAt"
        FROM server_processes ORDER BY started_at, id`);
    },
    async unregistered() {
      return pluck<string>(x, SYSTEM, `SELECT process_id FROM session_streams WHERE process_id NOT IN (SELECT id FROM server_processes)
        UNION SELECT process_id FROM idempotency_claims WHERE process_id NOT IN (SELECT id FROM server_processes)`);
    },
    async remove(ids) {
      if (ids.length === 0) return [];
      // Every sub-statement sees the rows as they were when it began, so the signals go by the streams the first one removed.
      return all<{ practiceId: string; appointmentId: string }>(x, SYSTEM, `WITH gone AS (
          DELETE FROM session_streams WHERE process_id = ANY(@ids::text[]) RETURNING id, practice_id, appointment_id
        ), signals AS (
          DELETE FROM session_signals WHERE to_stream IN (SELECT id FROM gone)
        ), claims AS (
          DELETE FROM idempotency_claims WHERE process_id = ANY(@ids::text[])
        ), processes AS (
          DELETE FROM server_processes WHERE id = ANY(@ids::text[])
        )
        SELECT DISTINCT practice_id AS "practiceId", appointment_id AS "appointmentId" FROM gone`, { ids });
    },
  };
}

const STREAM_COLS = `id, process_id AS "processId", appointment_id AS "appointmentId", practice_id AS "practiceId", role,
  who_kind AS "whoKind", who_id AS "whoId", who_role AS "whoRole", rtc, opened_at AS "openedAt"`;
type StoredStream = Omit<SessionStreamRow, "rtc"> & { rtc: number };
const stream = (r: StoredStream): SessionStreamRow => ({ ...r, rtc: r.rtc === 1 });

export function sessionStreamRepo(x: Exec): SessionStreamRepo {
  return {
    async open(r) {
      await run(x, r.practiceId, `INSERT INTO session_streams (id, process_id, appointment_id, practice_id, role, who_kind, who_id, who_role, rtc, opened_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [r.id, r.processId, r.appointmentId, r.practiceId, r.role, r.whoKind, r.whoId, r.whoRole, r.rtc ? 1 : 0, r.openedAt]);
    },
    async close(id) {
      // Known by its id only (a stream id is random and unguessable): the system scope.
      return (await run(x, SYSTEM, `WITH signals AS (DELETE FROM session_signals WHERE to_stream = @id)
        DELETE FROM session_streams WHERE id = @id`, { id })) === 1;
    },
    async forAppointment(practiceId, appointmentId) {
      return (await all<StoredStream>(x, practiceId, `SELECT ${STREAM_COLS} FROM session_streams WHERE appointment_id = ? AND practice_id = ? ORDER BY seq`,
        [appointmentId, practiceId])).map(stream);
    },
    async ofPerson(whoKind, whoId) {
      return (await all<StoredStream>(x, SYSTEM, `SELECT ${STREAM_COLS} FROM session_streams WHERE who_kind = ? AND who_id = ? ORDER BY seq`,
        [whoKind, whoId])).map(stream);
    },
    async orphaned() {
      return all<{ practiceId: string; appointmentId: string; provider: boolean; client: boolean }>(x, SYSTEM, `SELECT * FROM (
          SELECT t.practice_id AS "practiceId", t.appointment_id AS "appointmentId",
            (t.provider_connected_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM session_streams x
              WHERE x.appointment_id = t.appointment_id AND x.role = 'provider')) AS provider,
            (t.client_connected_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM session_streams x
              WHERE x.appointment_id = t.appointment_id AND x.role = 'client')) AS client
          FROM telehealth_sessions t WHERE t.state <> 'completed'
            AND (t.provider_connected_at IS NOT NULL OR t.client_connected_at IS NOT NULL)
        ) o WHERE o.provider OR o.client`);
    },
    async closeAll(practiceId, appointmentId) {
      return run(x, practiceId, `WITH signals AS (DELETE FROM session_signals WHERE appointment_id = @appointmentId)
        DELETE FROM session_streams WHERE appointment_id = @appointmentId AND practice_id = @practiceId`, { practiceId, appointmentId });
    },
  };
}

export function sessionSignalRepo(x: Exec): SessionSignalRepo {
  return {
    async insert(r) {
      return (await one<{ id: number }>(x, SYSTEM, `INSERT INTO session_signals (appointment_id, to_stream, from_stream, msg, created_at)
        VALUES (?, ?, ?, ?, ?) RETURNING id`, [r.appointmentId, r.toStream, r.fromStream, r.msg, r.createdAt]))!.id;
    },
    async take(id) {
      return one<SessionSignalRow>(x, SYSTEM, `DELETE FROM session_signals WHERE id = ? RETURNING id, appointment_id AS "appointmentId",
        to_stream AS "toStream", from_stream AS "fromStream", msg, created_at AS "createdAt"`, [id]);
    },
    async prune(before) {
      return run(x, SYSTEM, `DELETE FROM session_signals WHERE created_at < ?`, [before]);
    },
  };
}

export function sessionAudioRepo(x: Exec): SessionAudioRepo {
  return {
    async set(appointmentId, role, on) {
      // The other side's row as last committed (callers hold the appointment's lock or do not need it), and this side's as written.
      const r = await one<{ either: number }>(x, SYSTEM, `WITH up AS (
          INSERT INTO session_audio (appointment_id, role, audio_only) VALUES (@appointmentId, @role, @on)
          ON CONFLICT (appointment_id, role) DO UPDATE SET audio_only = excluded.audio_only RETURNING audio_only
        )
        SELECT coalesce(max(a), 0) AS either FROM (
          SELECT audio_only AS a FROM up
          UNION ALL SELECT audio_only FROM session_audio WHERE appointment_id = @appointmentId AND role <> @role
        ) t`, { appointmentId, role, on: on ? 1 : 0 });
      return r?.either === 1;
    },
    async clear(appointmentId) {
      await run(x, SYSTEM, `DELETE FROM session_audio WHERE appointment_id = ?`, [appointmentId]);
    },
  };
}

/**
 * Claims are single statements of their own: `x` must not join a request's transaction (a rollback
 * would drop a claim another process must see at once, and a claim would wait for its commit).
 */
export function idempotencyClaimRepo(x: Exec): IdempotencyClaimRepo {
  return {
    async claim(c) {
      return (await run(x, c.practiceId, `INSERT INTO idempotency_claims (practice_id, staff_id, key, process_id, claimed_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT DO NOTHING`, [c.practiceId, c.staffId, c.key, c.processId, c.now])) === 1;
    },
    async release(practiceId, staffId, key) {
      await run(x, practiceId, `DELETE FROM idempotency_claims WHERE practice_id = ? AND staff_id = ? AND key = ?`, [practiceId, staffId, key]);
    },
  };
}

export function serverKeyRepo(x: Exec): ServerKeyRepo {
  return {
    async getOrCreate(name, candidate, now) {
      await run(x, SYSTEM, `INSERT INTO server_keys (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, [name, candidate, now]);
      // A statement of its own (not a CTE): under READ COMMITTED it sees the row another process committed while the insert waited.
      return (await one<{ value: string }>(x, SYSTEM, `SELECT value FROM server_keys WHERE name = ?`, [name]))!.value;
    },
  };
}
