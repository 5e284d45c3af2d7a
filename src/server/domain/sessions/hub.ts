import { randomBytes } from "node:crypto";
import { LocalBus, type BusPayload, type EventBus } from "../../db/bus.js";
import type { SessionStreamRow } from "../../db/repos.js";
import type { SessionRow } from "../../db/types.js";
import { audit } from "../audit/audit.js";
import type { Actor, Deps } from "../deps.js";
import { forbidden } from "../errors.js";
import type { Present, SessionAccess, SessionRole } from "./access.js";
import { DashboardFeed } from "./dashboard-feed.js";
import { complete, joinStream, leaveStream, recordAudioOnly, type CompletionReason } from "./lifecycle.js";
import { DEAD_AFTER_MS, HEARTBEAT_MS, newProcessId, ProcessMembership } from "./processes.js";
import { presentAt, sidesOf } from "./presence.js";
import { SignalRelay, type RtcEvent } from "./relay.js";
import { SerialQueues } from "./serial.js";
import { sessionState, stateEvent, type StateEvent } from "./state.js";
import { keyedParticipant } from "./video.js";
import { auditWebhookRefusal } from "./video-audit.js";
import type { VideoEvent, WebhookRefusal } from "./video-events.js";

/** One open event stream of a session page. */
export interface Connection {
  readonly appointmentId: string;
  readonly practiceId: string;
  readonly role: SessionRole;
  readonly who: Present;
  /** Sends a state event down the stream. */
  send(ev: StateEvent): void;
  /** Ends the stream (after completion, or when the server stops). */
  end(): void;
  /** Sends a built-in video signalling event (relay.ts); absent on streams that carry none. */
  rtc?(ev: RtcEvent): void;
}

export interface HubOptions {
  /** How long after the last presence change (or a restart) pages get to reconnect before an idle session may auto-complete. */
  reconnectGraceMs?: number;
  /** How often each stream gets a `: ping` comment (default 10 s): a failed write shows a dead connection. */
  pingMs?: number;
  /** The bus to the other processes on the database (default: this process only). */
  bus?: EventBus;
  /** This process's id on the bus and in `server_processes` (default: a new one). */
  processId?: string;
  /** Heartbeat and reaping (processes.ts): every `heartbeatMs` (5 s); a process silent for `deadAfterMs` (20 s) is dead. */
  heartbeatMs?: number;
  deadAfterMs?: number;
}

/**
 * The bus topics the hub publishes, payloads ids only. `session.changed` `{ a, p, o, s, e }`:
 * appointment, practice, the publishing process, whether the state changed (1) or only who is
 * current for the call (0), and whether the session closed (1: every stream of it ends).
 * `session.end_person` `{ k, i }`: a person's streams end (deactivated staff).
 */
const CHANGED = "session.changed";
const END_PERSON = "session.end_person";

const newStreamId = () => `c_${randomBytes(12).toString("base64url")}`;

export { SERVER_AUDIT_SCOPE } from "./video-audit.js";

/**
 * Live presence (R17, R18) across every server process on the database (issue 13). Each process
 * holds its own open event streams and records each one in `session_streams`, in the transaction
 * that makes its side present or absent; presence ("who is here", each side's `present`) is read
 * from those rows, so a page on one process sees a page on another. After each change the process
 * tells the others on the bus (ids only), and every process pushes the new state to its own streams
 * of the appointment. A side is present while at least one of its streams is open anywhere, so two
 * tabs count once. Work on one appointment runs in order in each process (a chain per appointment),
 * so a quick close after an open can never be applied first.
 */
export class SessionHub {
  /** This process's open streams per appointment, and each one's stream id. */
  private readonly streams = new Map<string, Set<Connection>>();
  private readonly ids = new Map<Connection, string>();
  private readonly queues = new SerialQueues();
  private timer: NodeJS.Timeout | undefined;
  private beating: NodeJS.Timeout | undefined;
  private stopped = false;
  private stopping: Promise<void> | undefined;
  readonly processId: string;
  readonly bus: EventBus;
  private readonly membership: ProcessMembership;
  /** The built-in video's signalling between the two sides' current streams (R29). */
  readonly relay: SignalRelay;
  /** The provider dashboards' "client waiting since" streams (issue 11). */
  readonly dashboards = new DashboardFeed();
  private readonly unsubscribe: (() => void)[];

