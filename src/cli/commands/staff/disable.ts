/**
 * `tele staff disable STAFF [--convert-to-in-person]`: Teletherapy off without silently orphaning
 * upcoming telehealth appointments (R3). Without the flag the server refuses and names them; on a
 * terminal we ask whether to convert them, otherwise we list them and exit 6.
 */
import { upcomingTelehealthIds } from "../../../sdk/resources/staff.js";
import { TeletherapyChange } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { EXIT, ExitError } from "../../errors.js";
import { plural, printJson } from "../../output.js";
import { staffLabel, staffRef } from "./refs.js";

/** What `tele staff disable` was asked to do. */
export interface DisableInput {
  ref: string;
  convertToInPerson: boolean;
}

/** Reads the staff ref and the choice flag. */
export async function parseDisable(ctx: CommandContext, args: RawArgs): Promise<DisableInput> {
  return { ref: await staffRef(ctx, args), convertToInPerson: args.flags.convertToInPerson === true };
}

/** Disables Teletherapy, resolving an R3 refusal by asking (terminal) or exiting 6 (scripts). */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const input = await parseDisable(ctx, args);
  const tele = await ctx.tele();
  const upcoming = input.convertToInPerson ? "convert_to_in_person" : "refuse";
  try {
    return report(ctx, await tele.staff.disableTeletherapy(input.ref, { upcoming }));
  } catch (err) {
    const ids = upcomingTelehealthIds(err);
    if (input.convertToInPerson || ids.length === 0) throw err;
    if (!ctx.json) listAppointments(ctx, ids); // with --json the error's details name them
    const hint = `"tele staff disable ${input.ref} --convert-to-in-person" converts them to in-person and turns Teletherapy off (R3)`;
    // --yes does not choose for the caller: R3 wants an explicit choice, so only a person answering
    // the question or --convert-to-in-person converts appointments.
    if (!ctx.interactive || ctx.yes) {
      const { message, details } = err as Error & { details?: unknown };
      throw new ExitError(EXIT.refused, "upcoming_telehealth", message, hint, details);
    }
    const convert = await ctx.io.confirm(`Convert ${plural(ids.length, "appointment")} to in-person and turn Teletherapy off?`, false);
    if (!convert) {
      throw new ExitError(
        EXIT.refused,
        "upcoming_telehealth",
        `Teletherapy is still on; ${plural(ids.length, "upcoming telehealth appointment")} not changed`,
        hint,
        { appointments: ids },
      );
    }
    return report(ctx, await tele.staff.disableTeletherapy(input.ref, { upcoming: "convert_to_in_person" }));
  }
}

function listAppointments(ctx: CommandContext, ids: string[]): void {
  ctx.io.err(`Upcoming telehealth ${ids.length === 1 ? "appointment" : "appointments"}:\n`);
  for (const id of ids) ctx.io.err(`  ${id}\n`);
}

function report(ctx: CommandContext, change: TeletherapyChange): number {
  if (ctx.json) {
    printJson(ctx.io, TeletherapyChange, change);
    return 0;
  }
  const verb = change.changed ? "Teletherapy disabled for" : "Teletherapy was already off for";
  ctx.io.out(`${verb} ${staffLabel(change.staff)}.\n`);
  const converted = change.convertedToInPerson;
  if (converted.length > 0) {
    ctx.io.out(`Converted ${plural(converted.length, "upcoming appointment")} to in-person: ${converted.join(", ")}\n`);
  }
  return 0;
}
