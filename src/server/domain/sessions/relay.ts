/**
 * The built-in video's signalling relay (R29), across every server process on the database (issue
 * 13). Each session-page stream has an id and a row in `session_streams`; each side's newest
 * signalling stream is its current one, wherever it is held. Messages go from one side's current
 * stream to the other side's current stream only, and nothing is queued for later: a message for a
 * stream that is gone or replaced is refused, and both sides are told when the other's current
 * stream appears or changes, so each starts a fresh negotiation instead of replaying an old one.
 *
 * A message for a stream this process holds goes down it at once (one indexed read to check who is
 * current); one for a stream another process holds is written to `session_signals` and that
 * process is told its id on the bus; it takes the row and sends it down its stream.
 */
import type { EventBus } from "../../db/bus.js";
import type { SessionStreamRow, Store } from "../../db/repos.js";
import type { SessionRole } from "./access.js";

/** What the page's stream receives as `event: rtc`. */
export type RtcEvent =
  | { type: "peer"; you: string; peer: string | null }
  | { type: "signal"; from: string; msg: unknown };

/** The part of a stream the relay needs. */
export interface RtcStream {
  readonly appointmentId: string;
  readonly role: SessionRole;
  /** Absent on streams that cannot carry signalling (the relay ignores them). */
  rtc?(ev: RtcEvent): void;
}

export type RelayResult = "sent" | "stale_sender" | "peer_gone";

/** The bus topic of a signal for another process's stream: `{ s: signal id, p: process id }`. */
export const SIGNAL_TOPIC = "session.signal";

/** How long an untaken signal row is kept (its holder died before taking it). */
export const SIGNAL_KEEP_MS = 60_000;

const other = (r: SessionRole): SessionRole => (r === "provider" ? "client" : "provider");

/** Each side's current stream among an appointment's stream rows (oldest first): its newest signalling one. */
export function currentStreams(rows: SessionStreamRow[]): Partial<Record<SessionRole, SessionStreamRow>> {
  const out: Partial<Record<SessionRole, SessionStreamRow>> = {};
  for (const r of rows) if (r.rtc) out[r.role] = r;
  return out;
}

export class SignalRelay {
  /** This process's signalling streams by id. */
  private readonly local = new Map<string, RtcStream>();
  /** What each local stream was last told (`you|peer`), so a change is told once. */
  private readonly told = new Map<string, string>();
  private readonly unsubscribe: () => void;

  constructor(private readonly store: Store, private readonly bus: EventBus, private readonly processId: string, private readonly clock: () => number) {
    this.unsubscribe = bus.subscribe(SIGNAL_TOPIC, (p) => {
      if (p.p === this.processId && typeof p.s === "number") void this.take(p.s).catch(() => undefined);
    });
  }

  /** A stream of this process opened: returns whether it carries signalling. */
  attach(id: string, conn: RtcStream): boolean {
    if (!conn.rtc) return false;
    this.local.set(id, conn);
    return true;
  }

  /** A stream of this process closed. */
  detach(id: string): void {
    this.local.delete(id);
    this.told.delete(id);
  }

  /**
   * Tells each current stream this process holds who it is and who its peer is now, when that
   * changed since it was last told (`rows`: the appointment's streams in every process, oldest first).
   */
  announce(appointmentId: string, rows: SessionStreamRow[]): void {
    const current = currentStreams(rows);
    // A local stream that is no longer current forgets what it was told: becoming current again, it is told afresh.
    for (const id of this.told.keys()) {
      if (this.local.get(id)?.appointmentId === appointmentId && current.provider?.id !== id && current.client?.id !== id) this.told.delete(id);
    }
    for (const role of ["provider", "client"] as const) {
      const me = current[role];
      const conn = me && this.local.get(me.id);
      if (!me || !conn) continue;
      const peer = current[other(role)]?.id ?? null;
      const said = `${me.id}|${peer ?? ""}`;
      if (this.told.get(me.id) === said) continue;
      this.told.set(me.id, said);
      conn.rtc!({ type: "peer", you: me.id, peer });
    }
  }

  /** Forgets every local stream (the server stops). */
  clear(): void {
    this.local.clear();
    this.told.clear();
  }

  /**
   * Relays `msg` from `role`'s stream `from` to the other side's stream `to`; only when `from` is
   * the sender side's current stream and `to` the other side's current stream, in any process.
   */
  async relay(practiceId: string, appointmentId: string, role: SessionRole, from: string, to: string, msg: unknown): Promise<RelayResult> {
    const current = currentStreams(await this.store.streams.forAppointment(practiceId, appointmentId));
    if (current[role]?.id !== from) return "stale_sender";
    const peer = current[other(role)];
    if (!peer || peer.id !== to) return "peer_gone";
    const here = this.local.get(to);
    if (here) {
      here.rtc!({ type: "signal", from, msg });
      return "sent";
    }
    const now = this.clock();
    const id = await this.store.tx((r) => r.signals.insert({ appointmentId, toStream: to, fromStream: from, msg: JSON.stringify(msg), createdAt: now }));
    await this.bus.publish(SIGNAL_TOPIC, { s: id, p: peer.processId });
    return "sent";
  }

  /** Forgets signal rows nobody took (their stream's process died first). */
  prune(): Promise<number> {
    const before = this.clock() - SIGNAL_KEEP_MS;
    return this.store.tx((r) => r.signals.prune(before));
  }

  close(): void {
    this.unsubscribe();
    this.clear();
  }

  /** Another process wrote a signal for a stream of ours: take it and send it down. */
  private async take(id: number): Promise<void> {
    const row = await this.store.tx((r) => r.signals.take(id));
    const conn = row && this.local.get(row.toStream);
    if (row && conn) conn.rtc!({ type: "signal", from: row.fromStream, msg: JSON.parse(row.msg) as unknown });
  }
}
