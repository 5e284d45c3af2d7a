import type { Repos, SessionStreamRow } from "../../db/repos.js";
import type { AppointmentRow, PracticeRow, SessionRow } from "../../db/types.js";
import { joinWindow } from "../appointments/window.js";
import { audit } from "../audit/audit.js";
import type { Actor, Deps } from "../deps.js";
import { conflict } from "../errors.js";
import type { SessionRole } from "./access.js";
import { issueJoinLink, joinLinkExpiry } from "./join-link.js";
import { autoCompleteOutcome, tellManagersProviderAbsent } from "./outcome.js";
import { billingCodes } from "./location-view.js";
import { closePresence, newSessionRow } from "./state.js";
import { sidesOf } from "./presence.js";

/**
 * The stored half of a session's lifecycle (R16, R18): each function is one transaction that moves
 * the record and writes its audit row. Who is connected right now is the hub's business (hub.ts).
 */

export interface Arrival {
  /** False when the session cannot be joined now: completed, cancelled, in person, or outside its window. */
  joined: boolean;
  rec: SessionRow | undefined;
  appointment: AppointmentRow;
  practice: PracticeRow;
}

/**
 * May someone be present now? From the join window's opening; a session nobody joined yet stops
 * being joinable at the auto-complete deadline, one under way can be rejoined until it completes.
 */
export function joinable(a: AppointmentRow, p: PracticeRow, rec: SessionRow | undefined, now: number): boolean {
  if (!a.telehealth || a.status !== "scheduled" || rec?.state === "completed") return false;
  return now >= joinWindow(a, p, now).opensAt && (rec !== undefined || now < joinLinkExpiry(a, p));
}

/** The first connection of one side: present, waiting or live, and on the provider's first arrival the R16 email. */
export async function arrive(
  deps: Deps, actor: Actor, practiceId: string, appointmentId: string, role: SessionRole, sessionName: string | null,
): Promise<Arrival> {
  const result = await deps.store.tx((r) => arriveIn(r, deps, actor, practiceId, appointmentId, role, sessionName));
  if (result.mailed) deps.mailQueued?.();
  return result;
}

/**
 * A session-page stream opens (in any server process, issue 13): in one transaction the stream is
 * recorded and, when its side is not stored as present yet, the side arrives (`arrive`). A side that
 * is present already (a second tab, a page reconnecting to another process) only adds its stream.
 * The stream is recorded only when the session can be joined. Returns undefined for a side already present.
 */
export async function joinStream(
  deps: Deps, actor: Actor, stream: SessionStreamRow, sessionName: string | null,
): Promise<Arrival | undefined> {
  const { practiceId, appointmentId, role } = stream;
  const result = await deps.store.tx(async (r) => {
    await r.sessions.lock(practiceId, appointmentId);
    const rec = await r.sessions.byAppointment(practiceId, appointmentId);
    if (rec && rec.state !== "completed" && (role === "provider" ? rec.providerConnectedAt : rec.clientConnectedAt) !== null) {
      await r.streams.open(stream);
      return undefined;
    }
    const arrival = await arriveIn(r, deps, actor, practiceId, appointmentId, role, sessionName);
    if (arrival.joined) await r.streams.open(stream);
    return arrival;
  });
  if (result?.mailed) deps.mailQueued?.();
  return result;
}

/**
 * A session-page stream closed: in one transaction it is forgotten and, when it was its side's
 * last stream in every process, the side leaves (`leave`). Returns whether the side left.
 */
export async function leaveStream(deps: Deps, actor: Actor, stream: Pick<SessionStreamRow, "id" | "practiceId" | "appointmentId" | "role">): Promise<boolean> {
  return deps.store.tx(async (r) => {
    await r.sessions.lock(stream.practiceId, stream.appointmentId);
    if (!(await r.streams.close(stream.id))) return false;
    if ((await r.streams.forAppointment(stream.practiceId, stream.appointmentId)).some((s) => s.role === stream.role)) return false;
    const rec = await r.sessions.byAppointment(stream.practiceId, stream.appointmentId);
    if (!rec || rec.state === "completed" || (stream.role === "provider" ? rec.providerConnectedAt : rec.clientConnectedAt) === null) return false;
    await leaveIn(r, deps.clock(), actor, rec, stream.role);
    return true;
  });
}

/**
 * Sides stored as present that have no stream open in any process (their process stopped, or died
 * and was reaped, issue 13) are set absent, their time counted up to now: one audit row per session.
 * Returns the appointments changed.
 */
