import type { SessionRow } from "../../db/types.js";
import { audit } from "../audit/audit.js";
import type { Actor, Deps } from "../deps.js";
import { forbidden } from "../errors.js";
import type { Present, SessionAccess, SessionRole } from "./access.js";
import { DashboardFeed } from "./dashboard-feed.js";
import { arrive, complete, leave, markAllAbsent, type CompletionReason } from "./lifecycle.js";
import { SignalRelay, type RtcEvent } from "./relay.js";
import { sessionState, stateEvent, type StateEvent } from "./state.js";
import { keyedParticipant } from "./video.js";
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
}

const key = (c: Pick<Connection, "who">) => `${c.who.kind}:${c.who.id}`;

/** The audit log's practice id for rows that concern no practice (webhook deliveries naming no session of ours). */
export const SERVER_AUDIT_SCOPE = "server";

/**
 * Live presence (R17, R18) in one server process: the open event streams per appointment, the
 * stored transitions they cause, and pushes to every stream of the appointment. A side is present
 * while at least one of its streams is open, so two tabs count once. Work on one appointment runs in
 * order (a chain per appointment), so a quick close after an open can never be applied first.
 */
export class SessionHub {
  private readonly streams = new Map<string, Set<Connection>>();
  private readonly chains = new Map<string, Promise<unknown>>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** The built-in video's signalling between the two sides' current streams (R29). */
  readonly relay = new SignalRelay();
  /** The provider dashboards' "client waiting since" streams (issue 11). */
  readonly dashboards = new DashboardFeed();
  /** Each side's last reported audio-only switch, per appointment, for the session record. */
  private readonly audioOnly = new Map<string, { provider: boolean; client: boolean }>();

  constructor(private readonly deps: Deps, private readonly opts: HubOptions = {}) {}

  get pingMs(): number {
    return this.opts.pingMs ?? 10_000;
  }

  /** Who is connected to an appointment's session now, one entry per person, first arrival first. */
  present(appointmentId: string): Present[] {
    const seen = new Map<string, Present>();
    for (const c of this.streams.get(appointmentId) ?? []) if (!seen.has(key(c))) seen.set(key(c), c.who);
    return [...seen.values()];
  }

  /** Whether each side has a stream open. */
  sides(appointmentId: string): { provider: boolean; client: boolean } {
    const out = { provider: false, client: false };
    for (const c of this.streams.get(appointmentId) ?? []) out[c.role] = true;
    return out;
  }

  /**
   * Opens a stream: the side becomes present (its first stream only), then every stream of the
   * appointment gets the new state. When the session cannot be joined the stream gets the state and is ended.
   */
  connect(actor: Actor, access: SessionAccess, conn: Connection): Promise<void> {
    const id = access.appointment.id;
    if (this.stopped) return Promise.resolve(conn.end());
    const set = this.streams.get(id) ?? new Set<Connection>();
    const first = ![...set].some((c) => c.role === conn.role);
    set.add(conn);
    this.streams.set(id, set);
    return this.serial(id, async () => {
      if (!set.has(conn)) return; // closed before its turn came
      // The video provider's name for the session, kept on the record so its webhooks find the appointment.
      const name = this.deps.video?.sessionName?.(id) ?? null;
      const arrival = first || !(await this.stored(conn)) ? await arrive(this.deps, actor, conn.practiceId, id, conn.role, name) : undefined;
      if (arrival && !arrival.joined) {
        this.drop(conn);
        conn.send(stateEvent(sessionState(arrival.appointment, arrival.practice, arrival.rec, this.deps.clock()), arrival.rec, this.sides(id)));
        conn.end();
        return;
      }
      await this.broadcast(id, conn.practiceId);
      if (set.has(conn)) this.relay.attach(conn);
    });
  }

