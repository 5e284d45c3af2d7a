/**
 * Overlap rule (issue 10): a therapist or a client is in one scheduled appointment at a time, unless
 * the caller allows overlap (group or back-to-back work). Messages name the other appointment by id
 * (or the file's line), never a person. The import check is set-based: one range scan of what is
 * already scheduled, then a sort per therapist and per client, not one query per row.
 */
import type { Interval, Repos } from "../../db/repos.js";
import { conflict } from "../errors.js";

/** Who an appointment holds, for messages: "therapist" or "client". */
type Side = "therapist" | "client";

/**
 * 409 `overlap` when the new appointment's therapist or client already has one at that time. An
 * appointment being moved (`id` given, a reschedule) does not overlap its own old time.
 */
export async function refuseOverlap(r: Repos, practiceId: string, a: Omit<Interval, "id"> & { id?: string }): Promise<void> {
  for (const other of await r.appointments.scheduledBetween(practiceId, a.startAt, a.endAt)) {
    if (other.id === a.id || other.startAt >= a.endAt || other.endAt <= a.startAt) continue;
    const side: Side | null = other.therapistId === a.therapistId ? "therapist" : other.clientId === a.clientId ? "client" : null;
    if (!side) continue;
    throw conflict("overlap", `the ${side} already has appointment ${other.id} at that time; allow overlap (allowOverlap) for group or back-to-back work`, {
      appointmentId: other.id,
      side,
    });
  }
}

/** A row of an import: its line and its time, with no id yet. */
export interface IncomingRow extends Omit<Interval, "id"> {
  line: number;
}

interface Item {
  startAt: number;
  endAt: number;
  /** Index into the incoming rows, or -1 for one already scheduled. */
  row: number;
  id: string;
}

/** For each incoming row that overlaps another incoming row or an existing appointment of the same therapist or client, its message. */
export async function importOverlaps(r: Repos, practiceId: string, rows: IncomingRow[]): Promise<Map<number, string>> {
  const problems = new Map<number, string>();
  if (rows.length === 0) return problems;
  let from = Infinity, to = -Infinity;
  for (const row of rows) (from = Math.min(from, row.startAt)), (to = Math.max(to, row.endAt));
  const existing = await r.appointments.scheduledBetween(practiceId, from, to);
  for (const side of ["therapist", "client"] as const) {
    const key = side === "therapist" ? "therapistId" : "clientId";
    const groups = new Map<string, Item[]>();
    const add = (who: string, item: Item) => {
      const g = groups.get(who);
      if (g) g.push(item);
      else groups.set(who, [item]);
    };
    rows.forEach((row, i) => add(row[key], { startAt: row.startAt, endAt: row.endAt, row: i, id: "" }));
    for (const e of existing) if (groups.has(e[key])) add(e[key], { startAt: e.startAt, endAt: e.endAt, row: -1, id: e.id });
    for (const items of groups.values()) checkGroup(items, rows, side, problems);
  }
  return problems;
}

/**
 * Sorted by start, an item overlaps an earlier one exactly when the latest end before it is past its
 * start, and a later one exactly when the next start is before its end.
 */
function checkGroup(items: Item[], rows: IncomingRow[], side: Side, problems: Map<number, string>): void {
  if (items.length < 2) return;
  items.sort((x, y) => x.startAt - y.startAt || x.endAt - y.endAt);
  let latest: Item | undefined;
  for (let k = 0; k < items.length; k++) {
    const item = items[k]!;
    const next = items[k + 1];
    if (item.row >= 0 && !problems.has(item.row)) {
      const other = latest && latest.endAt > item.startAt ? latest : next && next.startAt < item.endAt ? next : undefined;
      if (other) problems.set(item.row, `overlaps ${describe(other, rows)} of the same ${side}`);
    }
    if (!latest || item.endAt > latest.endAt) latest = item;
  }
}

function describe(item: Item, rows: IncomingRow[]): string {
  return item.row >= 0 ? `line ${rows[item.row]!.line}` : `appointment ${item.id}`;
}
