/** `tele staff enable STAFF`: Teletherapy on (R2: owner or manager; the staff member must be a therapist). */
import { TeletherapyChange } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { printJson } from "../../output.js";
import { staffLabel, staffRef } from "./refs.js";

/** Enables Teletherapy and says whether anything changed. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const ref = await staffRef(ctx, args);
  const change = await (await ctx.tele()).staff.enableTeletherapy(ref);
  if (ctx.json) {
    printJson(ctx.io, TeletherapyChange, change);
    return 0;
  }
  const verb = change.changed ? "Teletherapy enabled for" : "Teletherapy was already enabled for";
  ctx.io.out(`${verb} ${staffLabel(change.staff)}.\n`);
  return 0;
}
