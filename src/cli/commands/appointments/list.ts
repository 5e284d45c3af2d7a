/** `tele appointments list [--therapist S] [--client C] [--from D] [--to D] [--telehealth | --in-person]`. */
import { AppointmentList, AppointmentQuery } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { note, printJson } from "../../output.js";
import { checkedInput, wholeNumber } from "../../values.js";
import { appointmentTable } from "./shared.js";

const FLAGS = { therapist: "--therapist", client: "--client", from: "--from", to: "--to", status: "--status", limit: "--limit" };

/** The query, checked with AppointmentQuery; times pass through as given. */
export function parseList(ctx: CommandContext, { flags }: RawArgs): AppointmentQuery {
  const telehealth = flags.telehealth === true ? true : flags.inPerson === true ? false : undefined;
  const limit = typeof flags.limit === "string" ? wholeNumber(ctx, flags.limit, "--limit", "a whole number, such as 100") : undefined;
  const query = { therapist: flags.therapist, client: flags.client, from: flags.from, to: flags.to, telehealth, status: flags.status, limit };
  return checkedInput(ctx, AppointmentQuery, query, FLAGS);
}

/** Prints matching appointments, start times in the practice's time zone. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const query = parseList(ctx, args);
  const appointments = await (await ctx.tele()).appointments.list(query);
  if (ctx.json) {
    printJson(ctx.io, AppointmentList, appointments);
    return 0;
  }
  if (appointments.length === 0) {
    note(ctx.io, "No appointments match.");
    return 0;
  }
  ctx.io.out(appointmentTable(ctx, appointments, await ctx.timeZone()));
  return 0;
}
