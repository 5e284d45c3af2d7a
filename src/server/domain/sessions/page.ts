import type { AppointmentRow, PracticeRow } from "../../db/types.js";
import { joinWindow, type JoinWindow } from "../appointments/window.js";
import { audit } from "../audit/audit.js";
import type { Actor, Deps } from "../deps.js";
import { forbidden, notFound } from "../errors.js";
import { isManager } from "../shared/permissions.js";
import type { PresenceMap, Present } from "./presence.js";

/** What the session page shows until the waiting room and video arrive (session issue). */
export interface SessionPageView {
  practice: PracticeRow;
  appointment: AppointmentRow;
  window: JoinWindow;
  therapistName: string;
  clientFirstName: string;
  /** Who has had the page open in the last 30 s (interim presence), the viewer included. */
  present: Present[];
  viewer: { kind: "staff" | "client"; id: string };
  now: number;
}

/** A client's first name: all a staff member's colleague or the page title needs. */
export const firstName = (name: string) => name.trim().split(/\s+/)[0] ?? name;

/**
 * Opens an appointment's session page: its client (client session), or its therapist, an owner or a
 * manager (staff session). Everyone else is refused. Each open is audited and marks the viewer present.
 */
export async function openSessionPage(deps: Deps, actor: Actor, presence: PresenceMap, appointmentId: string): Promise<SessionPageView> {
  if (actor.kind !== "staff" && actor.kind !== "client") throw forbidden();
  const now = deps.clock();
  const appointment = /^[A-Za-z0-9_-]{1,64}$/.test(appointmentId) ? await deps.store.appointments.byId(actor.practiceId, appointmentId) : undefined;
  if (!appointment) throw notFound("appointment", appointmentId);
  const allowed = actor.kind === "client"
    ? appointment.clientId === actor.clientId
    : appointment.therapistId === actor.staff.id || isManager(actor);
  if (!allowed) throw forbidden("only this appointment's client and therapist (or an owner or manager) may open its session");
  const practice = (await deps.store.practices.byId(actor.practiceId))!;
  const therapist = await deps.store.staff.byId(practice.id, appointment.therapistId);
  const client = await deps.store.clients.byId(practice.id, appointment.clientId, now);
  await deps.store.tx((r) => audit(r, actor, now, practice.id, "session.page.open", { type: "appointment", id: appointment.id }));
  const who = actor.kind === "client"
    ? { kind: "client" as const, id: actor.clientId, name: firstName(client?.name ?? "Client"), role: "client" }
    : { kind: "staff" as const, id: actor.staff.id, name: actor.staff.name, role: roleAt(appointment, actor.staff) };
  return {
    practice, appointment, window: joinWindow(appointment, practice, now),
    therapistName: therapist?.name ?? "(former staff member)", clientFirstName: firstName(client?.name ?? "Client"),
    present: presence.touch(appointment.id, who, now),
    viewer: { kind: who.kind, id: who.id },
    now,
  };
}

function roleAt(a: AppointmentRow, staff: { id: string; roles: string[] }): string {
  if (a.therapistId === staff.id) return "therapist";
  return staff.roles.includes("owner") ? "owner" : "manager";
}
