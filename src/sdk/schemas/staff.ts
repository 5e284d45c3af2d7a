import { z } from "zod";
import { Email, Name } from "./common.js";

export const ROLES = ["owner", "manager", "therapist", "biller"] as const;
export const Role = z.enum(ROLES, { message: "must be one of owner, manager, therapist, biller" });
export type Role = z.infer<typeof Role>;

export const Staff = z.object({
  id: z.string(),
  name: z.string(),
  email: z.email(),
  roles: z.array(Role),
  teletherapy: z.boolean(),
  createdAt: z.iso.datetime(),
});
export type Staff = z.infer<typeof Staff>;

export const StaffList = z.array(Staff);

export const CreateStaffInput = z.strictObject({
  name: Name,
  email: Email,
  roles: z.array(Role).min(1, { message: "needs at least one role" }).max(4),
});
export type CreateStaffInput = z.infer<typeof CreateStaffInput>;

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

/** A staff invite sent by email: a link to set a browser password, single use, valid 1 hour. */
export const StaffInviteResult = z.object({
  staffId: z.string(),
  mailId: z.string(),
  expiresAt: z.iso.datetime(),
});
export type StaffInviteResult = z.infer<typeof StaffInviteResult>;
