/**
 * `tele appointments export`: what a biller needs for claims (R28), streamed page by page: at most
 * one range of 366 days, read in keyset pages of 1,000 rows, so neither the server nor the reply
 * holds the whole file. Owners, managers and billers export every appointment; a therapist only
 * their own (the same scope as listing). One audit row per export (a read, R20).
 */
import { EXPORT_COLUMNS, EXPORT_MAX_DAYS, ExportQuery, type ExportRecord } from "../../../sdk/schemas/index.js";
import { clockInZone, localDateInZone } from "../../../sdk/schemas/time.js";
import type { ExportRow } from "../../db/repos.js";
import { practiceZone } from "../appointments/service.js";
import { auditRead } from "../audit/audit.js";
import type { Actor, Deps } from "../deps.js";
import { invalid } from "../errors.js";
import { READERS, requireStaff, seesAll } from "../shared/permissions.js";
import { readRangeEnd, readTime } from "../shared/time.js";
import { csvLine } from "./csv-out.js";

export const EXPORT_PAGE_SIZE = 1000;

export interface ExportStream {
  format: "csv" | "json";
  /** The body's chunks: a header line (CSV) and one line per appointment, or a JSON array, in start order. */
  chunks: AsyncIterable<string>;
}

/** One stored row as the export shows it, in the practice's zone. */
export function exportRecord(row: ExportRow, timeZone: string): ExportRecord {
  const ran = row.startedAt !== null && row.endedAt !== null;
  return {
    appointmentId: row.id, date: localDateInZone(row.startAt, timeZone), startTime: clockInZone(row.startAt, timeZone),
    therapistId: row.therapistId, therapistName: row.therapistName, clientId: row.clientId,
    scheduledMinutes: Math.round((row.endAt - row.startAt) / 60_000),
    actualMinutes: ran ? Math.max(0, Math.round((row.endedAt! - row.startedAt!) / 60_000)) : null,
    status: row.status, telehealth: row.telehealth, placeOfService: row.placeOfService, modifier: row.billingModifier,
    clientState: row.telehealth ? row.locationState : null,
  };
}

const csvOf = (r: ExportRecord) => csvLine([
  r.appointmentId, r.date, r.startTime, r.therapistId, r.therapistName, r.clientId, r.scheduledMinutes, r.actualMinutes,
  r.status, r.telehealth, r.placeOfService, r.modifier, r.clientState,
]);

/** Checks who is asking and the range, audits the export, and returns its body as a stream of chunks. */
export async function exportAppointments(deps: Deps, actor: Actor, query: unknown): Promise<ExportStream> {
  const a = requireStaff(actor, ...READERS);
  const q = ExportQuery.parse(query ?? {});
  const tz = await practiceZone(deps.store, a.practiceId);
  const from = readTime("from", q.from, tz);
  const to = readRangeEnd("to", q.to, tz);
  if (to <= from) throw invalid("to: must be after from");
  if (to - from > (EXPORT_MAX_DAYS + 1) * 86_400_000) throw invalid(`the range is longer than ${EXPORT_MAX_DAYS} days: export a year at a time`);
  const therapistId = seesAll(a) ? undefined : a.staff.id;
  await auditRead(deps, a, deps.clock(), a.practiceId, "appointments.export", { type: "appointment", id: null },
    { from: new Date(from).toISOString(), to: new Date(to).toISOString(), format: q.format, ...(therapistId && { therapistId }) });
  const store = deps.store;
  async function* records(): AsyncGenerator<ExportRecord> {
    let after: { startAt: number; id: string } | undefined;
    for (;;) {
      const page = await store.appointments.exportPage(a.practiceId, { from, to, therapistId, after, pageSize: EXPORT_PAGE_SIZE });
      for (const row of page) yield exportRecord(row, tz);
      if (page.length < EXPORT_PAGE_SIZE) return;
      const last = page[page.length - 1]!;
      after = { startAt: last.startAt, id: last.id };
    }
  }
  async function* csv(): AsyncGenerator<string> {
    yield csvLine(EXPORT_COLUMNS);
    for await (const r of records()) yield csvOf(r);
  }
  async function* json(): AsyncGenerator<string> {
    let first = true;
    yield "[";
    for await (const r of records()) {
      yield (first ? "\n" : ",\n") + JSON.stringify(r);
      first = false;
    }
    yield first ? "]\n" : "\n]\n";
  }
  return { format: q.format, chunks: q.format === "csv" ? csv() : json() };
}