  /**
   * A side's audio-only switch (from its media-state signal): the record keeps whether the call is
   * audio-only now, so that it says at the end whether the session ended audio-only.
   */
  setAudioOnly(access: SessionAccess, on: boolean): Promise<void> {
    const id = access.appointment.id;
    const sides = this.audioOnly.get(id) ?? { provider: false, client: false };
    const before = sides.provider || sides.client;
    sides[access.role] = on;
    this.audioOnly.set(id, sides);
    if ((sides.provider || sides.client) === before) return Promise.resolve();
    return this.serial(id, async () => {
      await this.deps.store.tx(async (r) => {
        const rec = await r.sessions.byAppointment(access.practice.id, id);
        if (!rec || rec.state === "completed") return;
        rec.audioOnly = sides.provider || sides.client;
        await r.sessions.save(rec);
      });
    });
  }

  /** A stream closed: when it was that side's last, the side is absent and the others hear of it. */
  disconnect(actor: Actor, conn: Connection): Promise<void> {
    const id = conn.appointmentId;
    if (!this.drop(conn) || this.stopped) return Promise.resolve();
    if (this.sides(id)[conn.role]) return Promise.resolve();
    return this.serial(id, async () => {
      if (this.sides(id)[conn.role]) return; // came back in the meantime
      await leave(this.deps, actor, conn.practiceId, id, conn.role);
      await this.broadcast(id, conn.practiceId);
    });
  }

  /** The provider's "End session" (R18): completes it for both, tells every stream, then closes them. */
  end(actor: Actor, access: SessionAccess): Promise<SessionRow> {
    if (access.role !== "provider") return Promise.reject(forbidden("only the provider can end the session"));
    return this.finish(actor, access.practice.id, access.appointment.id, "ended_by_provider");
  }

  /** Ends every live stream of one person (a deactivated staff member): their open pages stop at once and cannot reconnect. */
  endStreamsOf(kind: Present["kind"], id: string): number {
    const theirs = [...this.streams.values()].flatMap((set) => [...set]).filter((c) => c.who.kind === kind && c.who.id === id);
    for (const c of theirs) c.end();
    return theirs.length + (kind === "staff" ? this.dashboards.end(id) : 0);
  }

