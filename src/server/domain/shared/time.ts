import { endOfLocalDay, zonedToUtc } from "../../../sdk/schemas/time.js";
import { invalid } from "../errors.js";

/** A time from the caller, read in the practice's zone when it has no offset (R9); bad input is a 400. */
export function readTime(field: string, value: string, timeZone: string): number {
  try {
    return zonedToUtc(value, timeZone);
  } catch (err) {
    throw invalid(`${field}: ${(err as Error).message}`);
  }
}

/** The exclusive end of a range: a bare date means "through the end of that day". */
export function readRangeEnd(field: string, value: string, timeZone: string): number {
  try {
    return endOfLocalDay(value, timeZone);
  } catch (err) {
    throw invalid(`${field}: ${(err as Error).message}`);
  }
}
