import { z } from "zod";
import { Id, IsoDateTime, Ref } from "./common.js";
import { pageOf, pageParams } from "./page.js";

export const APPOINTMENT_STATUSES = ["scheduled", "completed", "cancelled", "no_show"] as const;
export const AppointmentStatus = z.enum(APPOINTMENT_STATUSES);
export type AppointmentStatus = z.infer<typeof AppointmentStatus>;

/** R27: where the client is at the session: `home` / `elsewhere` in a U.S. state or territory, or `outside_us` (state null). */
export const LOCATION_PLACES = ["home", "elsewhere", "outside_us"] as const;
export const SessionLocation = z.object({
  state: z.string().nullable(),
  place: z.enum(LOCATION_PLACES),
  /** A phone number to reach the client if the call drops. */
  callbackPhone: z.string().nullable(),
  at: z.iso.datetime(),
});
export type SessionLocation = z.infer<typeof SessionLocation>;

/** R25 on one appointment: the client's state (at the session when they said, else their residence) against the therapist's. */
export const LICENSURE_STATUSES = ["ok", "unlicensed_state", "unknown"] as const;

/** R28: CMS place of service (10 the patient's home, 02 elsewhere) and modifier (95 audio and video, 93 audio only). */
export const Billing = z.object({ placeOfService: z.enum(["10", "02"]), modifier: z.enum(["95", "93"]) });
export type Billing = z.infer<typeof Billing>;

/** `cancelled`: the appointment was cancelled (issue 11); its session cannot be joined and its links are dead. */
export const SESSION_STATES = ["not_open", "open", "waiting", "live", "completed", "cancelled"] as const;

/**
 * A telehealth appointment's session (R13, R18): its state, and once someone joined, when it actually
 * started (both present) and ended, and how long each side was present.
 */
export const AppointmentSession = z.object({
  state: z.enum(SESSION_STATES),
  startedAt: z.iso.datetime().optional(),
  endedAt: z.iso.datetime().optional(),
  providerPresentMs: z.number().int().nonnegative().optional(),
  clientPresentMs: z.number().int().nonnegative().optional(),
  /** The video provider that ran the session (R29): tele's own WebRTC or Zoom. */
  video: z.enum(["builtin", "zoom"]).optional(),
  /** Whether the call was switched to audio only (for an ended session: it ended audio-only). */
  audioOnly: z.boolean().optional(),
  /** Where the client said they were before entering the waiting room (R27); absent until they said. */
  location: SessionLocation.optional(),
});
export type AppointmentSession = z.infer<typeof AppointmentSession>;

export const Appointment = z.object({
  id: z.string(),
  therapistId: z.string(),
  clientId: z.string(),
  start: z.iso.datetime(),
  end: z.iso.datetime(),
  telehealth: z.boolean(),
  status: AppointmentStatus,
  /** R6: the client has an email address and an active portal account, so they can join. */
  clientReady: z.boolean(),
  createdAt: z.iso.datetime(),
  /** Why a cancelled appointment was cancelled: the canceller's reason, or `provider_absent` (R24). */
  cancelReason: z.string().optional(),
  /** R25: whether the therapist is licensed in the client's state (telehealth: at the session, else of residence; in person: the practice's). */
  licensure: z.enum(LICENSURE_STATUSES).default("unknown"),
  /** R28: recorded when a telehealth session completes with the client's location known. */
  billing: Billing.optional(),
  /** Telehealth appointments only. */
  session: AppointmentSession.optional(),
  /** In lists: the therapist's and the client's names, so a reader sees people, not ids (issue 10). */
  therapistName: z.string().optional(),
  clientName: z.string().optional(),
});
export type Appointment = z.infer<typeof Appointment>;
/** Appointments as the CLI prints them with --json: one array. */
export const AppointmentList = z.array(Appointment);
/** One page of `GET /appointments`. */
export const AppointmentPage = pageOf(Appointment);

/**
 * A point in time as the API accepts it: ISO 8601 with an offset, or without one, read in the
 * practice's time zone (R9). A bare date means the start of that day.
 */
export const LocalOrUtcDateTime = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/, {
    message: "must be an ISO 8601 date or date-time, such as 2026-12-01 or 2026-12-01T15:00",
  });

/**
 * An appointment's start: a date and a time (a bare date is not a start), with an offset or read in
 * the practice's zone. A time the zone skips or passes twice is refused by the server (R9).
 */
export const StartDateTime = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:?\d{2})?$/, {
    message: "must be a date and a time, such as 2026-12-03T15:00 (ISO 8601; an offset such as -05:00 is optional)",
  });

