/** `tele mail retry ID [--no-wait]`: a queued or failed mail is attempted again now; a sent one is refused. */
import { Mail } from "../../../sdk/schemas/index.js";
import type { Tele } from "../../../sdk/client.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { formatTime, printJson, withProgress } from "../../output.js";
import { mailId } from "./show.js";

/** How long to wait for the attempt's outcome: doubling pauses, about six seconds in all. */
const PAUSES_MS = [200, 400, 800, 1600, 3200];

/** Makes the mail due now, then (unless --no-wait) waits briefly for the attempt and says how it went. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const id = await mailId(ctx, args);
  const tele = await ctx.tele();
  const before = await tele.mail.retry(id);
  const after = args.flags.wait === false ? before : await withProgress(ctx.io, "Trying again", outcome(tele, before));
  if (ctx.json) {
    printJson(ctx.io, Mail, after);
    return 0;
  }
  const timeZone = await ctx.timeZone();
  if (after.status === "sent") {
    ctx.io.out(`Mail ${after.id} was sent at ${formatTime(after.sentAt, timeZone)} (${timeZone}).\n`);
  } else if (after.attempts > before.attempts) {
    const next = after.nextAttemptAt ? `; next try ${formatTime(after.nextAttemptAt, timeZone)} (${timeZone})` : "";
    ctx.io.out(`Mail ${after.id} failed again: ${after.lastError ?? "unknown error"}${next}.\n`);
  } else {
    ctx.io.out(`Mail ${after.id} is due now; the server will try it in a moment ("tele mail show ${after.id}" shows how it went).\n`);
  }
  return 0;
}

/** The mail once the attempt has happened (another attempt counted, or sent), or as it stands after the pauses. */
async function outcome(tele: Tele, before: Mail): Promise<Mail> {
  let last = before;
  for (const ms of PAUSES_MS) {
    await new Promise((ok) => setTimeout(ok, ms));
    last = await tele.mail.get(before.id);
    if (last.status === "sent" || last.attempts > before.attempts) return last;
  }
  return last;
}
