import { endOfLocalDay, exactLocalTime, isoUtc, LocalTimeError, zonedToUtc, type LocalReading } from "../../../sdk/schemas/time.js";
import { DomainError, invalid } from "../errors.js";

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

/**
 * An appointment's start: exactly one instant, or a 400 naming the field. A bare date, a time the
 * zone skips (`nonexistent_local_time`) or passes twice (`ambiguous_local_time`) is refused with
 * its own code, and the readings around it in `details` (the CLI asks which one is meant).
 */
export function readStart(field: string, value: string, timeZone: string): number {
  try {
    return exactLocalTime(value, timeZone);
  } catch (err) {
    if (err instanceof LocalTimeError) throw new DomainError(err.code, 400, `${field}: ${err.message}`, { field, readings: err.readings.map(readingView) });
    throw invalid(`${field}: ${(err as Error).message}`);
  }
}

function readingView(r: LocalReading) {
  return { start: r.withOffset, utc: isoUtc(r.epochMs), zone: r.abbreviation };
}
