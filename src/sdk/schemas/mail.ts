import { z } from "zod";

export const MailStatus = z.enum(["queued", "sent", "failed"]);
export type MailStatus = z.infer<typeof MailStatus>;

export const Mail = z.object({
  id: z.string(),
  to: z.string(),
  subject: z.string(),
  status: MailStatus,
  attempts: z.number().int(),
  createdAt: z.string(),
  sentAt: z.string().optional(),
  nextAttemptAt: z.string().optional(),
  lastError: z.string().optional(),
});
export type Mail = z.infer<typeof Mail>;
export const MailList = z.array(Mail);

export const MailQuery = z.strictObject({
  to: z.string().trim().max(254).optional(),
  status: MailStatus.optional(),
});
