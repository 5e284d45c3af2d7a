/** `tele appointments show ID`. */
import { Appointment } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { printJson } from "../../output.js";
import { appointmentId, appointmentLine, warnClientsNotReady } from "./shared.js";

/** Prints one appointment. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const id = await appointmentId(ctx, args);
  const appointment = await (await ctx.tele()).appointments.get(id);
  if (ctx.json) {
    printJson(ctx.io, Appointment, appointment);
    return 0;
  }
  ctx.io.out(`${appointmentLine(appointment, await ctx.timeZone())}\n`);
  if (appointment.telehealth && !appointment.clientReady) warnClientsNotReady(ctx, [appointment.clientId]);
  return 0;
}
