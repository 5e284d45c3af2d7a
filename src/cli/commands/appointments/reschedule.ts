/**
 * `tele appointments reschedule ID --start T [--duration MIN] [--allow-past] [--allow-overlap] [--no-notify]`:
 * the same appointment (same id, same session page address) at a new time (R22). The start is read
 * as for `create` (the practice's zone; a time the clocks pass twice is asked about on a terminal).
 */
import { Appointment, RescheduleInput, StartDateTime } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { note, printJson } from "../../output.js";
import { checkedInput, required, wholeNumber } from "../../values.js";
import { appointmentId, appointmentLine } from "./shared.js";
import { exactStart } from "./start.js";

const FLAGS = { start: "--start", durationMinutes: "--duration", allowPast: "--allow-past", allowOverlap: "--allow-overlap", notify: "--no-notify" };

export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const id = await appointmentId(ctx, args);
  const { flags } = args;
  const start = await required(ctx, flags.start, "--start", "New start (such as 2026-12-01T15:00)", { schema: StartDateTime });
  const input = checkedInput(ctx, RescheduleInput, {
    start,
    durationMinutes: flags.duration === undefined ? undefined : wholeNumber(ctx, String(flags.duration), "--duration"),
    allowPast: flags.allowPast === true, allowOverlap: flags.allowOverlap === true, notify: flags.notify !== false,
  }, FLAGS);
  const timeZone = ctx.json ? "" : await ctx.timeZone();
  const appointment = await (await ctx.tele()).appointments.reschedule(id, { ...input, start: await exactStart(ctx, input.start) });
  if (ctx.json) {
    printJson(ctx.io, Appointment, appointment);
    return 0;
  }
  ctx.io.out(`Rescheduled ${appointmentLine(appointment, timeZone)}.\n`);
  if (appointment.telehealth) note(ctx.io, "Its session page address is the same; sign-in and join links sent for the old time no longer work.");
  if (!input.notify) note(ctx.io, "The client was not notified (--no-notify).");
  return 0;
}
