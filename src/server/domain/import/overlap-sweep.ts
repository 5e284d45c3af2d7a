/**
 * The overlap rule (issue 10) over a streamed import (issue 14): the set-based check the
 * whole-file import made (a sort per therapist and per client), but over intervals read in order from the store
 * (incoming rows and scheduled appointments of one side, sorted by who, start and end), one at a
 * time: memory holds two intervals, and a bit per line for the rows already found to overlap.
 */
import type { SweepItem } from "../../db/import-stage.js";

/** A set of line numbers, one bit each. */
export class LineSet {
  private bits = new Uint8Array(1024);

  has(line: number): boolean {
    return line >> 3 < this.bits.length && (this.bits[line >> 3]! & (1 << (line & 7))) !== 0;
  }

  add(line: number): void {
    const at = line >> 3;
    if (at >= this.bits.length) {
      const grown = new Uint8Array(Math.max(at + 1, this.bits.length * 2));
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits[at]! |= 1 << (line & 7);
  }
}

/**
 * Calls `problem(line, message)` for each incoming row (not yet in `flagged`) that overlaps another
 * interval of the same who: sorted by start, an item overlaps an earlier one exactly when the latest
 * end before it is past its start, and a later one exactly when the next start is before its end.
 */
export async function sweepOverlaps(
  items: Iterable<SweepItem> | AsyncIterable<SweepItem>, side: "therapist" | "client", flagged: LineSet, problem: (line: number, message: string) => void,
): Promise<void> {
  let latest: SweepItem | undefined;
  let cur: SweepItem | undefined;
  const settle = (item: SweepItem, next: SweepItem | undefined) => {
    if (item.line >= 0 && !flagged.has(item.line)) {
      const other = latest && latest.endAt > item.startAt ? latest : next && next.startAt < item.endAt ? next : undefined;
      if (other) {
        flagged.add(item.line);
        problem(item.line, `overlaps ${other.line >= 0 ? `line ${other.line}` : `appointment ${other.id}`} of the same ${side}`);
      }
    }
    if (!latest || item.endAt > latest.endAt) latest = item;
  };
  const step = (item: SweepItem) => {
    if (cur) {
      const same = cur.who === item.who;
      settle(cur, same ? item : undefined);
      if (!same) latest = undefined;
    }
    cur = item;
  };
  // A store that reads synchronously (SQLite) is swept without an await per item.
  if (Symbol.iterator in items) for (const item of items) step(item);
  else for await (const item of items) step(item);
  if (cur) settle(cur, undefined);
}
