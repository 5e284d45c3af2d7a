/**
 * Cancelling an appointment (R22) and a manager's correction of its status (R24). A cancellation
 * kills every link of its session at once (sign-in and join links), closes the session record, and
 * after commit tells every open session page (the hub ends their streams) and the notifications' hook.
 */
import { CancelInput, SetStatusInput, type Appointment } from "../../../sdk/schemas/index.js";
import type { Repos } from "../../db/repos.js";
import type { AppointmentRow } from "../../db/types.js";
import { audit } from "../audit/audit.js";
import type { Actor, Deps } from "../deps.js";
import { conflict } from "../errors.js";
import { CHANGERS, MANAGERS, requireStaff } from "../shared/permissions.js";
import { closePresence } from "../sessions/state.js";
import { changedView, onAppointmentChange } from "./changes.js";
import { findInScope } from "./service.js";

/**
 * Inside a transaction: the appointment becomes `status`, its session (if anyone joined) is closed,
 * and every live link to it is revoked. Returns how many links were revoked.
 */
export async function closeAppointment(r: Repos, a: AppointmentRow, status: AppointmentRow["status"], reason: string | null, now: number): Promise<number> {
  // The appointment first, as joining and leaving take it (issue 13): on PostgreSQL the other order deadlocks with a join.
  await r.sessions.lock(a.practiceId, a.id);
  const rec = await r.sessions.byAppointment(a.practiceId, a.id);
  if (rec && rec.state !== "completed") {
    closePresence(rec, now, "both");
    rec.state = "completed";
    rec.endedAt = now;
    rec.updatedAt = now;
    await r.sessions.save(rec);
  }
  await r.appointments.setStatus(a.practiceId, a.id, status, now, reason);
  // Its open streams, in every process, end with it (SessionHub.closed tells them).
  await r.streams.closeAll(a.practiceId, a.id);
  return r.links.revokeForAppointment(a.practiceId, a.id, now);
}

/**
 * Cancels one appointment: its therapist, an owner or a manager. Already cancelled → 409
 * `already_cancelled`; completed or no-show → 409 `not_cancellable`. Audited with the links revoked.
 */
export async function cancelAppointment(deps: Deps, actor: Actor, id: string, input: unknown): Promise<Appointment> {
  const a = requireStaff(actor, ...CHANGERS);
  const v = CancelInput.parse(input ?? {});
  const now = deps.clock();
  const row = await deps.store.tx(async (r) => {
    // Locked before its status is read: a completion by another process cannot land in between.
    await r.sessions.lock(a.practiceId, id);
    const found = await findInScope(r, a, id, "change");
    if (found.status === "cancelled") throw conflict("already_cancelled", `appointment ${id} is already cancelled`);
    if (found.status !== "scheduled") {
      throw conflict("not_cancellable", `appointment ${id} is ${found.status.replace("_", "-")} and cannot be cancelled; a manager can correct its status (set-status)`);
    }
    const revokedLinks = await closeAppointment(r, found, "cancelled", v.reason ?? null, now);
    await audit(r, a, now, a.practiceId, "appointment.cancel", { type: "appointment", id }, { reason: v.reason ?? null, revokedLinks, notify: v.notify });
    // The client's notice is queued in this same transaction, so a crash after commit cannot lose it (R21, R23).
    const { mailId } = await onAppointmentChange(deps, { kind: "cancelled", appointmentId: id, practiceId: a.practiceId, notify: v.notify }, r);
    return { ...found, status: "cancelled" as const, cancelReason: v.reason ?? null, mailId };
  });
  if (row.mailId) deps.mailQueued?.();
  await deps.sessions?.closed(row.practiceId, row.id).catch(() => undefined);
  return changedView(deps, row);
}

/**
 * R24's corrections: an owner or a manager sets a past or finished appointment's outcome
 * (completed, no_show, cancelled). Setting the status it already has is a 409 `status_unchanged`.
 * Leaving `scheduled` closes the session and its links as cancelling does.
 */
export async function setAppointmentStatus(deps: Deps, actor: Actor, id: string, input: unknown): Promise<Appointment> {
  const a = requireStaff(actor, ...MANAGERS);
  const v = SetStatusInput.parse(input);
  const now = deps.clock();
  const row = await deps.store.tx(async (r) => {
    await r.sessions.lock(a.practiceId, id); // as cancel: before the status is read
    const found = await findInScope(r, a, id, "change");
    if (found.status === v.status) throw conflict("status_unchanged", `appointment ${id} is already ${v.status.replace("_", "-")}`);
    const reason = v.status === "cancelled" ? v.reason ?? null : null;
    let revokedLinks = 0;
    if (found.status === "scheduled") revokedLinks = await closeAppointment(r, found, v.status, reason, now);
    else await r.appointments.setStatus(a.practiceId, id, v.status, now, reason);
    await audit(r, a, now, a.practiceId, "appointment.set_status", { type: "appointment", id }, { from: found.status, to: v.status, reason, revokedLinks });
    return { ...found, status: v.status, cancelReason: reason, closedSession: found.status === "scheduled" };
  });
  if (row.closedSession) await deps.sessions?.closed(row.practiceId, row.id).catch(() => undefined);
  return changedView(deps, row);
}
