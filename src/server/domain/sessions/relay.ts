/**
 * The built-in video's signalling relay (R29), in memory beside the hub: each session-page stream
 * gets a connection id; each side's newest stream is its current one. Messages go from one side's
 * current stream to the other side's current stream only, and nothing is queued: a message for a
 * stream that is gone or replaced is dropped, and both sides are told when the other's current
 * stream appears or changes, so each starts a fresh negotiation instead of replaying an old one.
 */
import { randomBytes } from "node:crypto";
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

interface Sides {
  provider?: { conn: RtcStream; id: string };
  client?: { conn: RtcStream; id: string };
  /** Every signalling stream of the appointment, oldest first, with its id. */
  all: Map<RtcStream, string>;
}

const other = (r: SessionRole): SessionRole => (r === "provider" ? "client" : "provider");

export type RelayResult = "sent" | "stale_sender" | "peer_gone";

export class SignalRelay {
  private readonly rooms = new Map<string, Sides>();

  /** A stream joined: it becomes its side's current one, and both sides hear who is current now. */
  attach(conn: RtcStream): string | undefined {
    if (!conn.rtc) return undefined;
    const room: Sides = this.rooms.get(conn.appointmentId) ?? { all: new Map() };
    this.rooms.set(conn.appointmentId, room);
    const id = `c_${randomBytes(12).toString("base64url")}`;
    room.all.set(conn, id);
    room[conn.role] = { conn, id };
    this.announce(room);
    return id;
  }

  /** A stream closed: its side's current becomes its newest other stream (or none), and both sides hear of it. */
  detach(conn: RtcStream): void {
    const room = this.rooms.get(conn.appointmentId);
    if (!room?.all.delete(conn)) return;
    if (room[conn.role]?.conn === conn) {
      const rest = [...room.all].filter(([c]) => c.role === conn.role);
      const newest = rest[rest.length - 1];
      room[conn.role] = newest ? { conn: newest[0], id: newest[1] } : undefined;
      this.announce(room);
    }
    if (room.all.size === 0) this.rooms.delete(conn.appointmentId);
  }

  /** The session ended (or the server stops): forget its streams. */
  clear(appointmentId?: string): void {
    if (appointmentId === undefined) this.rooms.clear();
    else this.rooms.delete(appointmentId);
  }

  /** The current connection id of a side, if any. */
  current(appointmentId: string, role: SessionRole): string | undefined {
    return this.rooms.get(appointmentId)?.[role]?.id;
  }

  /**
   * Relays `msg` from `role`'s stream `from` to the other side's stream `to`; only when `from` is
   * the sender side's current stream and `to` the other side's current stream.
   */
  relay(appointmentId: string, role: SessionRole, from: string, to: string, msg: unknown): RelayResult {
    const room = this.rooms.get(appointmentId);
    if (room?.[role]?.id !== from) return "stale_sender";
    const peer = room[other(role)];
    if (!peer || peer.id !== to) return "peer_gone";
    peer.conn.rtc!({ type: "signal", from, msg });
    return "sent";
  }

  private announce(room: Sides): void {
    for (const role of ["provider", "client"] as const) {
      const me = room[role];
      me?.conn.rtc!({ type: "peer", you: me.id, peer: room[other(role)]?.id ?? null });
    }
  }
}
