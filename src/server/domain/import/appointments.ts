import type { ImportResult } from "../../../sdk/schemas/index.js";
import type { ImportStage, StagedAppointment } from "../../db/import-stage.js";
import type { StaffRow } from "../../db/types.js";
import { telehealthRefusal } from "../appointments/service.js";
import { licensureOf, licensureSetting, notLicensedInState } from "../licensure/rules.js";
import { audit } from "../audit/audit.js";
import type { Actor, Deps } from "../deps.js";
import { newId } from "../shared/crypto.js";
import { MANAGERS, requireStaff } from "../shared/permissions.js";
import { exactLocalTime, LocalTimeError } from "../../../sdk/schemas/time.js";
import { finishImport, ImportReader, readBool, type ImportSource } from "./columns.js";
import { LineSet, sweepOverlaps } from "./overlap-sweep.js";
import { batchNotices } from "../notify/batches.js";

/**
 * `tele appointments import`: another system's export, all or nothing. Times without an offset are
 * read in the practice's time zone (R9); telehealth rows must pass R4 and R5 like any other.
 */
export interface AppointmentImportOptions {
  /** Accept rows whose start has passed (an import of history). */
  allowPast?: boolean;
  /** Accept rows that overlap each other or existing appointments of the same therapist or client. */
  allowOverlap?: boolean;
  /** Send each telehealth appointment's client a confirmation (R23); off unless asked for in bulk. */
  notify?: boolean;
}

/** Clients named by the rows, remembered up to a bound (a practice's clients are many; a file names few often). */
const CLIENT_CACHE = 20_000;
/** How many unlicensed-state warnings an import lists by line (R25 under `warn`); the audit row counts them all. */
const WARNINGS_LISTED = 1_000;

/**
 * Streams the file (issue 14): each batch of rows is checked against the practice's staff and
 * clients and staged on disk; then one transaction checks overlaps (the staged rows against each
 * other and what is scheduled) and writes everything, or nothing.
 */
export async function importAppointments(
  deps: Deps, actor: Actor, csv: ImportSource, dryRun: boolean, options: AppointmentImportOptions = {},
): Promise<ImportResult> {
  const a = requireStaff(actor, ...MANAGERS);
  const now = deps.clock();
  const reader = new ImportReader(["therapist", "client", "start", "duration_minutes"], ["telehealth"], deps.config.importMaxRows);
  const tz = (await deps.store.practices.byId(a.practiceId))!.timeZone;
  const staff = new Map<string, StaffRow>();
  for (const s of await deps.store.staff.list(a.practiceId)) staff.set(s.id, s).set(s.email, s);
  const stage = await deps.store.importStage();
  let notices = 0;
  try {
    const licensure = await licensureSetting(deps.store, a.practiceId);
    // R25 under `warn`: the rows imported although the therapist is not licensed in the client's state (the first
    // WARNINGS_LISTED by line; the count is in the audit row).
    const warnings: NonNullable<ImportResult["warnings"]> = [];
    let unlicensed = 0;
    const clients = new Map<string, { id: string; state: string | null; archived: boolean } | undefined>();
    const clientOf = async (cell: string) => {
      if (clients.has(cell)) return clients.get(cell);
      const c = await stage.clientRef(a.practiceId, cell);
      if (clients.size >= CLIENT_CACHE) clients.clear();
      clients.set(cell, c);
      return c;
    };
    let staged = 0;
    for await (const batch of reader.batches(csv)) {
      const { col } = reader;
      const rows: StagedAppointment[] = [];
      for (const { line, values } of batch) {
        const problems: string[] = [];
        const therapistCell = values[col.therapist!]!.trim();
        const therapist = staff.get(therapistCell.toLowerCase()) ?? staff.get(therapistCell);
        const client = await clientOf(values[col.client!]!.trim());
        if (!therapist) problems.push("therapist not found");
        else if (!therapist.roles.includes("therapist")) problems.push(`staff member ${therapist.id} is not a therapist`);
        if (!client) problems.push("client not found");
        else if (client.archived) problems.push(`client ${client.id} is archived and cannot be booked`);
        let startAt = NaN;
        try {
          startAt = exactLocalTime(values[col.start!]!.trim(), tz);
        } catch (err) {
          // A bare date, or a time the zone skips or passes twice, says what to write instead.
          problems.push(err instanceof LocalTimeError ? `start ${err.message}` : "start must be an ISO 8601 date-time such as 2026-12-01T15:00");
        }
        if (startAt <= now && !options.allowPast) problems.push(`start ${new Date(startAt).toISOString()} has passed (import with --allow-past to record past appointments)`);
        const durationCell = values[col.duration_minutes!]!.trim();
        const minutes = /^\d{1,4}$/.test(durationCell) ? Number(durationCell) : NaN;
        if (!(minutes >= 5 && minutes <= 1440)) problems.push("duration_minutes must be a whole number from 5 to 1440");
        const telehealth = col.telehealth === undefined ? false : readBool(values[col.telehealth]!);
        if (telehealth === undefined) problems.push("telehealth must be true, false, yes, no, 1 or 0");
        if (telehealth && therapist && client) {
          const why = telehealthRefusal(therapist, client);
          if (why) problems.push(why.message);
          // R25: a bad row under `refuse`, a warning under `warn` (one list; the terminal groups it by therapist).
          else if (licensure !== "off" && licensureOf(therapist.licensedIn, client.state) === "unlicensed_state") {
            if (licensure === "refuse") problems.push(`${notLicensedInState(therapist.id, client.state!).message} (not_licensed_in_state)`);
            else if (unlicensed++ < WARNINGS_LISTED) warnings.push({ line, code: "unlicensed_state", therapistId: therapist.id, state: client.state! });
          }
        }
        if (problems.length) {
          reader.errors.add(line, problems.join("; "));
          continue;
        }
        rows.push({ line, id: newId("apt"), therapistId: therapist!.id, clientId: client!.id, startAt, endAt: startAt + minutes * 60_000, telehealth: telehealth! });
      }
      // Once a row is bad nothing will be written: only the overlap check still needs the rows.
      if (rows.length && !(options.allowOverlap && reader.errors.total)) await stage.addAppointments(rows);
      staged += rows.length;
    }
    const result = await stage.transaction(async (r) => {
      if (!options.allowOverlap) await checkOverlaps(stage, a.practiceId, reader);
      return finishImport(reader, staged, dryRun, async () => {
        await stage.insertAppointments(a.practiceId, now);
        // --notify: each telehealth row's client gets a confirmation, from one notice batch written in this same
        // transaction (R21, R23) and expanded into mail after commit (notify/batches.ts).
        if (options.notify) notices = await batchNotices(r, now, a.practiceId, "created", [], await stage.telehealthIds());
        await audit(r, a, now, a.practiceId, "appointments.import", { type: "appointment", id: null }, { count: staged, notices, ...(unlicensed && { unlicensed }) });
      });
    });
    if (notices) deps.noticesBatched?.();
    return warnings.length ? { ...result, warnings } : result;
  } finally {
    await stage.drop();
  }
}

/** The overlap rule over the staged rows, therapist side then client side; a row is reported once. */
async function checkOverlaps(stage: ImportStage, practiceId: string, reader: ImportReader): Promise<void> {
  const range = await stage.appointmentRange();
  if (!range) return;
  const flagged = new LineSet();
  const problem = (line: number, message: string) => reader.errors.add(line, message);
  for (const side of ["therapist", "client"] as const) await sweepOverlaps(stage.sweep(practiceId, side, range.from, range.to), side, flagged, problem);
}
