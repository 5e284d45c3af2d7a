import type { AppointmentRow, PracticeRow } from "../../db/types.js";
import type { Actor, Deps } from "../deps.js";
import { forbidden, notFound } from "../errors.js";
import { mayChangeFor } from "../shared/permissions.js";

/** Which side of a session someone is on: the provider (therapist, owner, manager) or the client. */
export type SessionRole = "provider" | "client";

/** Who is connected, as the session page shows them. */
export interface Present {
  kind: "staff" | "client";
  id: string;
  /** The staff member's name, or the client's first name. */
  name: string;
  /** therapist, owner, manager, or client. */
  role: string;
}

export interface SessionAccess {
  practice: PracticeRow;
  appointment: AppointmentRow;
  /** Decided by the server from who is signed in, never by the page. */
  role: SessionRole;
  who: Present;
  therapistName: string;
  clientFirstName: string;
}

/** A client's first name: all a staff member's colleague or the page title needs. */
export const firstName = (name: string) => name.trim().split(/\s+/)[0] ?? name;

export const isAppointmentId = (id: unknown): id is string => typeof id === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(id);

/**
 * The session page's access rule, shared by the page, its event stream and the end button: the
 * appointment's client (client session), or its therapist, an owner or a manager (staff session).
 */
export async function sessionAccess(deps: Deps, actor: Actor, appointmentId: string): Promise<SessionAccess> {
  if (actor.kind !== "staff" && actor.kind !== "client") throw forbidden();
  const appointment = isAppointmentId(appointmentId) ? await deps.store.appointments.byId(actor.practiceId, appointmentId) : undefined;
  if (!appointment) throw notFound("appointment", appointmentId);
  const allowed = actor.kind === "client"
    ? appointment.clientId === actor.clientId
    : mayChangeFor(actor, appointment.therapistId);
  if (!allowed) throw forbidden("only this appointment's client and therapist (or an owner or manager) may open its session");
  const practice = (await deps.store.practices.byId(actor.practiceId))!;
  const therapist = await deps.store.staff.byId(practice.id, appointment.therapistId);
  const client = await deps.store.clients.byId(practice.id, appointment.clientId, deps.clock());
  const clientFirstName = firstName(client?.name ?? "Client");
  const who: Present = actor.kind === "client"
    ? { kind: "client", id: actor.clientId, name: clientFirstName, role: "client" }
    : { kind: "staff", id: actor.staff.id, name: actor.staff.name, role: roleAt(appointment, actor.staff) };
  return {
    practice, appointment, role: actor.kind === "client" ? "client" : "provider", who,
    therapistName: therapist?.name ?? "(former staff member)", clientFirstName,
  };
}

function roleAt(a: AppointmentRow, staff: { id: string; roles: string[] }): string {
  if (a.therapistId === staff.id) return "therapist";
  return staff.roles.includes("owner") ? "owner" : "manager";
}