export async function resetOrphans(deps: Pick<Deps, "store" | "clock">, reason: "server_start" | "server_gone"): Promise<{ practiceId: string; appointmentId: string }[]> {
  const now = deps.clock();
  return deps.store.tx(async (r) => {
    const out: { practiceId: string; appointmentId: string }[] = [];
    for (const found of await r.streams.orphaned()) {
      // Looked at again under the appointment's lock: a stream may have opened since (PostgreSQL).
      await r.sessions.lock(found.practiceId, found.appointmentId);
      const rec = await r.sessions.byAppointment(found.practiceId, found.appointmentId);
      if (!rec || rec.state === "completed") continue;
      const open = sidesOf(await r.streams.forAppointment(found.practiceId, found.appointmentId));
      const o = { ...found, provider: rec.providerConnectedAt !== null && !open.provider, client: rec.clientConnectedAt !== null && !open.client };
      if (!o.provider && !o.client) continue;
      closePresence(rec, now, o.provider && o.client ? "both" : o.provider ? "provider" : "client");
      rec.state = rec.providerConnectedAt !== null && rec.clientConnectedAt !== null ? "live" : "waiting";
      rec.updatedAt = now;
      await r.sessions.save(rec);
      await audit(r, { kind: "system", practiceId: rec.practiceId, ip: null, requestId: null }, now, rec.practiceId,
        "session.presence_reset", { type: "appointment", id: rec.appointmentId },
        { reason, sides: o.provider && o.client ? "both" : o.provider ? "provider" : "client" });
      out.push({ practiceId: o.practiceId, appointmentId: o.appointmentId });
    }
    return out;
  });
}

async function arriveIn(
  r: Repos, deps: Deps, actor: Actor, practiceId: string, appointmentId: string, role: SessionRole, sessionName: string | null,
) {
  const now = deps.clock();
  {
    const { appointment, practice, rec: found } = await load(r, practiceId, appointmentId);
    if (!joinable(appointment, practice, found, now)) return { joined: false, rec: found, appointment, practice, mailed: false };
    const rec = found ?? newSessionRow(appointment, sessionName, now);
    // A record made by the client's location answer (R27) gets its video name on the first arrival.
    rec.sessionName ??= sessionName;
    // Which provider runs the session (R29): the one set up when it is first joined.
    rec.video ??= deps.video?.provider.configured ? deps.video.provider.name : null;
    if (role === "provider") rec.providerConnectedAt ??= now;
    else (rec.clientConnectedAt ??= now), (rec.clientJoinedAt ??= now);
    let mailed = false;
    if (role === "provider" && rec.providerJoinedAt === null) {
      rec.providerJoinedAt = now;
      await issueJoinLink(r, deps, actor, now, practice, appointment);
      mailed = true;
    }
    const both = rec.providerConnectedAt !== null && rec.clientConnectedAt !== null;
    rec.state = both ? "live" : "waiting";
    if (both) rec.startedAt ??= now;
    rec.updatedAt = now;
    await r.sessions.save(rec);
    await audit(r, actor, now, practiceId, "session.join", { type: "appointment", id: appointmentId }, { role, state: rec.state });
    return { joined: true, rec, appointment, practice, mailed };
  }
}

/** The last connection of one side closed: absent, its time added up; live goes back to waiting. */
export async function leave(deps: Deps, actor: Actor, practiceId: string, appointmentId: string, role: SessionRole): Promise<SessionRow | undefined> {
  const now = deps.clock();
  return deps.store.tx(async (r) => {
    const rec = await r.sessions.byAppointment(practiceId, appointmentId);
    if (!rec || rec.state === "completed") return rec;
    await leaveIn(r, now, actor, rec, role);
    return rec;
  });
}

async function leaveIn(r: Repos, now: number, actor: Actor, rec: SessionRow, role: SessionRole): Promise<void> {
  closePresence(rec, now, role);
  rec.state = "waiting";
  rec.updatedAt = now;
  await r.sessions.save(rec);
  await audit(r, actor, now, rec.practiceId, "session.leave", { type: "appointment", id: rec.appointmentId }, { role });
}

