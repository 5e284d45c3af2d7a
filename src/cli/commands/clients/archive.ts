/**
 * `tele clients archive CLIENT [--cancel-upcoming] [--yes]`: hides a client from lists (history
 * kept); refused while they have upcoming appointments unless these are cancelled with it.
 */
import { ArchiveClientResult } from "../../../sdk/schemas/index.js";
import { RuleRefusedError } from "../../../sdk/errors.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { EXIT, ExitError, UsageError } from "../../errors.js";
import { formatTime, note, plural, printJson } from "../../output.js";
import { clientRef } from "./shared.js";

/** Archives; with --cancel-upcoming, a terminal is asked first (default No) and a script needs --yes. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const ref = await clientRef(ctx, args);
  const cancelUpcoming = args.flags.cancelUpcoming === true;
  const tele = await ctx.tele();
  let result: ArchiveClientResult;
  try {
    // First without cancelling: a client with nothing upcoming is archived with no question asked.
    result = await tele.clients.archive(ref, { cancelUpcoming: false });
  } catch (err) {
    const count = upcomingCount(err);
    if (count === undefined) throw err;
    const id = clientIdOf(err as RuleRefusedError, ref);
    if (!cancelUpcoming) throw refusal(id, count, err as RuleRefusedError);
    if (!(await confirmCancel(ctx, id, count))) return 0;
    result = await tele.clients.archive(ref, { cancelUpcoming: true });
  }
  return report(ctx, result);
}

/** The number of upcoming appointments a `has_upcoming_appointments` refusal names, else undefined. */
function upcomingCount(err: unknown): number | undefined {
  if (!(err instanceof RuleRefusedError) || err.code !== "has_upcoming_appointments") return undefined;
  const count = (err.details as { count?: unknown } | undefined)?.count;
  return typeof count === "number" ? count : 0;
}

/** The client's id as the refusal names it (a ref typed as an email is not repeated in messages). */
function clientIdOf(err: RuleRefusedError, ref: string): string {
  const id = (err.details as { clientId?: unknown } | undefined)?.clientId;
  return typeof id === "string" ? id : ref.includes("@") ? "(by email)" : ref;
}

/** Exit 6 with a message that says how many and names the flag that goes on. */
function refusal(id: string, count: number, err: RuleRefusedError): ExitError {
  return new ExitError(EXIT.refused, err.code,
    `client ${id} has ${plural(count, "upcoming appointment")}; nothing was changed. ` +
      `Archive with --cancel-upcoming to cancel ${count === 1 ? "it" : "them"} too (links for ${count === 1 ? "its session" : "their sessions"} stop working)`,
    `"tele clients show ${id}" lists them; "tele clients archive ${id} --cancel-upcoming" cancels them and archives the client`,
    err.details);
}

/** Cancelling appointments is a bulk change: asked on a terminal (default No), refused without one unless --yes. */
async function confirmCancel(ctx: CommandContext, id: string, count: number): Promise<boolean> {
  if (ctx.yes) return true;
  if (!ctx.interactive) {
    throw new UsageError(`archiving client ${id} cancels ${plural(count, "upcoming appointment")}; without a terminal that needs --yes`,
      `run "tele clients archive ${id} --cancel-upcoming --yes"`);
  }
  const yes = await ctx.io.confirm(`Cancel ${plural(count, "upcoming appointment")} of client ${id} and archive the client?`, false);
  if (!yes) note(ctx.io, "Cancelled; nothing was changed.");
  return yes;
}

async function report(ctx: CommandContext, result: ArchiveClientResult): Promise<number> {
  if (ctx.json) {
    printJson(ctx.io, ArchiveClientResult, result);
    return 0;
  }
  const { client } = result;
  const timeZone = await ctx.timeZone();
  const when = client.archivedAt ? ` on ${formatTime(client.archivedAt, timeZone)} (${timeZone})` : "";
  if (!result.changed) {
    ctx.io.out(`Client ${client.name} (${client.id}) was already archived${when}.\n`);
    return 0;
  }
  ctx.io.out(`Archived client ${client.name} (${client.id}): hidden from lists, history kept.\n`);
  if (result.cancelled.length) {
    ctx.io.out(`Cancelled ${plural(result.cancelled.length, "upcoming appointment")}: ${idList(result.cancelled)}.\n`);
  }
  note(ctx.io, ctx.paintErr.dim(`Their portal is closed: pending links stopped working (${plural(result.revokedLinks, "link")}) and they cannot sign in.`));
  return 0;
}

/** Ids on one line: the first ten, then how many more (--json has them all). */
function idList(ids: string[]): string {
  const SHOWN = 10;
  return ids.length <= SHOWN ? ids.join(", ") : `${ids.slice(0, SHOWN).join(", ")} and ${ids.length - SHOWN} more (--json lists them all)`;
}
