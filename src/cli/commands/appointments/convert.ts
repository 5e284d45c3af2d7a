/**
 * `tele appointments convert [ID...] [filters] [--in-person] [--dry-run] [--invite-missing] [--notify | --no-notify]`:
 * one appointment through PATCH (R7), anything else through the atomic bulk endpoint (R8). On a
 * terminal a bulk conversion is previewed with a dry run and confirmed unless --yes. One
 * appointment's client is emailed of the change unless --no-notify; a bulk one's only with --notify (R23).
 */
import type { z } from "zod";
import type { Tele } from "../../../sdk/client.js";
import { ConvertInput, Id, LocalOrUtcDateTime, Ref, type ConversionResult } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { note, plural, withProgress } from "../../output.js";
import { confirmBulk, requireConfirmable } from "../../confirm.js";
import { checked, checkedInput } from "../../values.js";
import { printConversion, type SingleConversion } from "./convert-output.js";

const FLAGS = { ids: "ID", therapist: "--therapist", client: "--client", from: "--from", to: "--to" };
const BULK_TIMEOUT_MS = 10 * 60_000;

/** A bulk selection with the schema's defaults applied. */
export type BulkInput = z.output<typeof ConvertInput>;

/** A conversion as parsed: one appointment by id, or a bulk selection. */
export type ConvertRequest = { kind: "single"; id: string; telehealth: boolean; notify: boolean } | { kind: "bulk"; input: BulkInput };

/** Reads ids and filters, checked with the shared schemas before any request. */
export function parseConvert(ctx: CommandContext, { positionals, flags }: RawArgs): ConvertRequest {
  const ids = ((positionals[0] as string[] | undefined) ?? []).map((id) => checked(ctx, Id, id, "ID"));
  const filters = {
    therapist: flags.therapist === undefined ? undefined : checked(ctx, Ref, flags.therapist, "--therapist"),
    client: flags.client === undefined ? undefined : checked(ctx, Ref, flags.client, "--client"),
    from: flags.from === undefined ? undefined : checked(ctx, LocalOrUtcDateTime, flags.from, "--from"),
    to: flags.to === undefined ? undefined : checked(ctx, LocalOrUtcDateTime, flags.to, "--to"),
  };
  const telehealth = flags.inPerson !== true;
  const dryRun = flags.dryRun === true;
  const inviteMissing = flags.inviteMissing === true;
  const noFilters = Object.values(filters).every((v) => v === undefined);
  if (ids.length === 1 && noFilters && !dryRun && !inviteMissing) return { kind: "single", id: ids[0], telehealth, notify: flags.notify !== false };
  const input = { ids: ids.length ? ids : undefined, ...filters, telehealth, dryRun, inviteMissing, notify: flags.notify === true };
  return { kind: "bulk", input: checkedInput(ctx, ConvertInput, input, FLAGS) };
}

/** Converts and reports; refusals of a single conversion exit 6. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const request = parseConvert(ctx, args);
  const tele = await ctx.tele();
  if (request.kind === "single") {
    printConversion(ctx, await convertOne(tele, request.id, request.telehealth, request.notify), request.telehealth);
    return 0;
  }
  const input = request.input;
  if (!input.dryRun) requireConfirmable(ctx, "a bulk conversion changes many appointments at once", "tele appointments convert … --dry-run");
  if (!input.dryRun && !ctx.yes) {
    const preview = await withProgress(ctx.io, "Checking what would change", tele.appointments.convert({ ...input, dryRun: true }, { timeoutMs: BULK_TIMEOUT_MS }), "Nothing was changed.");
    if (!(await confirmApply(ctx, preview, input))) {
      // Nothing was applied: with --json the dry run is the honest answer.
      if (ctx.json) printConversion(ctx, { result: preview }, input.telehealth);
      return 0;
    }
  }
  const label = `${input.dryRun ? "Checking" : "Converting"} appointments`;
  const interrupted = input.dryRun ? "Nothing was changed." : "A bulk conversion is all or nothing: run the same command with --dry-run to see whether it was applied.";
  const result = await withProgress(ctx.io, label, tele.appointments.convert(input, { timeoutMs: BULK_TIMEOUT_MS }), interrupted);
  printConversion(ctx, { result }, input.telehealth);
  return 0;
}

/** One appointment through PATCH, reported in the same shape as a bulk conversion. */
async function convertOne(tele: Tele, id: string, telehealth: boolean, notify: boolean): Promise<SingleConversion> {
  const before = await tele.appointments.get(id);
  const base = { dryRun: false, matched: 1, invitesSent: [] };
  if (before.telehealth === telehealth) {
    const reason = telehealth ? "already_telehealth" : "already_in_person";
    return { appointment: before, result: { ...base, converted: [], skipped: [{ id, reason }], clientsNotReady: [], warnings: [] } };
  }
  const after = await tele.appointments.update(id, notify ? { telehealth } : { telehealth, notify });
  const clientsNotReady = after.telehealth && !after.clientReady ? [after.clientId] : [];
  // R25 under warn: the appointment says so; the result lists it like a bulk conversion's warning.
  const warnings = after.telehealth && after.licensure === "unlicensed_state"
    ? [{ id, code: "unlicensed_state" as const, therapistId: after.therapistId, state: (await clientState(tele, after.clientId)) ?? "?" }]
    : [];
  return { appointment: after, result: { ...base, converted: [id], skipped: [], clientsNotReady, warnings } };
}

/** The client's state of residence, for the warning line (null when it cannot be read). */
async function clientState(tele: Tele, clientId: string): Promise<string | null> {
  return tele.clients.get(clientId).then((c) => c.state, () => null);
}

/** Shows the dry run's counts on stderr and asks; false when there is nothing to do or the answer is no. */
async function confirmApply(ctx: CommandContext, preview: ConversionResult, input: BulkInput): Promise<boolean> {
  const target = input.telehealth ? "telehealth" : "in-person";
  const count = preview.converted.length;
  const invites = input.inviteMissing ? preview.clientsNotReady.length : 0;
  note(ctx.io, `Matched ${plural(preview.matched, "appointment")}: ${count} to convert to ${target}, ${preview.skipped.length} skipped.`);
  if (count === 0 && invites === 0) {
    note(ctx.io, "Nothing to convert; nothing was changed.");
    return false;
  }
  const also = invites ? ` and invite ${plural(invites, "client")}` : "";
  return confirmBulk(ctx, `Convert ${plural(count, "appointment")} to ${target}${also}?`);
}
