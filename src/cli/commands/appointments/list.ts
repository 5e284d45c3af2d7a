/**
 * `tele appointments list [--therapist S] [--client C] [--from D] [--to D] [--telehealth | --in-person]
 * [--status S] [--past] [--all] [--limit N]`: upcoming by default, page by page (issue 10, issue 14).
 */
import { AppointmentQuery } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { UsageError, helpHint } from "../../errors.js";
import { printList, readPaging, type Paging } from "../../paging.js";
import { checkedInput } from "../../values.js";
import { appointmentRow, APPOINTMENT_HEADERS } from "./shared.js";

const FLAGS = { therapist: "--therapist", client: "--client", from: "--from", to: "--to", status: "--status" };

/**
 * The query and paging, checked with AppointmentQuery; times pass through as given. Without --from,
 * --to or --all the list starts now; --past lists what started before now, latest first.
 */
export function parseList(ctx: CommandContext, { flags }: RawArgs, now = new Date()): { query: AppointmentQuery; paging: Paging } {
  const telehealth = flags.telehealth === true ? true : flags.inPerson === true ? false : undefined;
  // Every bad flag in one message: a bad --limit is reported together with the query's problems.
  let paging: Paging = { all: flags.all === true, limit: undefined };
  let pagingError: UsageError | undefined;
  try {
    paging = readPaging(ctx, flags);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    pagingError = err;
  }
  const past = flags.past === true;
  if (past && flags.to !== undefined) throw new UsageError("--past and --to do not go together: --past lists what started before now", helpHint(ctx.command));
  let from = flags.from;
  let to = flags.to;
  if (past) to = now.toISOString();
  else if (from === undefined && to === undefined && !paging.all) from = now.toISOString();
  const query = { therapist: flags.therapist, client: flags.client, from, to, telehealth, status: flags.status, order: past ? "desc" : undefined };
  let checked: AppointmentQuery;
  try {
    checked = checkedInput(ctx, AppointmentQuery, query, FLAGS);
  } catch (err) {
    if (!(pagingError && err instanceof UsageError)) throw err;
    throw new UsageError(`${err.message}; ${pagingError.message}`, err.hint, err.code);
  }
  if (pagingError) throw pagingError;
  return { query: checked, paging };
}

/** Prints matching appointments, start times in the practice's time zone, names beside ids. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const { query, paging } = parseList(ctx, args);
  const tele = await ctx.tele();
  return printList(ctx, paging, (cursor, limit) => tele.appointments.list({ ...query, limit, cursor }), {
    empty: "No appointments match.", noun: "appointment",
    table: async () => {
      const timeZone = await ctx.timeZone();
      return { headers: APPOINTMENT_HEADERS(timeZone), row: (a) => appointmentRow(a, timeZone) };
    },
  });
}
