/**
 * The appointment's life (R22, R24; issue 11): cancel, reschedule, and a manager's correction of a
 * status. Each change tells the client unless `notify` is false (the notifications' entry point is
 * src/server/domain/appointments/changes.ts).
 */
import { z } from "zod";
import { StartDateTime } from "./appointments.js";

/** The reason a session that completed by itself records when the client waited and the provider never came (R24). */
export const PROVIDER_ABSENT = "provider_absent";

export const CancelInput = z.strictObject({
  /** Kept on the appointment (`cancelReason`); shown to staff, never sent to the client. */
  reason: z.string().trim().min(1, { message: "must not be empty" }).max(500, { message: "must be at most 500 characters" }).optional(),
  /** Tell the client (the default); false skips the cancellation mail. */
  notify: z.boolean().default(true),
});
export type CancelInput = z.input<typeof CancelInput>;

export const RescheduleInput = z.strictObject({
  start: StartDateTime,
  /** The new length; the current one when absent. */
  durationMinutes: z.number().int().min(5, { message: "must be at least 5 minutes" }).max(24 * 60, { message: "must be at most 1440 minutes (a day)" }).optional(),
  allowPast: z.boolean().default(false),
  allowOverlap: z.boolean().default(false),
  notify: z.boolean().default(true),
});
export type RescheduleInput = z.input<typeof RescheduleInput>;

/** What a manager may set a status to: the outcomes of an appointment (R24's corrections). */
export const SETTABLE_STATUSES = ["completed", "no_show", "cancelled"] as const;

export const SetStatusInput = z.strictObject({
  status: z.enum(SETTABLE_STATUSES, { message: "must be completed, no_show or cancelled" }),
  /** For `cancelled`: why (kept as `cancelReason`). */
  reason: z.string().trim().min(1, { message: "must not be empty" }).max(500, { message: "must be at most 500 characters" }).optional(),
});
export type SetStatusInput = z.input<typeof SetStatusInput>;
