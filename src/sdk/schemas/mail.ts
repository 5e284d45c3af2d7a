import { z } from "zod";
import { pageOf, pageParams } from "./page.js";

export const MailStatus = z.enum(["queued", "sent", "failed"]);
export type MailStatus = z.infer<typeof MailStatus>;

export const Mail = z.object({
  id: z.string(),
  to: z.email(),
  subject: z.string(),
  status: MailStatus,
  attempts: z.number().int(),
  createdAt: z.iso.datetime(),
  sentAt: z.iso.datetime().optional(),
  nextAttemptAt: z.iso.datetime().optional(),
  lastError: z.string().optional(),
});
export type Mail = z.infer<typeof Mail>;
export const MailList = z.array(Mail);
/** One page of `GET /mail`, newest first. */
export const MailPage = pageOf(Mail);

export const MailQuery = z.strictObject({
  to: z.string().trim().max(254).optional(),
  status: MailStatus.optional(),
  ...pageParams,
});

/**
 * One mail with its text (`GET /api/v1/mail/:id`). `text` is null once the mail was delivered: the
 * body is not kept after delivery, because mail can hold single-use links (tokens live only as hashes).
 */
export const MailMessage = Mail.extend({
  text: z.string().nullable(),
});
export type MailMessage = z.infer<typeof MailMessage>;
