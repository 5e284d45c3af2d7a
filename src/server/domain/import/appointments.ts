import type { ImportResult } from "../../../sdk/schemas/index.js";
import type { Repos } from "../../db/repos.js";
import type { NewAppointment, StaffRow } from "../../db/types.js";
import { telehealthRefusal } from "../appointments/service.js";
import { audit } from "../audit/audit.js";
import type { Actor, Deps } from "../deps.js";
import { newId } from "../shared/crypto.js";
import { MANAGERS, requireStaff } from "../shared/permissions.js";
import { exactLocalTime, LocalTimeError } from "../../../sdk/schemas/time.js";
import { importOverlaps } from "../appointments/overlap.js";
import { queueNotices } from "../notify/notices.js";
import { finishImport, readBool, readImportTable, type ImportError } from "./columns.js";

/** Lookup tables for the import: staff and clients by id and by email. */
async function refsOf(r: Repos, practiceId: string) {
  const staff = new Map<string, StaffRow>();
  for (const s of await r.staff.list(practiceId)) staff.set(s.id, s).set(s.email, s);
  const clients = new Map<string, { id: string; state: string | null }>();
  // Only what a row can name and R4 needs: no full client rows, no portal subqueries.
  for (const c of await r.clients.refs(practiceId)) {
    const v = { id: c.id, state: c.state };
    clients.set(c.id, v);
    if (c.email) clients.set(c.email, v);
  }
  return { staff, clients };
}

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

export async function importAppointments(
  deps: Deps, actor: Actor, csv: string, dryRun: boolean, options: AppointmentImportOptions = {},
): Promise<ImportResult> {
  const a = requireStaff(actor, ...MANAGERS);
  const now = deps.clock();
  const table = readImportTable(csv, ["therapist", "client", "start", "duration_minutes"], ["telehealth"]);
  const { col } = table;
  let notices = 0;
  const result = await deps.store.tx(async (r) => {
    const errors: ImportError[] = [...table.errors];
    const tz = (await r.practices.byId(a.practiceId))!.timeZone;
    const { staff, clients } = await refsOf(r, a.practiceId);
    const rows: NewAppointment[] = [];
    const lines: number[] = [];
    for (const { line, values } of table.rows) {
      const problems: string[] = [];
      const therapist = staff.get(values[col.therapist!]!.trim().toLowerCase()) ?? staff.get(values[col.therapist!]!.trim());
      const client = clients.get(values[col.client!]!.trim().toLowerCase()) ?? clients.get(values[col.client!]!.trim());
      if (!therapist) problems.push("therapist not found");
      else if (!therapist.roles.includes("therapist")) problems.push(`staff member ${therapist.id} is not a therapist`);
      if (!client) problems.push("client not found");
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
      }
      if (problems.length) {
        errors.push({ line, message: problems.join("; ") });
        continue;
      }
      lines.push(line);
      rows.push({
        id: newId("apt"), practiceId: a.practiceId, therapistId: therapist!.id, clientId: client!.id,
        startAt, endAt: startAt + minutes * 60_000, telehealth: telehealth!, createdAt: now,
      });
    }
    if (!options.allowOverlap) {
      const overlaps = await importOverlaps(r, a.practiceId, rows.map((row, i) => ({ ...row, line: lines[i]! })));
      for (const [i, message] of overlaps) errors.push({ line: lines[i]!, message });
    }
    return finishImport(table, errors, rows.length, dryRun, async () => {
      await r.appointments.insertMany(rows);
      const telehealth = options.notify ? rows.filter((x) => x.telehealth).map((x) => x.id) : [];
      notices = (await queueNotices(r, deps, now, a.practiceId, "created", telehealth, true)).length;
      await audit(r, a, now, a.practiceId, "appointments.import", { type: "appointment", id: null }, { count: rows.length, notices });
    });
  });
  if (notices) deps.mailQueued?.();
  return result;
}
