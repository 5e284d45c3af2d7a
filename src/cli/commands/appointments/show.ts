/** `tele appointments show ID`. */
import { Appointment } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { printJson } from "../../output.js";
import { appointmentId, appointmentLine, warnClientsNotReady } from "./shared.js";
import { locationText } from "./licensure.js";

/** Prints one appointment. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const id = await appointmentId(ctx, args);
  const appointment = await (await ctx.tele()).appointments.get(id);
  if (ctx.json) {
    printJson(ctx.io, Appointment, appointment);
    return 0;
  }
  ctx.io.out(`${appointmentLine(appointment, await ctx.timeZone())}\n`);
  // R25, R27, R28: licensure, where the client was at the session, and the billing codes once completed.
  const licensure = { ok: "licensed in the client's state", unlicensed_state: "NOT licensed in the client's state", unknown: "unknown (no licensed states recorded)" }[appointment.licensure];
  ctx.io.out(`  Licensure: ${licensure}\n`);
  const loc = appointment.session?.location;
  if (appointment.telehealth) ctx.io.out(`  Client's location: ${loc ? locationText(loc) : "not given yet"}\n`);
  if (appointment.billing) ctx.io.out(`  Billing: place of service ${appointment.billing.placeOfService}, modifier ${appointment.billing.modifier}\n`);
  if (appointment.telehealth && !appointment.clientReady) warnClientsNotReady(ctx, [appointment.clientId]);
  return 0;
}