  /** Auto-complete (R18): sessions past their deadline with nobody connected. Returns the appointments completed. */
  async sweep(): Promise<string[]> {
    const now = this.deps.clock();
    const done: string[] = [];
    for (const rec of await this.deps.store.sessions.overdue(now)) {
      if (this.streams.get(rec.appointmentId)?.size) continue;
      // Just marked absent (a restart, a dropped network): give the pages time to reconnect first.
      if (now - rec.updatedAt < (this.opts.reconnectGraceMs ?? 60_000)) continue;
      const system: Actor = { kind: "system", practiceId: rec.practiceId, ip: null, requestId: null };
      try {
        await this.finish(system, rec.practiceId, rec.appointmentId, "auto_complete");
        done.push(rec.appointmentId);
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

  /**
   * A signed delivery that was refused (malformed) or repeated, audited (R20): in the practice of the
   * session it names, or, naming none of ours, under the practice id `server`, which no practice's
   * audit listing shows. Unsigned deliveries never get here: they are counted, not audited.
   */
  async videoRefused(r: WebhookRefusal): Promise<void> {
    const rec = r.claimedSessionName ? await this.deps.store.sessions.bySessionName(r.claimedSessionName) : undefined;
    const actor: Actor = { kind: "anonymous", ip: r.ip, requestId: r.requestId };
    await this.deps.store.tx((tx) => audit(tx, actor, this.deps.clock(), rec?.practiceId ?? SERVER_AUDIT_SCOPE,
      r.signed && r.code === "webhook_duplicate" ? "session.video.webhook_repeated" : "session.video.webhook_refused",
      rec ? { type: "appointment", id: rec.appointmentId } : { type: "webhook", id: null },
      { code: r.code, status: r.status, signed: r.signed }));
  }

  /** At startup: everyone absent, nothing completed (lifecycle.markAllAbsent). */
  recover(): Promise<number> {
    return markAllAbsent(this.deps);
  }

  /** Runs `sweep` every `intervalMs` until `stop`. */
  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.sweep().catch(() => undefined), intervalMs);
    this.timer.unref();
  }

  /** Stops the sweep and ends every stream without marking anyone absent: the next start does that. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const set of this.streams.values()) for (const c of set) c.end();
    this.streams.clear();
    this.dashboards.end();
    this.relay.clear();
  }

  private finish(actor: Actor, practiceId: string, appointmentId: string, reason: CompletionReason): Promise<SessionRow> {
    return this.serial(appointmentId, async () => {
      const { rec, appointment } = await complete(this.deps, actor, practiceId, appointmentId, reason);
      this.closeStreams(appointmentId, stateEvent(appointment.status === "cancelled" ? "cancelled" : "completed", rec, { provider: false, client: false }));
      this.dashboards.publish(appointment, rec);
      return rec;
    });
  }

  /**
   * After a committed change that closed the appointment (cancelled, or a status set by a manager):
   * every open page of its session is told the new state at once, and its streams end.
   */
  closed(practiceId: string, appointmentId: string): Promise<void> {
    return this.serial(appointmentId, async () => {
      const [a, p, rec] = await Promise.all([
        this.deps.store.appointments.byId(practiceId, appointmentId),
        this.deps.store.practices.byId(practiceId),
        this.deps.store.sessions.byAppointment(practiceId, appointmentId),
      ]);
      if (!a || !p) return;
      this.closeStreams(appointmentId, stateEvent(sessionState(a, p, rec, this.deps.clock()), rec, { provider: false, client: false }));
      this.dashboards.publish(a, rec);
    });
  }

  private closeStreams(appointmentId: string, ev: StateEvent): void {
    const conns = [...(this.streams.get(appointmentId) ?? [])];
    this.streams.delete(appointmentId);
    this.relay.clear(appointmentId);
    this.audioOnly.delete(appointmentId);
    for (const c of conns) c.send(ev);
    for (const c of conns) c.end();
  }

  /** Is the connection's side already stored as present? (A second tab after a restart must still mark it.) */
  private async stored(conn: Connection): Promise<boolean> {
    const rec = await this.deps.store.sessions.byAppointment(conn.practiceId, conn.appointmentId);
    return Boolean(rec && (conn.role === "provider" ? rec.providerConnectedAt : rec.clientConnectedAt) !== null);
  }

  /** Tells every stream of the appointment its state, and the dashboards whether its client waits. */
  private async broadcast(appointmentId: string, practiceId: string): Promise<void> {
    const [a, p, rec] = await Promise.all([
      this.deps.store.appointments.byId(practiceId, appointmentId),
      this.deps.store.practices.byId(practiceId),
      this.deps.store.sessions.byAppointment(practiceId, appointmentId),
    ]);
    if (!a || !p) return;
    this.dashboards.publish(a, rec);
    const set = this.streams.get(appointmentId);
    if (!set?.size) return;
    const ev = stateEvent(sessionState(a, p, rec, this.deps.clock()), rec, this.sides(appointmentId));
    for (const c of set) c.send(ev);
  }

  private drop(conn: Connection): boolean {
    const set = this.streams.get(conn.appointmentId);
    if (!set?.delete(conn)) return false;
    this.relay.detach(conn);
    if (set.size === 0) this.streams.delete(conn.appointmentId);
    return true;
  }

  /** Runs `fn` after everything already queued for the appointment; a failure does not stop the queue. */
  private serial<T>(appointmentId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(appointmentId) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.catch(() => undefined);
    this.chains.set(appointmentId, settled);
    void settled.then(() => {
      if (this.chains.get(appointmentId) === settled) this.chains.delete(appointmentId);
    });
    return next;
  }
}
