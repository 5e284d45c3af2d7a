/** `tele mail list [--to EMAIL] [--status S] [--limit N | --all]`, newest first. */
import { Email, MailStatus, type Mail } from "../../../sdk/schemas/index.js";
import type { MailListQuery } from "../../../sdk/resources/mail.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { formatTime } from "../../output.js";
import { printList, readPaging } from "../../paging.js";
import { checked } from "../../values.js";

/** The filters, checked locally (a malformed --to is a usage error). */
export function parseMailList(ctx: CommandContext, { flags }: RawArgs): MailListQuery {
  return {
    to: flags.to === undefined ? undefined : checked(ctx, Email, flags.to, "--to"),
    status: flags.status === undefined ? undefined : checked(ctx, MailStatus, flags.status, "--status"),
  };
}

/** Prints the mail as a table (times in the practice's zone), or the contract's mail objects. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const query = parseMailList(ctx, args);
  const paging = readPaging(ctx, args.flags);
  const tele = await ctx.tele();
  return printList(ctx, paging, (cursor, limit) => tele.mail.list({ ...query, limit, cursor }), {
    noun: "message", empty: "No mail matches.",
    table: async () => {
      const timeZone = await ctx.timeZone();
      return {
        headers: ["ID", `CREATED (${timeZone})`, "TO", "SUBJECT", "STATUS", "ATTEMPTS"],
        row: (m: Mail) => [m.id, formatTime(m.createdAt, timeZone), m.to, m.subject, statusText(m, timeZone), String(m.attempts)],
      };
    },
  });
}

function statusText(mail: Mail, timeZone: string): string {
  if (mail.status === "sent" && mail.sentAt) return `sent ${formatTime(mail.sentAt, timeZone)}`;
  if (mail.status === "queued" && mail.nextAttemptAt) return `queued, next try ${formatTime(mail.nextAttemptAt, timeZone)}`;
  if (mail.status === "failed" && mail.lastError) return `failed: ${mail.lastError}`;
  return mail.status;
}
