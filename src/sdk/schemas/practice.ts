import { z } from "zod";
import { Email, Name, StateCode, TimeZone } from "./common.js";
import { Staff } from "./staff.js";

export const Practice = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  state: z.string(),
  timeZone: z.string(),
  joinWindowMinutes: z.number().int(),
  portalUrl: z.string(),
});
export type Practice = z.infer<typeof Practice>;

export const CreatePracticeInput = z.strictObject({
  name: Name,
  slug: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$/, { message: "must be lowercase letters, digits and dashes" }).optional(),
  state: StateCode,
  timeZone: TimeZone,
  ownerName: Name,
  ownerEmail: Email,
});
export type CreatePracticeInput = z.infer<typeof CreatePracticeInput>;

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
