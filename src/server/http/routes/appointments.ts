import {
  Appointment, AppointmentImportQuery, AppointmentPage, AppointmentQuery, ConversionResult, ConvertInput, CreateAppointmentInput, ImportResult, SignInLink,
  UpdateAppointmentInput, ExportList, ExportQuery,
} from "../../../sdk/schemas/index.js";
import { Readable } from "node:stream";
import { lifecycleRoutes } from "./appointment-lifecycle.js";
import { convertAppointments } from "../../domain/appointments/convert.js";
import { exportAppointments } from "../../domain/export/appointments.js";
import { createAppointment, getAppointment, listAppointments, setTelehealth } from "../../domain/appointments/service.js";
import type { Deps } from "../../domain/deps.js";
import { importAppointments } from "../../domain/import/appointments.js";
import { mintSignInLink } from "../../domain/sessions/sign-in-link.js";
import type { RouteTable } from "../route.js";
import { csvText } from "../csv-upload.js";

export function appointmentRoutes(t: RouteTable, deps: Deps): void {
  const tag = "appointments";
  t.add({ method: "GET", access: "see", url: "/appointments", operationId: "listAppointments", problems: [404], tag, summary: "List appointments, one page at a time, in start order", query: AppointmentQuery, reply: AppointmentPage,
    handler: ({ actor, query }) => listAppointments(deps, actor, query) });
  t.add({ method: "POST", access: "change", url: "/appointments", operationId: "createAppointment", problems: [404, 409, 422], tag, summary: "Schedule an appointment (R4, R5)", body: CreateAppointmentInput, reply: Appointment,
    status: 201, handler: ({ actor, body }) => createAppointment(deps, actor, body) });
  t.add({ method: "POST", access: "change", url: "/appointments/convert", operationId: "convertAppointments", problems: [404], tag, summary: "Bulk conversion to telehealth or back (R8)", body: ConvertInput,
    reply: ConversionResult, bodyLimit: 16 * 1024 * 1024, handler: ({ actor, body }) => convertAppointments(deps, actor, body) });
  t.add({ method: "POST", access: "manage", url: "/appointments/import", operationId: "importAppointments", tag, summary: "Import appointments from CSV, all or nothing", csv: true,
    query: AppointmentImportQuery, reply: ImportResult, problems: [413],
    handler: ({ actor, body, query }) => {
      const q = AppointmentImportQuery.parse(query);
      return importAppointments(deps, actor, csvText(body), q.dryRun === "true", { allowPast: q.allowPast === "true", allowOverlap: q.allowOverlap === "true", notify: q.notify === "true" });
    } });
  t.add({ method: "GET", access: "see", url: "/appointments/export", operationId: "exportAppointments", tag,
    summary: "What a biller needs for claims (R28), streamed as CSV (default) or JSON: at most 366 days; a therapist gets only their own",
    query: ExportQuery, reply: ExportList,
    handler: async ({ actor, query, reply }) => {
      const out = await exportAppointments(deps, actor, query);
      reply.type(out.format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8");
      reply.header("content-disposition", `attachment; filename="appointments.${out.format}"`);
      return Readable.from(out.chunks);
    } });
  t.add({ method: "GET", access: "see", url: "/appointments/:id", operationId: "getAppointment", tag, summary: "One appointment", reply: Appointment,
    handler: ({ actor, params }) => getAppointment(deps, actor, params.id!) });
  t.add({ method: "PATCH", access: "change", url: "/appointments/:id", operationId: "updateAppointment", problems: [409, 422], tag, summary: "Convert one appointment to telehealth or back (R7)", body: UpdateAppointmentInput,
    reply: Appointment, handler: ({ actor, params, body }) => setTelehealth(deps, actor, params.id!, body) });
  t.add({ method: "POST", access: "change", url: "/appointments/:id/sign-in-link", operationId: "createSignInLink", tag,
    summary: "A single-use browser sign-in link (2 minutes) to the appointment's session page: its therapist, an owner or a manager",
    reply: SignInLink, status: 201, secretReply: true, handler: ({ actor, params }) => mintSignInLink(deps, actor, params.id!) });
  lifecycleRoutes(t, deps);
}