/** One side's audio-only switch: the record keeps whether either side is audio-only now (R29, R28's modifier). */
export async function recordAudioOnly(deps: Pick<Deps, "store">, practiceId: string, appointmentId: string, role: SessionRole, on: boolean): Promise<void> {
  await deps.store.tx(async (r) => {
    const either = await r.sessionAudio.set(appointmentId, role, on);
    const rec = await r.sessions.byAppointment(practiceId, appointmentId);
    if (!rec || rec.state === "completed" || rec.audioOnly === either) return;
    rec.audioOnly = either;
    await r.sessions.save(rec);
  });
}

export type CompletionReason = "ended_by_provider" | "auto_complete" | "video_ended";

/**
 * Completes a session (R18): presence totals closed, the appointment completed, every live link
 * to it revoked. Idempotent: a completed session stays as it is and `completed` is false. When it
 * completes by itself (auto_complete) the appointment's status comes from who came (R24, outcome.ts).
 */
export async function complete(
  deps: Deps, actor: Actor, practiceId: string, appointmentId: string, reason: CompletionReason,
): Promise<{ completed: boolean; rec: SessionRow; appointment: AppointmentRow }> {
  const now = deps.clock();
  const result = await deps.store.tx(async (r) => {
    // The appointment first, as joining and leaving take it: on PostgreSQL the session-then-appointment order deadlocks with a join.
    await r.sessions.lock(practiceId, appointmentId);
    const { appointment, practice, rec: found } = await load(r, practiceId, appointmentId);
    if (found?.state === "completed") return { completed: false, rec: found, appointment, mailed: 0 };
    // Compare-and-set (issue 13): of several processes completing it at once (sweeps, a webhook, the
    // provider's button), one moves the stored state; the others see it completed and change nothing.
    if (found && !(await r.sessions.claimCompletion(practiceId, appointmentId, now))) {
      return { completed: false, rec: (await r.sessions.byAppointment(practiceId, appointmentId)) ?? found, appointment, mailed: 0 };
    }
    if (!appointment.telehealth || appointment.status !== "scheduled") {
      throw conflict("session_not_active", `appointment ${appointmentId} is ${appointment.telehealth ? appointment.status : "in person"}; there is no session to end`);
    }
    // A session nobody joined, outside its window, has not begun: ending it would complete an appointment that never happened.
    if (!found && reason === "ended_by_provider" && !joinWindow(appointment, practice, now).open) {
      throw conflict("session_not_started", `nobody has joined the session of appointment ${appointmentId} and its join window is not open; there is nothing to end`);
    }
    const rec = found ?? newSessionRow(appointment, null, now);
    closePresence(rec, now, "both");
    rec.state = "completed";
    rec.endedAt = now;
    rec.updatedAt = now;
    await r.sessions.save(rec);
    const outcome = reason === "auto_complete" ? autoCompleteOutcome(rec) : { status: "completed" as const, cancelReason: null };
    await r.appointments.setStatus(practiceId, appointmentId, outcome.status, now, outcome.cancelReason);
    // R28: place of service and modifier, from where the client said they were and whether it ended audio-only.
    const billing = outcome.status === "completed" ? billingCodes(rec) : undefined;
    if (billing) await r.appointments.setBilling(practiceId, appointmentId, billing);
    const revokedLinks = await r.links.revokeForAppointment(practiceId, appointmentId, now);
    // Its streams in every process end with it (each process is told on the bus and closes its own).
    await r.streams.closeAll(practiceId, appointmentId);
    await r.sessionAudio.clear(appointmentId);
    const mails = outcome.cancelReason ? await tellManagersProviderAbsent(r, now, practice, appointment, deps.config.publicUrl) : [];
    await audit(r, actor, now, practiceId, "session.complete", { type: "appointment", id: appointmentId }, {
      reason, outcome: outcome.status, cancelReason: outcome.cancelReason, startedAt: rec.startedAt,
      providerPresentMs: rec.providerPresentMs, clientPresentMs: rec.clientPresentMs, revokedLinks, mails,
      ...(billing && { billing }),
    });
    return { completed: true, rec, appointment: { ...appointment, ...outcome }, mailed: mails.length };
  });
  if (result.mailed) deps.mailQueued?.();
  return { completed: result.completed, rec: result.rec, appointment: result.appointment };
}

async function load(r: Repos, practiceId: string, appointmentId: string) {
  const appointment = await r.appointments.byId(practiceId, appointmentId);
  const practice = await r.practices.byId(practiceId);
  if (!appointment || !practice) throw conflict("session_not_active", `appointment ${appointmentId} no longer exists`);
  return { appointment, practice, rec: await r.sessions.byAppointment(practiceId, appointmentId) };
}
