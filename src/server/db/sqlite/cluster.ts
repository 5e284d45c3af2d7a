import type {
  IdempotencyClaimRepo, ServerKeyRepo, ServerProcessRepo, SessionAudioRepo, SessionSignalRepo, SessionSignalRow, SessionStreamRepo, SessionStreamRow,
} from "../repos.js";
import { bool, type StatementCache } from "./statements.js";

/** Several server processes on one SQLite file (issue 13): heartbeats, session streams, signals, audio-only switches. */

export function serverProcessRepo(s: StatementCache): ServerProcessRepo {
  return {
    async register(p) {
      s.get(`INSERT INTO server_processes (id, host, pid, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at`).run(p.id, p.host, p.pid, p.startedAt, p.heartbeatAt);
    },
    async beat(id, now) {
      return s.get(`UPDATE server_processes SET heartbeat_at = ? WHERE id = ?`).run(now, id).changes === 1;
    },
    async list() {
      return s.get(`SELECT id, host, pid, started_at AS startedAt, heartbeat_at AS heartbeatAt FROM server_processes ORDER BY started_at, id`).all() as
        Awaited<ReturnType<ServerProcessRepo["list"]>>;
    },
    async unregistered() {
      return s.get(`SELECT process_id FROM session_streams WHERE process_id NOT IN (SELECT id FROM server_processes)
        UNION SELECT process_id FROM idempotency_claims WHERE process_id NOT IN (SELECT id FROM server_processes)`).pluck().all() as string[];
    },
    async remove(ids) {
      if (ids.length === 0) return [];
      const list = JSON.stringify(ids);
      const gone = s.get(`SELECT DISTINCT practice_id AS practiceId, appointment_id AS appointmentId FROM session_streams
        WHERE process_id IN (SELECT value FROM json_each(?))`).all(list) as { practiceId: string; appointmentId: string }[];
      s.get(`DELETE FROM session_signals WHERE to_stream IN (SELECT id FROM session_streams WHERE process_id IN (SELECT value FROM json_each(?)))`).run(list);
      s.get(`DELETE FROM session_streams WHERE process_id IN (SELECT value FROM json_each(?))`).run(list);
      s.get(`DELETE FROM idempotency_claims WHERE process_id IN (SELECT value FROM json_each(?))`).run(list);
      s.get(`DELETE FROM server_processes WHERE id IN (SELECT value FROM json_each(?))`).run(list);
      return gone;
    },
  };
}

const STREAM_COLS = `id, process_id AS processId, appointment_id AS appointmentId, practice_id AS practiceId, role,
  who_kind AS whoKind, who_id AS whoId, who_role AS whoRole, rtc, opened_at AS openedAt`;
type StoredStream = Omit<SessionStreamRow, "rtc"> & { rtc: number };
const stream = (r: StoredStream): SessionStreamRow => ({ ...r, rtc: bool(r.rtc) });

