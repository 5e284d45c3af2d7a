/** `tele staff invite STAFF`: a fresh emailed invite to set a browser password (owner or manager). */
import { StaffInviteResult } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { formatTime, printJson } from "../../output.js";
import { staffRef } from "./refs.js";

/** Sends the invite and says until when its link works. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const ref = await staffRef(ctx, args);
  // The zone for the reply is fetched before the write: a failure after it would report an invite that went out as failed.
  const timeZone = ctx.json ? "" : await ctx.timeZone();
  const result = await (await ctx.tele()).staff.invite(ref);
  if (ctx.json) {
    printJson(ctx.io, StaffInviteResult, result);
    return 0;
  }
  ctx.io.out(`Sent a staff invite to ${result.staffId}; the link works once, until ${formatTime(result.expiresAt, timeZone)} (${timeZone}).\n`);
  ctx.io.err(ctx.paintErr.dim(`Delivery status: "tele mail list".\n`));
  return 0;
}
