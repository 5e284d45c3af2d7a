/**
 * `npm run bench -- scale`: a practice of 1,000,000 appointments, end to end through the real binary
 * against a real server (issue 14). Each half of the group is its own file and adds its figures here:
 * the listing (scale-list.ts) and, beside it, the import.
 */
import { scaleListFigures } from "./scale-list.js";
import type { Figure } from "./stats.js";

/** The parts of the group, run one after the other; a second file adds its function to this list. */
export const SCALE_PARTS: (() => Promise<Figure[]>)[] = [scaleListFigures];

export async function scaleFigures(): Promise<Figure[]> {
  const out: Figure[] = [];
  for (const part of SCALE_PARTS) out.push(...(await part()));
  return out;
}
