/** `tele mail list [--to EMAIL] [--status S]`. */
import { Email, MailList, MailStatus, type Mail } from "../../../sdk/schemas/index.js";
import type { MailListQuery } from "../../../sdk/resources/mail.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { formatTime, note, printJson, table } from "../../output.js";
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
  const mail = await (await ctx.tele()).mail.list(query);
  if (ctx.json) {
    printJson(ctx.io, MailList, mail);
    return 0;
  }
  if (mail.length === 0) {
    note(ctx.io, "No mail matches.");
    return 0;
  }
  const timeZone = await ctx.timeZone();
  const rows = mail.map((m) => [m.id, formatTime(m.createdAt, timeZone), m.to, m.subject, statusText(m, timeZone), String(m.attempts)]);
  ctx.io.out(table(ctx.paint, ["ID", `CREATED (${timeZone})`, "TO", "SUBJECT", "STATUS", "ATTEMPTS"], rows));
  return 0;
}

function statusText(mail: Mail, timeZone: string): string {
  if (mail.status === "sent" && mail.sentAt) return `sent ${formatTime(mail.sentAt, timeZone)}`;
  if (mail.status === "queued" && mail.nextAttemptAt) return `queued, next try ${formatTime(mail.nextAttemptAt, timeZone)}`;
  if (mail.status === "failed" && mail.lastError) return `failed: ${mail.lastError}`;
  return mail.status;
}
