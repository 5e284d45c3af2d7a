import { z } from "zod";
import { Email, Name, StateCode } from "./common.js";
import { pageOf, pageParams } from "./page.js";

export const ROLES = ["owner", "manager", "therapist", "biller"] as const;
export const Role = z.enum(ROLES, { message: "must be one of owner, manager, therapist, biller" });
export type Role = z.infer<typeof Role>;

/** State codes a staff member is licensed in: U.S. states and territories, each once, upper-cased and sorted. */
export const LicensedIn = z
  .array(StateCode)
  .max(56)
  .transform((codes) => [...new Set(codes)].sort());

export const Staff = z.object({
  id: z.string(),
  name: z.string(),
  email: z.email(),
  roles: z.array(Role),
  teletherapy: z.boolean(),
  /** The U.S. states and territories the staff member is licensed in (R25), sorted; [] when none is recorded (or from a server before 0.5). */
  licensedIn: z.array(z.string()).default([]),
  /** False once deactivated (`tele staff deactivate`): no sign-in, no tokens; history kept. */
  active: z.boolean(),
  createdAt: z.iso.datetime(),
  deactivatedAt: z.iso.datetime().optional(),
});
export type Staff = z.infer<typeof Staff>;

export const StaffList = z.array(Staff);
/** One page of `GET /staff`, by name. */
export const StaffPage = pageOf(Staff);
export const StaffQuery = z.strictObject({ ...pageParams });
export type StaffQuery = z.input<typeof StaffQuery>;

export const CreateStaffInput = z.strictObject({
  name: Name,
  email: Email,
  roles: z.array(Role).min(1, { message: "needs at least one role" }).max(4),
});
export type CreateStaffInput = z.infer<typeof CreateStaffInput>;

/**
 * A change to a staff member (`PATCH /api/v1/staff/:ref`): only the fields given change; `roles`
 * replaces the whole set. Only an owner grants or removes the owner role.
 */
export const UpdateStaffInput = z.strictObject({
  name: Name.optional(),
  email: Email.optional(),
  roles: z.array(Role).min(1, { message: "needs at least one role" }).max(4).optional(),
  /** The states the staff member is licensed in (R25): replaces the whole set; [] clears it. */
  licensedIn: LicensedIn.optional(),
});
export type UpdateStaffInput = z.input<typeof UpdateStaffInput>;

/** R3: what to do with upcoming telehealth appointments when Teletherapy is disabled. */
export const DisableTeletherapyInput = z.strictObject({
  upcoming: z.enum(["refuse", "convert_to_in_person"]).default("refuse"),
});
export type DisableTeletherapyInput = z.infer<typeof DisableTeletherapyInput>;

export const TeletherapyChange = z.object({
  staff: Staff,
  changed: z.boolean(),
  /** Upcoming telehealth appointments converted back to in-person (R3). */
  convertedToInPerson: z.array(z.string()),
});
export type TeletherapyChange = z.infer<typeof TeletherapyChange>;

export const ApiToken = z.object({
  token: z.string(),
  id: z.string(),
  staffId: z.string(),
  createdAt: z.iso.datetime(),
});
export type ApiToken = z.infer<typeof ApiToken>;

/** An API token as listed: its id and times, never the token (ids are random, not derived from it). */
export const ApiTokenInfo = z.object({
  id: z.string(),
  staffId: z.string(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  active: z.boolean(),
});
export type ApiTokenInfo = z.infer<typeof ApiTokenInfo>;
export const ApiTokenList = z.array(ApiTokenInfo);

/** `POST /tokens/:id/revoke`: the token afterwards; `changed` is false when it was already revoked. */
export const TokenRevocation = z.object({ token: ApiTokenInfo, changed: z.boolean() });
export type TokenRevocation = z.infer<typeof TokenRevocation>;

/** `POST /staff/:ref/deactivate`: what was cut off. `changed` is false when already deactivated. */
export const Deactivation = z.object({
  staff: Staff,
  changed: z.boolean(),
  revokedTokens: z.array(z.string()),
  endedWebSessions: z.number().int(),
  revokedLinks: z.number().int(),
});
export type Deactivation = z.infer<typeof Deactivation>;

/** A staff invite sent by email: a link to set a browser password, single use, valid 1 hour. */
export const StaffInviteResult = z.object({
  staffId: z.string(),
  mailId: z.string(),
  expiresAt: z.iso.datetime(),
});
export type StaffInviteResult = z.infer<typeof StaffInviteResult>;
