/** `tele mail show ID`: one outgoing mail's headers and text, links printed whole. */
import { Id, MailMessage, type Mail } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { newTele } from "../../context.js";
import { formatTime, printable, printJson } from "../../output.js";
import { checked, required } from "../../values.js";

/** What stands in for a delivered mail's text: it is not kept after delivery. */
export const BODY_REMOVED = "(body removed after delivery: mail can hold single-use links, so its text is not kept once sent)";

/** The mail id from the first positional, asked for on a terminal when missing. */
export async function mailId(ctx: CommandContext, args: RawArgs): Promise<string> {
  const value = await required(ctx, args.positionals[0], "ID (a mail id)", "Mail id", { schema: Id });
  return checked(ctx, Id, value, "ID");
}

/** Prints the headers, a blank line and the text, each line whole (a terminal may wrap it; we never do). */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const id = await mailId(ctx, args);
  await ctx.tele(); // the usual checks of the connection and their messages
  const { url, token } = await ctx.connection();
  // The text's own line breaks are kept: each line is made printable by itself, not the whole body at once.
  const mail = await (await newTele(url!, token!, true)).mail.get(id);
  if (ctx.json) {
    printJson(ctx.io, MailMessage, mail);
    return 0;
  }
  const timeZone = await ctx.timeZone();
  const rows = headerRows(mail, timeZone).map(([k, v]) => [k, printable(v)]);
  const width = Math.max(...rows.map(([k]) => k!.length));
  for (const [k, v] of rows) ctx.io.out(`${ctx.paint.bold(`${k}:`.padEnd(width + 1))} ${v}\n`);
  ctx.io.out("\n");
  if (mail.text === null) ctx.io.out(`${BODY_REMOVED}\n`);
  else ctx.io.out(`${mail.text.replace(/\r\n/g, "\n").split("\n").map(printable).join("\n").replace(/\n*$/, "")}\n`);
  return 0;
}

/** The headers a person checks: who, what, and where delivery stands (times in the practice's zone). */
export function headerRows(mail: Mail, timeZone: string): [string, string][] {
  const at = (iso: string) => `${formatTime(iso, timeZone)} (${timeZone})`;
  const rows: [string, string][] = [["ID", mail.id], ["To", mail.to], ["Subject", mail.subject], ["Status", mail.status], ["Attempts", String(mail.attempts)], ["Created", at(mail.createdAt)]];
  if (mail.sentAt) rows.push(["Sent", at(mail.sentAt)]);
  if (mail.status !== "sent" && mail.nextAttemptAt) rows.push(["Next try", at(mail.nextAttemptAt)]);
  if (mail.lastError) rows.push(["Last error", mail.lastError]);
  return rows;
}
