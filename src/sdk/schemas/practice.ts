import { z } from "zod";
import { Email, hasUnprintable, Name, StateCode, TimeZone, UNPRINTABLE_MESSAGE } from "./common.js";
import { Staff } from "./staff.js";

/**
 * How clients reach the practice: a phone number or an email address, free text on one line,
 * shown on the session page when video cannot start. Trimmed; an empty string means none (null).
 */
export const PracticeContact = z
  .string({ error: (issue) => (issue.input === undefined ? "is required: text, or null to clear it" : "must be text") })
  .trim()
  .max(200, { message: "must be at most 200 characters" })
  .refine((s) => !hasUnprintable(s), { message: UNPRINTABLE_MESSAGE })
  .transform((s) => (s === "" ? null : s))
  .meta({ description: "a phone number or an email address, one line, at most 200 characters; empty or null means none" });

export const LICENSURE_SETTINGS = ["off", "warn", "refuse"] as const;
export const LicensureSetting = z.enum(LICENSURE_SETTINGS, { message: "must be off, warn or refuse" });
export type LicensureSetting = z.infer<typeof LicensureSetting>;

export const Practice = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  state: z.string(),
  timeZone: z.string(),
  joinWindowMinutes: z.number().int(),
  /** Minutes after its end that a session nobody ended is completed on its own (R18). */
  autoCompleteMinutes: z.number().int(),
  portalUrl: z.string(),
  /** How clients reach the practice, or null when it has not been set. */
  contact: z.string().nullable(),
  /** R25: what happens to a telehealth appointment whose client is in a state the therapist is not licensed in. */
  licensure: z.enum(["off", "warn", "refuse"]).default("warn"),
  /** Reminders before each telehealth appointment, in minutes before its start, largest first (R23); empty: none. */
  reminderMinutes: z.array(z.number().int()),
});
export type Practice = z.infer<typeof Practice>;

export const CreatePracticeInput = z.strictObject({
  name: Name,
  slug: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$/, { message: "must be lowercase letters, digits and dashes" }).optional(),
  state: StateCode,
  timeZone: TimeZone,
  ownerName: Name,
  ownerEmail: Email,
  contact: PracticeContact.nullable().optional(),
});
export type CreatePracticeInput = z.infer<typeof CreatePracticeInput>;

/** Reminder offsets (R23): up to 5 distinct, each from 5 minutes to 7 days; kept largest first. */
export const ReminderMinutes = z
  .array(z.number().int({ message: "must be whole minutes" }).min(5, { message: "must be 5 minutes to 7 days" }).max(10_080, { message: "must be 5 minutes to 7 days" }))
  .max(5, { message: "at most 5 reminders" })
  .refine((a) => new Set(a).size === a.length, { message: "must not repeat an offset" })
  .transform((a) => [...a].sort((x, y) => y - x));

/** The practice's settings an owner or manager may change (`PATCH /api/v1/practice`). */
export const UpdatePracticeInput = z
  .strictObject({
    name: Name.optional(),
    timeZone: TimeZone.optional(),
    contact: PracticeContact.nullable().optional(),
    /** How long before the start the Join button opens (R13): 0 to 120 minutes. */
    joinWindowMinutes: z.number().int({ message: "must be a whole number of minutes" }).min(0, { message: "must be 0 to 120 minutes" }).max(120, { message: "must be 0 to 120 minutes" }).optional(),
    /** How long after its end an open session is completed on its own (R18): 5 to 1440 minutes. */
    autoCompleteMinutes: z.number().int({ message: "must be a whole number of minutes" }).min(5, { message: "must be 5 to 1440 minutes" }).max(1440, { message: "must be 5 to 1440 minutes" }).optional(),
    /** R25: off (not checked), warn (flagged, goes ahead) or refuse (422 not_licensed_in_state). */
    licensure: LicensureSetting.optional(),
    /** Reminders before each telehealth appointment (R23), minutes before the start; [] turns them off. */
    reminderMinutes: ReminderMinutes.optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: "give at least one setting: name, timeZone, contact, joinWindowMinutes, autoCompleteMinutes, licensure or reminderMinutes" });
export type UpdatePracticeInput = z.input<typeof UpdatePracticeInput>;

/** What `tele init` prints with --json. */
export const InitResult = z.object({
  practice: Practice,
  owner: Staff,
  token: z.string(),
  portalUrl: z.string(),
});
export type InitResult = z.infer<typeof InitResult>;

export const WhoAmI = z.object({ staff: Staff, practice: Practice });
export type WhoAmI = z.infer<typeof WhoAmI>;
