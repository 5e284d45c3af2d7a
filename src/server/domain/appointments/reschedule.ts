/**
 * Rescheduling (R22): the same appointment (same id, same session page address) at a new time.
 * R4 and R5 are checked again for telehealth ones, and the start and overlap rules exactly as
 * when scheduling (issue 10). A session someone has joined, and past, completed or cancelled
 * appointments, are refused with 409 `not_reschedulable`. Outstanding sign-in and join links are
 * revoked (they were minted for the old time); the page address never changes.
 */
import { RescheduleInput, type Appointment } from "../../../sdk/schemas/index.js";
import { audit } from "../audit/audit.js";
import type { Actor, Deps } from "../deps.js";
import { conflict } from "../errors.js";
import { CHANGERS, requireStaff } from "../shared/permissions.js";
import { findClient, findStaff } from "../shared/resolve.js";
import { readStart } from "../shared/time.js";
import { refuseDeactivated } from "../staff/deactivate.js";
import { changedView, onAppointmentChange } from "./changes.js";
import { refuseOverlap } from "./overlap.js";
import { findInScope, pastStart, practiceZone, telehealthRefusal } from "./service.js";

const notReschedulable = (id: string, why: string) => conflict("not_reschedulable", `appointment ${id} ${why} and cannot be rescheduled`);

export async function rescheduleAppointment(deps: Deps, actor: Actor, id: string, input: unknown): Promise<Appointment> {
  const a = requireStaff(actor, ...CHANGERS);
  const v = RescheduleInput.parse(input);
  const now = deps.clock();
  const result = await deps.store.tx(async (r) => {
    const row = await findInScope(r, a, id, "change");
    if (row.status !== "scheduled") throw notReschedulable(id, `is ${row.status.replace("_", "-")}`);
    if (row.startAt <= now) throw notReschedulable(id, "has already started or is in the past");
    if (await r.sessions.byAppointment(a.practiceId, id)) throw notReschedulable(id, "has a session someone has joined");
    const therapist = await findStaff(r, a.practiceId, row.therapistId);
    refuseDeactivated(therapist);
    if (row.telehealth) {
      const why = telehealthRefusal(therapist, await findClient(r, a.practiceId, row.clientId, now));
      if (why) throw why;
    }
    const startAt = readStart("start", v.start, await practiceZone(r, a.practiceId));
    if (startAt <= now && !v.allowPast) throw pastStart(startAt);
    const endAt = startAt + (v.durationMinutes !== undefined ? v.durationMinutes * 60_000 : row.endAt - row.startAt);
    if (!v.allowOverlap) await refuseOverlap(r, a.practiceId, { id, therapistId: row.therapistId, clientId: row.clientId, startAt, endAt });
    await r.appointments.setTime(a.practiceId, id, startAt, endAt, now);
    const revokedLinks = await r.links.revokeForAppointment(a.practiceId, id, now);
    await audit(r, a, now, a.practiceId, "appointment.reschedule", { type: "appointment", id }, {
      from: { start: new Date(row.startAt).toISOString(), end: new Date(row.endAt).toISOString() },
      to: { start: new Date(startAt).toISOString(), end: new Date(endAt).toISOString() }, revokedLinks, notify: v.notify,
    });
    // The client's notice is queued in this same transaction, so a crash after commit cannot lose it (R21, R23).
    const { mailId } = await onAppointmentChange(deps, { kind: "rescheduled", appointmentId: id, practiceId: a.practiceId, notify: v.notify }, r);
    return { ...row, startAt, endAt, mailId };
  });
  if (result.mailId) deps.mailQueued?.();
  return changedView(deps, result);
}

