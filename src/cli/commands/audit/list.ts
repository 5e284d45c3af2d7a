/** `tele audit list [--since T] [--actor ID] [--record ID] [--action A] [--limit N]`. */
import { AuditList, Id, LocalOrUtcDateTime, Ref, type AuditEntry } from "../../../sdk/schemas/index.js";
import type { AuditListQuery } from "../../../sdk/resources/practice.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { UsageError, helpHint } from "../../errors.js";
import { formatTime, note, printJson, table } from "../../output.js";
import { checked, wholeNumber } from "../../values.js";
import { z } from "zod";
import { named, staffNames } from "../staff-names.js";

/** An action as the log writes them: `client.update`, `portal.sign_in_failed`. */
const ACTION = z.string().trim().max(64).regex(/^[a-z0-9_.]+$/, { message: "must be an action such as client.update" });

/** The filters, checked before any request; `actor` may still be an email (resolved in run). */
export function parseAuditList(ctx: CommandContext, { flags }: RawArgs): AuditListQuery {
  const str = (name: string) => (flags[name] === undefined ? undefined : String(flags[name]));
  const limit = str("limit") === undefined ? undefined : wholeNumber(ctx, str("limit")!, "--limit", "a whole number from 1 to 1000");
  if (limit !== undefined && (limit < 1 || limit > 1000)) throw new UsageError("--limit must be a whole number from 1 to 1000", helpHint(ctx.command));
  return {
    since: str("since") === undefined ? undefined : checked(ctx, LocalOrUtcDateTime, str("since"), "--since"),
    actor: str("actor") === undefined ? undefined : checked(ctx, Ref, str("actor"), "--actor"),
    recordId: str("record") === undefined ? undefined : checked(ctx, Id, str("record"), "--record"),
    action: str("action") === undefined ? undefined : checked(ctx, ACTION, str("action"), "--action"),
    limit,
  };
}

/** Prints the entries as a table (time in the practice's zone, staff names beside ids), or the entries as JSON. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const query = parseAuditList(ctx, args);
  const tele = await ctx.tele();
  // A staff member named by email is looked up (404 names what was not found); ids go as they are.
  if (query.actor?.includes("@")) query.actor = (await tele.staff.get(query.actor)).id;
  const page = await tele.audit.list(query);
  const entries = page.items;
  if (ctx.json) {
    printJson(ctx.io, AuditList, entries);
    return 0;
  }
  if (entries.length === 0) {
    note(ctx.io, "No audit entries match.");
    return 0;
  }
  const [timeZone, names] = await Promise.all([ctx.timeZone(), staffNames(ctx)]);
  const rows = entries.map((e) => [formatTime(e.at, timeZone), actorText(e, names), e.action, recordText(e)]);
  ctx.io.out(table(ctx.paint, [`TIME (${timeZone})`, "ACTOR", "ACTION", "RECORD"], rows));
  const limit = entries.length;
  if (page.nextCursor) note(ctx.io, `Showing the newest ${limit}; narrow with --since, --actor or --record, or raise --limit (at most 1000).`);
  return 0;
}

function actorText(e: AuditEntry, names: Map<string, string>): string {
  if (e.actorType === "staff" && e.actorId) return named(names, e.actorId);
  if (e.actorType === "client" && e.actorId) return `client ${e.actorId}`;
  return e.actorType; // system, anonymous
}

function recordText(e: AuditEntry): string {
  return e.recordId ? `${e.recordType} ${e.recordId}` : `${e.recordType} (several)`;
}
