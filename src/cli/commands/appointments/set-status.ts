/** `tele appointments set-status ID STATUS [--reason TEXT]`: an owner or manager corrects an appointment's outcome (R24). */
import { Appointment, SetStatusInput } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { printJson } from "../../output.js";
import { checkedInput, required } from "../../values.js";
import { appointmentId, appointmentLine } from "./shared.js";

export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const id = await appointmentId(ctx, args);
  const status = await required(ctx, args.positionals[1], "STATUS", "Status (completed, no_show or cancelled)");
  const input = checkedInput(ctx, SetStatusInput, { status, reason: args.flags.reason }, { status: "STATUS", reason: "--reason" });
  const timeZone = ctx.json ? "" : await ctx.timeZone();
  const appointment = await (await ctx.tele()).appointments.setStatus(id, input);
  if (ctx.json) printJson(ctx.io, Appointment, appointment);
  else ctx.io.out(`Set ${appointmentLine(appointment, timeZone)}.\n`);
  return 0;
}