  constructor(private readonly deps: Deps, private readonly opts: HubOptions = {}) {
    this.processId = opts.processId ?? deps.processId ?? newProcessId();
    this.bus = opts.bus ?? new LocalBus();
    this.membership = new ProcessMembership(deps, this.processId,
      { heartbeatMs: opts.heartbeatMs ?? HEARTBEAT_MS, deadAfterMs: opts.deadAfterMs ?? DEAD_AFTER_MS });
    this.relay = new SignalRelay(deps.store, this.bus, this.processId, deps.clock);
    this.unsubscribe = [
      this.bus.subscribe(CHANGED, (p) => this.heard(p)),
      this.bus.subscribe(END_PERSON, (p) => {
        if ((p.k === "staff" || p.k === "client") && typeof p.i === "string") this.endLocalOf(p.k, p.i);
      }),
    ];
  }

  get pingMs(): number {
    return this.opts.pingMs ?? 10_000;
  }

  /** Who is connected to an appointment's session now, in any process, one entry per person, first arrival first. */
  present(practiceId: string, appointmentId: string): Promise<Present[]> {
    return presentAt(this.deps, practiceId, appointmentId);
  }

  /** Whether each side has a stream open, in any process. */
  async sides(practiceId: string, appointmentId: string): Promise<{ provider: boolean; client: boolean }> {
    return sidesOf(await this.deps.store.streams.forAppointment(practiceId, appointmentId));
  }

  /**
   * Opens a stream: the side becomes present (its first stream in any process only), then every
   * stream of the appointment, in every process, gets the new state. When the session cannot be
   * joined the stream gets the state and is ended.
   */
  connect(actor: Actor, access: SessionAccess, conn: Connection): Promise<void> {
    const id = access.appointment.id;
    if (this.stopped) return Promise.resolve(conn.end());
    const set = this.streams.get(id) ?? new Set<Connection>();
    set.add(conn);
    this.streams.set(id, set);
    const streamId = newStreamId();
    this.ids.set(conn, streamId);
    return this.serial(id, async () => {
      if (!set.has(conn)) return; // closed before its turn came
      // The video provider's name for the session, kept on the record so its webhooks find the appointment.
      const name = this.deps.video?.sessionName?.(id) ?? null;
      const row: SessionStreamRow = {
        id: streamId, processId: this.processId, appointmentId: id, practiceId: conn.practiceId, role: conn.role,
        whoKind: conn.who.kind, whoId: conn.who.id, whoRole: conn.who.role, rtc: Boolean(conn.rtc), openedAt: this.deps.clock(),
      };
      const arrival = await joinStream(this.deps, actor, row, name);
      if (arrival && !arrival.joined) {
        this.drop(conn);
        conn.send(stateEvent(sessionState(arrival.appointment, arrival.practice, arrival.rec, this.deps.clock()), arrival.rec, await this.sides(conn.practiceId, id)));
        conn.end();
        return;
      }
      if (set.has(conn)) this.relay.attach(streamId, conn);
      await this.changed(id, conn.practiceId, { state: true });
    });
  }

  /**
   * A side's audio-only switch (from its media-state signal): the record keeps whether the call is
   * audio-only now, so that it says at the end whether the session ended audio-only.
   */
  setAudioOnly(access: SessionAccess, on: boolean): Promise<void> {
    return this.serial(access.appointment.id, () => recordAudioOnly(this.deps, access.practice.id, access.appointment.id, access.role, on));
  }

  /** A stream closed: when it was that side's last in every process, the side is absent and the others hear of it. */
  disconnect(actor: Actor, conn: Connection): Promise<void> {
    const id = conn.appointmentId;
    const streamId = this.ids.get(conn);
    if (!this.drop(conn) || this.stopped || !streamId) return Promise.resolve();
    return this.serial(id, async () => {
      const left = await leaveStream(this.deps, actor, { id: streamId, practiceId: conn.practiceId, appointmentId: id, role: conn.role });
      await this.changed(id, conn.practiceId, { state: left });
    });
  }

  /** The provider's "End session" (R18): completes it for both, tells every stream, then closes them. */
  end(actor: Actor, access: SessionAccess): Promise<SessionRow> {
    if (access.role !== "provider") return Promise.reject(forbidden("only the provider can end the session"));
    return this.finish(actor, access.practice.id, access.appointment.id, "ended_by_provider").then((f) => f.rec);
  }