export const CreateAppointmentInput = z.strictObject({
  therapist: Ref,
  client: Ref,
  start: StartDateTime,
  durationMinutes: z.number().int().min(5, { message: "must be at least 5 minutes" }).max(24 * 60, { message: "must be at most 1440 minutes (a day)" }),
  telehealth: z.boolean().default(false),
  /** Schedule even though the start has passed (recording past sessions); refused with `start_in_past` otherwise. */
  allowPast: z.boolean().default(false),
  /** Schedule even though it overlaps another scheduled appointment of the therapist or client (group or back-to-back work). */
  allowOverlap: z.boolean().default(false),
  /** Email the client a confirmation with a calendar file when it is telehealth (R23); false skips it. */
  notify: z.boolean().default(true),
});
export type CreateAppointmentInput = z.input<typeof CreateAppointmentInput>;

const boolParam = z
  .union([z.boolean(), z.enum(["true", "false"])])
  .transform((v) => v === true || v === "true");

export const AppointmentQuery = z.strictObject({
  therapist: Ref.optional(),
  client: Ref.optional(),
  from: LocalOrUtcDateTime.optional(),
  to: LocalOrUtcDateTime.optional(),
  telehealth: boolParam.optional(),
  status: AppointmentStatus.optional(),
  /** Start order: "asc" (the default, soonest first) or "desc" (latest first, e.g. the past). */
  order: z.enum(["asc", "desc"]).optional(),
  ...pageParams,
});
export type AppointmentQuery = z.input<typeof AppointmentQuery>;

/** One appointment to telehealth or back (R7). */
export const UpdateAppointmentInput = z.strictObject({
  telehealth: z.boolean(),
  /** Email the client of the change with a calendar file (R23); false skips it. */
  notify: z.boolean().default(true),
});

/** Bulk conversion (R8): a selection, a direction, and whether to only look. */
export const ConvertInput = z
  .strictObject({
    ids: z.array(Id).max(200_000).optional(),
    therapist: Ref.optional(),
    client: Ref.optional(),
    from: LocalOrUtcDateTime.optional(),
    to: LocalOrUtcDateTime.optional(),
    /** true: to telehealth (the default); false: back to in-person. */
    telehealth: z.boolean().default(true),
    dryRun: z.boolean().default(false),
    inviteMissing: z.boolean().default(false),
    /** Email each client of the change with a calendar file (R23); off unless asked for in bulk. */
    notify: z.boolean().default(false),
  })
  .refine((v) => v.ids?.length || v.therapist || v.client || v.from || v.to, {
    message: "choose appointments by ids, therapist, client or date range",
  });
export type ConvertInput = z.input<typeof ConvertInput>;

export const SKIP_REASONS = [
  "already_telehealth",
  "already_in_person",
  "not_convertible",
  "teletherapy_not_enabled",
  "not_us_resident",
  "not_licensed_in_state",
] as const;

/** R25 under `warn`: an appointment that went ahead although its therapist is not licensed in the client's state. */
export const LicensureWarning = z.object({
  id: z.string(),
  code: z.literal("unlicensed_state"),
  therapistId: z.string(),
  state: z.string(),
});
export type LicensureWarning = z.infer<typeof LicensureWarning>;

export const ConversionResult = z.object({
  dryRun: z.boolean(),
  matched: z.number().int(),
  converted: z.array(z.string()),
  skipped: z.array(z.object({ id: z.string(), reason: z.enum(SKIP_REASONS) })),
  clientsNotReady: z.array(z.string()),
  invitesSent: z.array(z.string()),
  /** R25 under `warn`: converted (or, in a dry run, to be converted) although unlicensed in the client's state. */
  warnings: z.array(LicensureWarning).default([]),
});
export type ConversionResult = z.infer<typeof ConversionResult>;

const flagParam = z.enum(["true", "false"]).optional();

/** The query of `POST /appointments/import`: a dry run, and whether past or overlapping rows are accepted (issue 10). */
export const AppointmentImportQuery = z.strictObject({ dryRun: flagParam, allowPast: flagParam, allowOverlap: flagParam, notify: flagParam });

export const ImportResult = z.object({
  dryRun: z.boolean(),
  rows: z.number().int(),
  created: z.number().int(),
  errors: z.array(z.object({ line: z.number().int(), message: z.string() })),
  /** Bad rows beyond those listed in `errors` (the first 1,000 by line are listed); absent when none. */
  moreErrors: z.number().int().optional(),
  /** R25 under `warn` (appointment imports): rows imported although the therapist is not licensed in the client's state. */
  warnings: z.array(z.object({ line: z.number().int(), code: z.literal("unlicensed_state"), therapistId: z.string(), state: z.string() })).optional(),
});
export type ImportResult = z.infer<typeof ImportResult>;

/**
 * `tele sessions open`: a browser sign-in link for the signed-in staff member that lands on the
 * appointment's session page. It works once, within `expiresAt` (2 minutes); treat it as a password.
 */
export const SignInLink = z.object({
  url: z.string(),
  expiresAt: z.iso.datetime(),
});
export type SignInLink = z.infer<typeof SignInLink>;
