import { z } from "zod";
import { Appointment } from "./appointments.js";
import { Client } from "./clients.js";

/** `POST /api/v1/clients/:ref/archive`: cancel the client's upcoming appointments with it, or be refused while there are any. */
export const ArchiveClientInput = z.strictObject({
  cancelUpcoming: z.boolean().default(false),
});
export type ArchiveClientInput = z.input<typeof ArchiveClientInput>;

/** What archiving did: the client as it is now, whether it changed, and the appointments cancelled with it. */
export const ArchiveClientResult = z.object({
  client: Client,
  changed: z.boolean(),
  cancelled: z.array(z.string()),
  revokedLinks: z.number().int(),
});
export type ArchiveClientResult = z.infer<typeof ArchiveClientResult>;

/** How many upcoming appointments `tele clients show` lists (the next ones; `upcomingMore` says when there are more). */
export const UPCOMING_SHOWN = 20;

/**
 * One client as `GET /api/v1/clients/:ref` answers (and `tele clients show --json` prints): the client
 * and its next scheduled appointments, soonest first, at most UPCOMING_SHOWN (`upcomingMore` says there
 * are more). A therapist who sees only their own gets only theirs. Servers before 0.5 send neither field.
 */
export const ClientDetail = Client.extend({
  upcoming: z.array(Appointment).optional(),
  upcomingMore: z.boolean().optional(),
});
export type ClientDetail = z.infer<typeof ClientDetail>;

/** `tele clients invite` for several clients or a selection: who was sent a link, who was skipped and why. */
export const BulkInviteResult = z.object({
  invited: z.array(z.object({ clientId: z.string(), kind: z.enum(["invite", "reset"]), mailId: z.string(), expiresAt: z.iso.datetime() })),
  /** `client`: the id, or the reference as given on the command line; `reason`: the refusal's code, such as `no_email`. */
  skipped: z.array(z.object({ client: z.string(), reason: z.string(), message: z.string() })),
});
export type BulkInviteResult = z.infer<typeof BulkInviteResult>;
