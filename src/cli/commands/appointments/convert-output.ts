/** How a conversion result reads: counts, skipped appointments grouped by reason, R6 warnings. */
import { Appointment, ConversionResult } from "../../../sdk/schemas/index.js";
import type { CommandContext } from "../../context.js";
import { note, plural, printJson } from "../../output.js";
import { warnClientsNotReady } from "./shared.js";
import { warnUnlicensed } from "./licensure.js";

/** A conversion's result, plus the appointment when a single one was converted through PATCH. */
export interface SingleConversion {
  result: ConversionResult;
  appointment?: Appointment;
}

const REASONS: Record<string, string> = {
  already_telehealth: "already telehealth",
  already_in_person: "already in person",
  not_convertible: "past, cancelled or completed (R7)",
  teletherapy_not_enabled: "therapist does not have Teletherapy (R5)",
  not_us_resident: "client is not a U.S. resident (R4)",
  not_licensed_in_state: "therapist is not licensed in the client's state (R25)",
};

const SHOWN_IDS = 10;
const WithAppointment = ConversionResult.extend({ appointment: Appointment.optional() });

/** Prints the contract's conversion result (--json) or a human summary; warnings go to stderr. */
export function printConversion(ctx: CommandContext, outcome: SingleConversion, telehealth: boolean): void {
  const { result } = outcome;
  if (ctx.json) printJson(ctx.io, WithAppointment, { ...result, appointment: outcome.appointment });
  else printSummary(ctx, result, telehealth ? "telehealth" : "in-person");
  const invited = new Set(result.invitesSent);
  warnClientsNotReady(ctx, result.clientsNotReady.filter((id) => !invited.has(id)));
  warnUnlicensed(ctx, result.warnings, result.dryRun ? "would be converted" : "converted");
  const sent = result.invitesSent.length;
  if (sent > 0) {
    const verb = result.dryRun ? "Would send" : "Sent";
    note(ctx.io, `${verb} portal invites to ${plural(sent, "client")}, who can join once they sign up: ${ids(result.invitesSent)}`);
  }
}

function printSummary(ctx: CommandContext, result: ConversionResult, target: string): void {
  const count = plural(result.converted.length, "appointment");
  const headline = result.dryRun
    ? `Dry run, nothing was changed: ${count} would be converted to ${target}${result.converted.length ? `: ${ids(result.converted)}` : "."}`
    : result.converted.length === 0
      ? `Nothing to convert: no appointment changed.`
      : `Converted ${count} to ${target}: ${ids(result.converted)}`;
  ctx.io.out(`${headline}\n`);
  if (result.skipped.length === 0) return;
  ctx.io.out(`Matched ${result.matched}; skipped ${result.skipped.length}:\n`);
  const byReason = new Map<string, string[]>();
  for (const skip of result.skipped) byReason.set(skip.reason, [...(byReason.get(skip.reason) ?? []), skip.id]);
  for (const [reason, skipped] of byReason) {
    ctx.io.out(`  ${REASONS[reason] ?? reason} (${skipped.length}): ${ids(skipped)}\n`);
  }
}

/** At most ten ids, then a count of the rest (--json has them all). */
function ids(list: string[]): string {
  const shown = list.slice(0, SHOWN_IDS).join(", ");
  return list.length > SHOWN_IDS ? `${shown} and ${(list.length - SHOWN_IDS).toLocaleString("en-US")} more (--json lists all)` : shown;
}
