import { z } from "zod";
import { LocalOrUtcDateTime } from "./appointments.js";
import { PAGE_LIMIT_DEFAULT, PageLimit, pageOf, Cursor } from "./page.js";

export const AuditEntry = z.object({
  id: z.number().int(),
  at: z.iso.datetime(),
  actorType: z.enum(["staff", "client", "system", "anonymous"]),
  actorId: z.string().nullable(),
  action: z.string(),
  recordType: z.string(),
  recordId: z.string().nullable(),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
  details: z.unknown().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export const AuditList = z.array(AuditEntry);
/** One page of `GET /audit`, newest first. */
export const AuditPage = pageOf(AuditEntry);

export const AuditQuery = z.strictObject({
  recordId: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  /** Only what this staff member or client did (their id). */
  actor: z.string().max(64).optional(),
  /** Only entries at or after this time: ISO 8601, or without an offset read in the practice's zone. */
  since: LocalOrUtcDateTime.optional(),
  limit: PageLimit.default(PAGE_LIMIT_DEFAULT),
  cursor: Cursor.optional(),
});