  /** Ends every live stream of one person (a deactivated staff member) in every process: their open pages stop at once and cannot reconnect. */
  endStreamsOf(kind: Present["kind"], id: string): number {
    const n = this.endLocalOf(kind, id);
    void this.bus.publish(END_PERSON, { k: kind, i: id }).catch(() => undefined);
    return n;
  }

  private endLocalOf(kind: Present["kind"], id: string): number {
    const theirs = [...this.streams.values()].flatMap((set) => [...set]).filter((c) => c.who.kind === kind && c.who.id === id);
    for (const c of theirs) c.end();
    return theirs.length + (kind === "staff" ? this.dashboards.end(id) : 0);
  }

  /** Auto-complete (R18): sessions past their deadline with nobody connected. Returns the appointments completed. */
  async sweep(): Promise<string[]> {
    const now = this.deps.clock();
    const done: string[] = [];
    for (const rec of await this.deps.store.sessions.overdue(now)) {
      if ((await this.deps.store.streams.forAppointment(rec.practiceId, rec.appointmentId)).length) continue;
      // Just marked absent (a restart, a dropped network): give the pages time to reconnect first.
      if (now - rec.updatedAt < (this.opts.reconnectGraceMs ?? 60_000)) continue;
      const system: Actor = { kind: "system", practiceId: rec.practiceId, ip: null, requestId: null };
      try {
        // Completed once across processes: another one's sweep may have got there first (lifecycle.complete).
        if ((await this.finish(system, rec.practiceId, rec.appointmentId, "auto_complete")).completed) done.push(rec.appointmentId);
      } catch {
        // An appointment cancelled meanwhile has no session to complete; the others still get theirs.
      }
    }
    return done;
  }

  /**
   * A video provider's webhook (after its signature check): `ended` completes the session, the
   * others are audited only (presence comes from our own streams). Unknown sessions and anything
   * after completion are ignored, so duplicates and late deliveries are harmless.
   */
  async videoEvent(ev: VideoEvent): Promise<void> {
    const rec = await this.deps.store.sessions.bySessionName(ev.sessionName);
    if (!rec || rec.state === "completed") return;
    const system: Actor = { kind: "system", practiceId: rec.practiceId, ip: null, requestId: null };
    if (ev.kind === "ended") {
      await this.finish(system, rec.practiceId, rec.appointmentId, "video_ended");
      return;
    }
    const participant = ev.userKey ? await keyedParticipant(this.deps, rec.practiceId, rec.appointmentId, ev.userKey) : null;
    await this.deps.store.tx((r) => audit(r, system, this.deps.clock(), rec.practiceId, `session.video.${ev.kind}`,
      { type: "appointment", id: rec.appointmentId }, { at: new Date(ev.at).toISOString(), userKey: ev.userKey ?? null, participant }));
  }

  /** A signed delivery that was refused (malformed) or repeated, audited (R20; video-audit.ts). */
  videoRefused(r: WebhookRefusal): Promise<void> {
    return auditWebhookRefusal(this.deps, r);
  }

  /**
   * At startup: this process joins the others on the database, the dead ones are reaped, and every
   * side stored as present with no stream open in any live process is set absent (nothing completes:
   * pages reconnect by themselves). Returns how many sessions were reset.
   */
  async recover(): Promise<number> {
    return (await this.membership.join()).length;
  }