export function sessionStreamRepo(s: StatementCache): SessionStreamRepo {
  return {
    async open(r) {
      s.get(`INSERT INTO session_streams (id, process_id, appointment_id, practice_id, role, who_kind, who_id, who_role, rtc, opened_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(r.id, r.processId, r.appointmentId, r.practiceId, r.role, r.whoKind, r.whoId, r.whoRole, r.rtc ? 1 : 0, r.openedAt);
    },
    async close(id) {
      s.get(`DELETE FROM session_signals WHERE to_stream = ?`).run(id);
      return s.get(`DELETE FROM session_streams WHERE id = ?`).run(id).changes === 1;
    },
    async forAppointment(practiceId, appointmentId) {
      return (s.get(`SELECT ${STREAM_COLS} FROM session_streams WHERE appointment_id = ? AND practice_id = ? ORDER BY seq`).all(appointmentId, practiceId) as StoredStream[]).map(stream);
    },
    async ofPerson(whoKind, whoId) {
      return (s.get(`SELECT ${STREAM_COLS} FROM session_streams WHERE who_kind = ? AND who_id = ? ORDER BY seq`).all(whoKind, whoId) as StoredStream[]).map(stream);
    },
    async orphaned() {
      const rows = s.get(`SELECT t.practice_id AS practiceId, t.appointment_id AS appointmentId,
          (t.provider_connected_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM session_streams x
            WHERE x.appointment_id = t.appointment_id AND x.role = 'provider')) AS provider,
          (t.client_connected_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM session_streams x
            WHERE x.appointment_id = t.appointment_id AND x.role = 'client')) AS client
        FROM telehealth_sessions t WHERE t.state != 'completed'
          AND (t.provider_connected_at IS NOT NULL OR t.client_connected_at IS NOT NULL)`).all() as
        { practiceId: string; appointmentId: string; provider: number; client: number }[];
      return rows.filter((r) => r.provider || r.client).map((r) => ({ ...r, provider: bool(r.provider), client: bool(r.client) }));
    },
    async closeAll(practiceId, appointmentId) {
      s.get(`DELETE FROM session_signals WHERE appointment_id = ?`).run(appointmentId);
      return s.get(`DELETE FROM session_streams WHERE appointment_id = ? AND practice_id = ?`).run(appointmentId, practiceId).changes;
    },
  };
}

export function sessionSignalRepo(s: StatementCache): SessionSignalRepo {
  return {
    async insert(r) {
      return Number(s.get(`INSERT INTO session_signals (appointment_id, to_stream, from_stream, msg, created_at) VALUES (?, ?, ?, ?, ?)`)
        .run(r.appointmentId, r.toStream, r.fromStream, r.msg, r.createdAt).lastInsertRowid);
    },
    async take(id) {
      return s.get(`DELETE FROM session_signals WHERE id = ? RETURNING id, appointment_id AS appointmentId, to_stream AS toStream,
        from_stream AS fromStream, msg, created_at AS createdAt`).get(id) as SessionSignalRow | undefined;
    },
    async prune(before) {
      return s.get(`DELETE FROM session_signals WHERE created_at < ?`).run(before).changes;
    },
  };
}

export function sessionAudioRepo(s: StatementCache): SessionAudioRepo {
  return {
    async set(appointmentId, role, on) {
      s.get(`INSERT INTO session_audio (appointment_id, role, audio_only) VALUES (?, ?, ?)
        ON CONFLICT (appointment_id, role) DO UPDATE SET audio_only = excluded.audio_only`).run(appointmentId, role, on ? 1 : 0);
      return bool(s.get(`SELECT coalesce(max(audio_only), 0) FROM session_audio WHERE appointment_id = ?`).pluck().get(appointmentId));
    },
    async clear(appointmentId) {
      s.get(`DELETE FROM session_audio WHERE appointment_id = ?`).run(appointmentId);
    },
  };
}

/** Claims are single statements in the store's write queue, outside any transaction (like rate limits). */
export function idempotencyClaimRepo(s: StatementCache, inQueue: <T>(fn: () => T) => Promise<T>): IdempotencyClaimRepo {
  return {
    claim(c) {
      return inQueue(() => s.get(`INSERT OR IGNORE INTO idempotency_claims (practice_id, staff_id, key, process_id, claimed_at) VALUES (?, ?, ?, ?, ?)`)
        .run(c.practiceId, c.staffId, c.key, c.processId, c.now).changes === 1);
    },
    async release(practiceId, staffId, key) {
      await inQueue(() => s.get(`DELETE FROM idempotency_claims WHERE practice_id = ? AND staff_id = ? AND key = ?`).run(practiceId, staffId, key));
    },
  };
}

export function serverKeyRepo(s: StatementCache): ServerKeyRepo {
  return {
    async getOrCreate(name, candidate, now) {
      s.get(`INSERT OR IGNORE INTO server_keys (name, value, created_at) VALUES (?, ?, ?)`).run(name, candidate, now);
      return s.get(`SELECT value FROM server_keys WHERE name = ?`).pluck().get(name) as string;
    },
  };
}
