import { z } from "zod";
import { AppointmentStatus, LocalOrUtcDateTime } from "./appointments.js";

/** `GET /appointments/export`: a bounded range (at most 366 days), read in the practice's zone; csv (default) or json. */
export const ExportQuery = z.strictObject({
  from: LocalOrUtcDateTime,
  to: LocalOrUtcDateTime,
  format: z.enum(["csv", "json"], { message: "must be csv or json" }).default("csv"),
});
export type ExportQuery = z.input<typeof ExportQuery>;

/**
 * One appointment as a biller needs it for a claim (R28): no client name, email or phone. `date` and
 * `startTime` are in the practice's time zone; `actualMinutes` is null unless a session ran with both present.
 */
export const ExportRecord = z.object({
  appointmentId: z.string(),
  date: z.string(),
  startTime: z.string(),
  therapistId: z.string(),
  therapistName: z.string(),
  clientId: z.string(),
  scheduledMinutes: z.number().int(),
  actualMinutes: z.number().int().nullable(),
  status: AppointmentStatus,
  telehealth: z.boolean(),
  placeOfService: z.string().nullable(),
  modifier: z.string().nullable(),
  clientState: z.string().nullable(),
});
export type ExportRecord = z.infer<typeof ExportRecord>;
export const ExportList = z.array(ExportRecord);

/** The CSV's columns, in order (snake_case, as the import files are). */
export const EXPORT_COLUMNS = [
  "appointment_id", "date", "start_time", "therapist_id", "therapist_name", "client_id", "scheduled_minutes", "actual_minutes",
  "status", "telehealth", "place_of_service", "modifier", "client_state",
] as const;

/** The longest range one export covers. */
export const EXPORT_MAX_DAYS = 366;
