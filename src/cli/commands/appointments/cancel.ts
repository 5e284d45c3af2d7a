/**
 * `tele appointments cancel ID... [--reason TEXT] [--no-notify]`: cancels each appointment in turn
 * (R22). More than one is confirmed first on a terminal (default No); without a terminal more than
 * one needs --yes. It stops at the first failure, saying which were cancelled before it.
 */
import { z } from "zod";
import { Appointment, CancelInput, Id } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { helpHint, UsageError } from "../../errors.js";
import { note, plural, printJson } from "../../output.js";
import { checked, checkedInput } from "../../values.js";
import { appointmentLine } from "./shared.js";

export async function run(ctx: CommandContext, { positionals, flags }: RawArgs): Promise<number> {
  const ids = ((positionals[0] as string[] | undefined) ?? []).map((id) => checked(ctx, Id, id, "ID"));
  if (ids.length === 0) throw new UsageError("give the id of the appointment to cancel (ID...)", helpHint(ctx.command));
  const unique = [...new Set(ids)];
  const input = checkedInput(ctx, CancelInput, { reason: flags.reason, notify: flags.notify !== false }, { reason: "--reason", notify: "--no-notify" });
  if (unique.length > 1 && !ctx.yes) {
    if (!ctx.interactive) throw new UsageError(`cancelling ${plural(unique.length, "appointment")} without a terminal needs --yes`, helpHint(ctx.command));
    if (!(await ctx.io.confirm(`Cancel ${plural(unique.length, "appointment")}? Their session links stop working at once.`, false))) {
      note(ctx.io, "Nothing was cancelled.");
      return 0;
    }
  }
  const tele = await ctx.tele();
  const timeZone = ctx.json ? "" : await ctx.timeZone();
  const done: Appointment[] = [];
  for (const id of unique) {
    try {
      done.push(await tele.appointments.cancel(id, input));
    } catch (err) {
      if (done.length && !ctx.json) note(ctx.io, `Cancelled before this failure: ${done.map((a) => a.id).join(", ")}.`);
      throw err;
    }
    if (!ctx.json) ctx.io.out(`Cancelled ${appointmentLine(done[done.length - 1]!, timeZone)}.\n`);
  }
  if (ctx.json) {
    if (unique.length === 1) printJson(ctx.io, Appointment, done[0]);
    else printJson(ctx.io, z.array(Appointment), done);
    return 0;
  }
  const telehealth = done.filter((a) => a.telehealth).length;
  if (telehealth) note(ctx.io, `Every link to ${telehealth === 1 ? "its session" : "their sessions"} stopped working; open session pages now say the appointment was cancelled.`);
  if (input.notify === false) note(ctx.io, "The client was not notified (--no-notify).");
  return 0;
}
