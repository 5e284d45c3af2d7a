import { Appointment, CancelInput, RescheduleInput, SetStatusInput } from "../../../sdk/schemas/index.js";
import { cancelAppointment, setAppointmentStatus } from "../../domain/appointments/cancel.js";
import { rescheduleAppointment } from "../../domain/appointments/reschedule.js";
import type { Deps } from "../../domain/deps.js";
import type { RouteTable } from "../route.js";

/** The appointment's life (R22, R24; issue 11): cancel, reschedule, a manager's status correction. */
export function lifecycleRoutes(t: RouteTable, deps: Deps): void {
  const tag = "appointments";
  t.add({ method: "POST", access: "change", url: "/appointments/:id/cancel", operationId: "cancelAppointment", problems: [409], tag,
    summary: "Cancel an appointment: every link to its session stops working and open session pages are told (R22)",
    body: CancelInput, reply: Appointment, handler: ({ actor, params, body }) => cancelAppointment(deps, actor, params.id!, body) });
  t.add({ method: "POST", access: "change", url: "/appointments/:id/reschedule", operationId: "rescheduleAppointment", problems: [409, 422], tag,
    summary: "Move an appointment to a new time: same id and session page; R4, R5, past and overlap rules checked again (R22)",
    body: RescheduleInput, reply: Appointment, handler: ({ actor, params, body }) => rescheduleAppointment(deps, actor, params.id!, body) });
  t.add({ method: "POST", access: "manage", url: "/appointments/:id/status", operationId: "setAppointmentStatus", problems: [409], tag,
    summary: "Correct an appointment's outcome (completed, no_show, cancelled): owners and managers (R24)",
    body: SetStatusInput, reply: Appointment, handler: ({ actor, params, body }) => setAppointmentStatus(deps, actor, params.id!, body) });
}