  /** Runs `sweep` every `intervalMs`, and the heartbeat and reaping (processes.ts), until `stop`. */
  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.sweep().catch(() => undefined), intervalMs);
    this.timer.unref();
    this.beating = setInterval(() => void this.tick().catch(() => undefined), this.membership.opts.heartbeatMs);
    this.beating.unref();
  }

  /** One heartbeat (processes.ts), then every process hears of the sessions whose sides it set absent. Public for tests. */
  async tick(): Promise<void> {
    if (this.stopped) return;
    const changed = await this.membership.tick(() => {
      for (const set of [...this.streams.values()]) for (const c of [...set]) c.end();
    });
    await this.relay.prune();
    for (const g of changed) await this.serial(g.appointmentId, () => this.changed(g.appointmentId, g.practiceId, { state: true }));
  }

  /**
   * Stops the sweep and the heartbeat and ends every stream of this process without marking anyone
   * absent: its rows go, and the next start (or another process's heartbeat) sets those sides absent.
   */
  stop(): Promise<void> {
    return (this.stopping ??= (async () => {
      this.stopped = true;
      if (this.timer) clearInterval(this.timer);
      if (this.beating) clearInterval(this.beating);
      for (const set of this.streams.values()) for (const c of set) c.end();
      this.streams.clear();
      this.ids.clear();
      this.dashboards.end();
      this.relay.close();
      for (const off of this.unsubscribe) off();
      await this.membership.leave().catch(() => undefined);
      await this.bus.close();
    })());
  }

  private finish(actor: Actor, practiceId: string, appointmentId: string, reason: CompletionReason): Promise<{ completed: boolean; rec: SessionRow }> {
    return this.serial(appointmentId, async () => {
      const { completed, rec } = await complete(this.deps, actor, practiceId, appointmentId, reason);
      await this.changed(appointmentId, practiceId, { state: true, end: true });
      return { completed, rec };
    });
  }

  /**
   * After a committed change that closed the appointment (cancelled, or a status set by a manager):
   * every open page of its session, in every process, is told the new state at once, and its streams end.
   */
  closed(practiceId: string, appointmentId: string): Promise<void> {
    return this.serial(appointmentId, async () => {
      await this.deps.store.tx((r) => r.streams.closeAll(practiceId, appointmentId));
      await this.changed(appointmentId, practiceId, { state: true, end: true });
    });
  }

  /** Something about the appointment's session changed here: this process's streams hear of it now, the others' on the bus. */
  private async changed(appointmentId: string, practiceId: string, what: { state: boolean; end?: boolean }): Promise<void> {
    await this.refresh(appointmentId, practiceId, what);
    await this.bus.publish(CHANGED, { a: appointmentId, p: practiceId, o: this.processId, s: what.state ? 1 : 0, e: what.end ? 1 : 0 })
      .catch(() => undefined);
  }

  /** Another process changed an appointment's session: push it to this process's streams of it (and its dashboards). */
  private heard(p: BusPayload): void {
    if (p.o === this.processId || typeof p.a !== "string" || typeof p.p !== "string") return;
    const [a, practiceId] = [p.a, p.p];
    if (!this.streams.has(a) && p.s !== 1) return;
    void this.serial(a, () => this.refresh(a, practiceId, { state: p.s === 1, end: p.e === 1 })).catch(() => undefined);
  }

  /**
   * Tells this process's streams of the appointment its state and who is there (every process's
   * streams count), each current signalling stream who its peer is now, and the dashboards whether
   * its client waits. A closed session's streams get their last state and end.
   */
  private async refresh(appointmentId: string, practiceId: string, what: { state: boolean; end?: boolean }): Promise<void> {
    const [a, p, rec, rows] = await Promise.all([
      this.deps.store.appointments.byId(practiceId, appointmentId),
      this.deps.store.practices.byId(practiceId),
      this.deps.store.sessions.byAppointment(practiceId, appointmentId),
      this.deps.store.streams.forAppointment(practiceId, appointmentId),
    ]);
    if (!a || !p) return;
    if (what.state) this.dashboards.publish(a, rec);
    const state = sessionState(a, p, rec, this.deps.clock());
    if (what.end || state === "completed" || state === "cancelled") {
      return this.closeStreams(appointmentId, stateEvent(state, rec, { provider: false, client: false }));
    }
    const set = this.streams.get(appointmentId);
    if (!set?.size) return;
    if (what.state) {
      const ev = stateEvent(state, rec, sidesOf(rows));
      for (const c of set) c.send(ev);
    }
    this.relay.announce(appointmentId, rows);
  }

  private closeStreams(appointmentId: string, ev: StateEvent): void {
    const conns = [...(this.streams.get(appointmentId) ?? [])];
    for (const c of conns) this.drop(c);
    for (const c of conns) c.send(ev);
    for (const c of conns) c.end();
  }

  private drop(conn: Connection): boolean {
    const set = this.streams.get(conn.appointmentId);
    if (!set?.delete(conn)) return false;
    const id = this.ids.get(conn);
    this.ids.delete(conn);
    if (id) this.relay.detach(id);
    if (set.size === 0) this.streams.delete(conn.appointmentId);
    return true;
  }

  /** Runs `fn` after everything already queued for the appointment in this process. */
  private serial<T>(appointmentId: string, fn: () => Promise<T>): Promise<T> {
    return this.queues.run(appointmentId, fn);
  }
}
