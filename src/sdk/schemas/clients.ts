import { z } from "zod";
import { Email, Name, oneLineText, StateCode } from "./common.js";
import { ClientConsent } from "./consent.js";
import { pageOf, pageParams } from "./page.js";

export const PortalStatus = z.enum(["none", "invited", "active"]);
export type PortalStatus = z.infer<typeof PortalStatus>;

export const Client = z.object({
  id: z.string(),
  name: z.string(),
  email: z.email().nullable(),
  /** Two-letter U.S. state or territory of residence; null when the client lives outside the U.S. (R4). */
  state: z.string().nullable(),
  phone: z.string().nullable(),
  dateOfBirth: z.string().nullable(),
  portal: z.object({
    status: PortalStatus,
    inviteExpiresAt: z.iso.datetime().optional(),
    /** With status `none`: the last invite ran out unused at this time (`tele clients invite --expired`). */
    inviteExpiredAt: z.iso.datetime().optional(),
  }),
  createdAt: z.iso.datetime(),
  /** Present once the client is archived: hidden from lists, history kept, no portal, no booking. */
  archivedAt: z.iso.datetime().optional(),
  /** The telehealth consent the client accepted (R26). */
  consent: ClientConsent,
});
export type Client = z.infer<typeof Client>;
export const ClientList = z.array(Client);
/** One page of `GET /clients`, by name. */
export const ClientPage = pageOf(Client);

/** Filters of `GET /clients` (issue 10): text in the name or email, the state, the portal status. */
export const ClientQuery = z.strictObject({
  search: oneLineText(200, 1).optional(),
  state: StateCode.optional(),
  portal: PortalStatus.optional(),
  ...pageParams,
});
export type ClientQuery = z.input<typeof ClientQuery>;

export const DateOnly = z.iso.date({ message: "must be a date, such as 1990-04-30" });

export const CreateClientInput = z.strictObject({
  name: Name,
  email: Email.nullable().optional(),
  state: StateCode.nullable().optional(),
  phone: oneLineText(40).nullable().optional(),
  dateOfBirth: DateOnly.nullable().optional(),
});
export type CreateClientInput = z.input<typeof CreateClientInput>;

/**
 * A change to a client (`PATCH /api/v1/clients/:ref`): only the fields given change; null clears
 * email, state (not a U.S. resident, R4), phone or date of birth. The name can be changed, not cleared.
 */
export const UpdateClientInput = z.strictObject({
  name: Name.optional(),
  email: Email.nullable().optional(),
  state: StateCode.nullable().optional(),
  phone: oneLineText(40).nullable().optional(),
  dateOfBirth: DateOnly.nullable().optional(),
});
export type UpdateClientInput = z.input<typeof UpdateClientInput>;

/** R10/R11: an invite for a client without an account, a reset link for one with an account. */
export const PortalInviteResult = z.object({
  clientId: z.string(),
  kind: z.enum(["invite", "reset"]),
  mailId: z.string(),
  expiresAt: z.iso.datetime(),
});
export type PortalInviteResult = z.infer<typeof PortalInviteResult>;

/** Sign-up through an invite link, or a password reset through a reset link (public endpoints). */
export const PortalPasswordInput = z.strictObject({
  token: z.string().min(16).max(200),
  password: z.string().min(10, { message: "must be at least 10 characters" }).max(200),
});
export type PortalPasswordInput = z.infer<typeof PortalPasswordInput>;

export const PortalAccount = z.object({ clientId: z.string(), practiceSlug: z.string(), status: PortalStatus });
export type PortalAccount = z.infer<typeof PortalAccount>;
