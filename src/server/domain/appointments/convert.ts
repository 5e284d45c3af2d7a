import { ConvertInput, type ConversionResult, type LicensureSetting } from "../../../sdk/schemas/index.js";
import type { ConversionCandidate } from "../../db/types.js";
import { audit } from "../audit/audit.js";
import { issuePortalLink } from "../clients/portal.js";
import { batchNotices } from "../notify/batches.js";
import type { Actor, Deps } from "../deps.js";
import { DomainError, forbidden } from "../errors.js";
import { CHANGERS, changesAll, requireStaff } from "../shared/permissions.js";
import { licensureOf, licensureSetting, type LicensureWarning } from "../licensure/rules.js";
import { practiceZone, scopedFilter, telehealthBlock } from "./service.js";

type Skip = ConversionResult["skipped"][number];

/** Why one appointment cannot move to `telehealth`, or null when it can (R4, R5, R7; R25 under `refuse`). */
export function skipReason(c: ConversionCandidate, telehealth: boolean, now: number, licensure: LicensureSetting = "off"): Skip["reason"] | null {
  if (c.telehealth === telehealth) return telehealth ? "already_telehealth" : "already_in_person";
  if (c.status !== "scheduled" || c.startAt <= now) return "not_convertible";
  if (!telehealth) return null;
  const block = telehealthBlock(c.therapistTeletherapy, c.clientState);
  if (block) return block;
  if (licensure === "refuse" && licensureOf(c.therapistLicensedIn, c.clientState) === "unlicensed_state") return "not_licensed_in_state";
  return null;
}

/**
 * R8: bulk conversion by ids, therapist, client and date range. A dry run reports what would change
 * and why the rest would not, and writes nothing; applying is one transaction (all eligible or none)
 * and idempotent, since converted appointments are skipped as already converted the next time.
 */
export async function convertAppointments(deps: Deps, actor: Actor, input: unknown): Promise<ConversionResult> {
  const a = requireStaff(actor, ...CHANGERS);
  const v = ConvertInput.parse(input);
  const now = deps.clock();
  let notices = 0;
  const result = await deps.store.tx(async (r) => {
    const filter = await scopedFilter(r, a, await practiceZone(r, a.practiceId), v, now, "change");
    if (v.ids?.length) {
      filter.ids = v.ids;
      const missing = await r.appointments.missing(a.practiceId, v.ids);
      if (missing.length) throw new DomainError("not_found", 404, missingMessage(missing), { missing });
      if (!changesAll(a)) {
        const theirs = await r.appointments.list({ practiceId: a.practiceId, ids: v.ids });
        if (theirs.some((x) => x.therapistId !== a.staff.id)) throw forbidden("therapists convert only their own appointments");
      }
    }
    const candidates = await r.appointments.candidates(filter, now);
    // A telehealth session someone has already joined (its window opens before the start) stays telehealth.
    const begun = v.telehealth ? new Set<string>() : new Set((await r.sessions.forAppointments(
      a.practiceId, candidates.filter((c) => c.telehealth).map((c) => c.id))).map((s) => s.appointmentId));
    const converted: string[] = [];
    /** Those whose client has an email address: the ones told (R23). */
    const reachable: string[] = [];
    const skipped: Skip[] = [];
    const warnings: LicensureWarning[] = [];
    const notReady = new Map<string, ConversionCandidate>();
    const licensure = v.telehealth ? await licensureSetting(r, a.practiceId) : "off";
    for (const c of candidates) {
      const reason = begun.has(c.id) ? "not_convertible" : skipReason(c, v.telehealth, now, licensure);
      if (reason) {
        skipped.push({ id: c.id, reason });
        continue;
      }
      converted.push(c.id);
      if (c.clientEmail) reachable.push(c.id);
      if (licensure === "warn" && licensureOf(c.therapistLicensedIn, c.clientState) === "unlicensed_state") {
        warnings.push({ id: c.id, code: "unlicensed_state", therapistId: c.therapistId!, state: c.clientState! });
      }
      if (v.telehealth && !c.clientReady) notReady.set(c.clientId, c);
    }
    // R6: clients who cannot join yet; with inviteMissing, those reachable by email get an invite.
    const toInvite = v.inviteMissing ? [...notReady.values()].filter((c) => c.clientEmail && !c.clientHasInvite) : [];
    const invitesSent = toInvite.map((c) => c.clientId);
    if (!v.dryRun) {
      // The calendar SEQUENCE (R23) rises in the same UPDATE, so the batch below has nothing left to bump.
      if (converted.length) await r.appointments.setTelehealth(a.practiceId, converted, v.telehealth, now, true);
      // R23: each change raises the calendar SEQUENCE; with notify, one notice batch row holds every client's
      // notice, expanded into mail after commit (notify/batches.ts).
      notices = await batchNotices(r, now, a.practiceId, v.telehealth ? "converted" : "in_person", [], v.notify ? reachable : []);
      if (toInvite.length) {
        const practice = (await r.practices.byId(a.practiceId))!;
        for (const c of toInvite) {
          const client = (await r.clients.byId(a.practiceId, c.clientId, now))!;
          await issuePortalLink(r, deps, a, now, practice, client);
        }
      }
    }
    await audit(r, a, now, a.practiceId, v.dryRun ? "appointments.convert.dry_run" : "appointments.convert",
      { type: "appointment", id: null }, { telehealth: v.telehealth, matched: candidates.length, converted: v.dryRun ? converted.length : converted, skipped: skipped.length, unlicensed: warnings.length, notices });
    return { dryRun: v.dryRun, matched: candidates.length, converted, skipped, clientsNotReady: [...notReady.keys()], invitesSent, warnings };
  });
  if (result.invitesSent.length && !result.dryRun) deps.mailQueued?.();
  if (notices && !result.dryRun) deps.noticesBatched?.();
  return result;
}

/** "appointment apt_1 was not found", or the first few ids of many (all of them are in the details). */
function missingMessage(missing: string[]): string {
  if (missing.length === 1) return `appointment ${missing[0]} was not found`;
  const named = missing.slice(0, 5).join(", ");
  return `appointments ${named}${missing.length > 5 ? ` and ${missing.length - 5} more` : ""} were not found`;
}
