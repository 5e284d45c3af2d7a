/**
 * Time zone arithmetic for the practice's wall-clock times (R9). Pure: no I/O, no globals beyond
 * per-zone caches. Intl.DateTimeFormat is slow (tens of µs a call), so each zone keeps one
 * formatter and memoises its UTC offset per UTC hour; a CSV import of 100,000 appointments in
 * the same few weeks then costs a hand-scanned parse and two Map look-ups per row.
 */

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const MAX_CACHED_HOURS = 50_000;
const MAX_CACHED_ZONES = 1_000;

const GMT = /^GMT(?:([+-])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?)?$/;
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

interface Zone {
  offsetFormat: Intl.DateTimeFormat;
  nameFormat?: Intl.DateTimeFormat;
  /** UTC hour number → offset in ms for the whole hour, or NaN when a transition falls inside it. */
  offsets: Map<number, number>;
}

const zones = new Map<string, Zone>();

function zone(timeZone: string): Zone {
  let z = zones.get(timeZone);
  if (z !== undefined) return z;
  if (typeof timeZone !== "string" || timeZone === "") {
    throw new RangeError("time zone must be an IANA name such as America/New_York");
  }
  let offsetFormat: Intl.DateTimeFormat;
  try {
    offsetFormat = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" });
  } catch {
    throw new RangeError(`unknown time zone "${timeZone}": use an IANA name such as America/New_York`);
  }
  if (zones.size >= MAX_CACHED_ZONES) zones.clear();
  z = { offsetFormat, offsets: new Map() };
  zones.set(timeZone, z);
  return z;
}

/** Ask Intl for the zone's offset at one instant (slow path). */
function intlOffset(z: Zone, epochMs: number): number {
  for (const part of z.offsetFormat.formatToParts(epochMs)) {
    if (part.type !== "timeZoneName") continue;
    const m = GMT.exec(part.value);
    if (m === null) break;
    if (m[1] === undefined) return 0;
    const ms = (+m[2] * 60 + +(m[3] ?? 0)) * MINUTE + +(m[4] ?? 0) * 1000;
    return m[1] === "-" ? -ms : ms;
  }
  throw new RangeError(`cannot read the UTC offset of ${z.offsetFormat.resolvedOptions().timeZone}`);
}

const WEEK = 7 * 24 * HOUR;

/** The offset for a whole span when it is the same at both ends, else NaN (no zone changes twice within a week and back). */
function spanOffset(z: Zone, key: number, start: number, length: number): number {
  let offset = z.offsets.get(key);
  if (offset === undefined) {
    const first = intlOffset(z, start);
    offset = first === intlOffset(z, start + length - 1) ? first : NaN;
    if (z.offsets.size >= MAX_CACHED_HOURS) z.offsets.clear();
    z.offsets.set(key, offset);
  }
  return offset;
}

/**
 * The zone's offset from UTC (ms, east positive) at an instant, memoised per UTC week, and per UTC
 * hour in the weeks that hold a clock change: an import of years of appointments asks Intl a few
 * hundred times, not once per hour it touches.
 */
function offsetAt(z: Zone, epochMs: number): number {
  const week = Math.floor(epochMs / WEEK);
  const weekly = spanOffset(z, -1 - week, week * WEEK, WEEK); // negative keys: weeks; the rest: hours
  if (weekly === weekly) return weekly;
  const hour = Math.floor(epochMs / HOUR);
  const hourly = spanOffset(z, hour, hour * HOUR, HOUR);
  return hourly === hourly ? hourly : intlOffset(z, epochMs);
}

interface Parsed {
  /** The wall-clock fields as if they were UTC. */
  wall: number;
  /** The explicit offset in ms, or null when the string names none. */
  offset: number | null;
  dateOnly: boolean;
}

function fail(input: string, why: string): never {
  throw new RangeError(`invalid date-time "${input}": ${why}`);
}

const MALFORMED = "expected ISO 8601 such as 2026-12-01, 2026-12-01T15:00 or 2026-12-01T15:00:00-05:00";

/** The n-digit number at s[i, i+n), or -1 if any of those characters is not a digit. */
function digits(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const d = s.charCodeAt(k) - 48;
    if (!(d >= 0 && d <= 9)) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (years counted from March, so leap days come last). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Hand-written scanner (a regex plus Date.UTC cost several times more per call). */
function parse(input: string): Parsed {
  if (typeof input !== "string") fail(String(input), "expected a string");
  const s = input.trim();
  const n = s.length;
  const year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
  if (n < 10 || year < 0 || month < 0 || day < 0 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) {
    fail(input, MALFORMED);
  }
  let hour = 0, minute = 0, second = 0, ms = 0;
  let offset: number | null = null;
  if (n > 10) {
    const t = s.charCodeAt(10);
    hour = digits(s, 11, 2);
    minute = digits(s, 14, 2);
    if ((t !== 84 && t !== 116 && t !== 32) || n < 16 || s.charCodeAt(13) !== 58 || hour < 0 || minute < 0) {
      fail(input, MALFORMED);
    }
    let p = 16;
    if (s.charCodeAt(p) === 58) {
      second = digits(s, p + 1, 2);
      if (second < 0) fail(input, MALFORMED);
      p += 3;
      const c = s.charCodeAt(p);
      if (c === 46 || c === 44) {
        const from = ++p;
        for (let d = s.charCodeAt(p) - 48; d >= 0 && d <= 9; d = s.charCodeAt(++p) - 48) {
          if (p - from < 3) ms += d * (p === from ? 100 : p === from + 1 ? 10 : 1);
        }
        if (p === from || p - from > 9) fail(input, MALFORMED);
      }
    }
    if (p < n) {
      const c = s.charCodeAt(p);
      const rest = n - p - 1;
      if ((c === 90 || c === 122) && rest === 0) offset = 0;
      else if ((c === 43 || c === 45) && (rest === 2 || rest === 4 || (rest === 5 && s.charCodeAt(p + 3) === 58))) {
        const oh = digits(s, p + 1, 2);
        const om = rest === 2 ? 0 : digits(s, n - 2, 2);
        if (oh < 0 || om < 0) fail(input, MALFORMED);
        if (oh > 23 || om > 59) fail(input, `offset ${s.slice(p)} does not exist`);
        offset = (c === 45 ? -1 : 1) * (oh * 60 + om) * MINUTE;
      } else fail(input, MALFORMED);
    }
  }
  if (month < 1 || month > 12) fail(input, `month ${s.slice(5, 7)} does not exist`);
  const daysInMonth = month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1];
  if (day < 1 || day > daysInMonth) fail(input, `day ${s.slice(8, 10)} does not exist in ${s.slice(0, 7)}`);
  if (hour > 23) fail(input, `hour ${s.slice(11, 13)} does not exist`);
  if (minute > 59) fail(input, `minute ${s.slice(14, 16)} does not exist`);
  if (second > 59) fail(input, `second ${s.slice(17, 19)} does not exist`);
  const wall = daysFromCivil(year, month, day) * DAY + hour * HOUR + minute * MINUTE + second * 1000 + ms;
  return { wall, offset, dateOnly: n === 10 };
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Resolve wall-clock ms (fields read as UTC) in a zone: gaps move forward, overlaps take the earlier instant. */
function resolveLocal(wall: number, z: Zone): number {
  // No zone is more than 14 h from UTC, so the answer lies between the offsets a day either side.
  const before = offsetAt(z, wall - DAY);
  const after = offsetAt(z, wall + DAY);
  if (before === after) return wall - before;
  const early = wall - before;
  const late = wall - after;
  const earlyFits = offsetAt(z, early) === before;
  const lateFits = offsetAt(z, late) === after;
  if (earlyFits && lateFits) return Math.min(early, late);
  if (earlyFits) return early;
  if (lateFits) return late;
  // Nonexistent local time: keep the offset in force before the gap, which lands after it.
  return early;
}

/** Why a local start time cannot be scheduled as written (stable codes the API and CLI share). */
export type LocalTimeProblem = "date_without_time" | "nonexistent_local_time" | "ambiguous_local_time";

/** One reading of a local time: the instant, the same wall clock with its explicit offset, and the zone's name then. */
export interface LocalReading {
  epochMs: number;
  /** Such as 2026-11-01T01:30-04:00: what to send to mean exactly this instant. */
  withOffset: string;
  abbreviation: string;
}

/** A local time that names no single instant: a bare date, a time in a DST gap, or one in a DST overlap. */
export class LocalTimeError extends RangeError {
  constructor(readonly code: LocalTimeProblem, message: string, readonly readings: LocalReading[] = []) {
    super(message);
    this.name = "LocalTimeError";
  }
}

function offsetText(offsetMs: number): string {
  const m = Math.abs(offsetMs) / MINUTE;
  const two = (n: number) => (n < 10 ? "0" : "") + n;
  return `${offsetMs < 0 ? "-" : "+"}${two(Math.floor(m / 60))}:${two(m % 60)}`;
}

function reading(epochMs: number, z: Zone, timeZone: string): LocalReading {
  const offset = offsetAt(z, epochMs);
  const wall = new Date(epochMs + offset).toISOString().slice(0, 16);
  return { epochMs, withOffset: wall + offsetText(offset), abbreviation: zoneAbbreviation(epochMs, timeZone) };
}

/**
 * Epoch ms of a start time that must name exactly one instant: a date and a time, with an offset
 * or read in `timeZone`. Unlike zonedToUtc it never guesses: a bare date, a wall-clock time the
 * zone skips (spring forward) or one it passes twice (fall back) is a LocalTimeError whose message
 * says what to write instead.
 */
export function exactLocalTime(local: string, timeZone: string): number {
  const p = parse(local);
  const z = zone(timeZone);
  const s = local.trim();
  if (p.dateOnly) {
    throw new LocalTimeError("date_without_time", `"${s}" is a date without a time; give the start as a date and time, such as ${s}T15:00`);
  }
  if (p.offset !== null) return p.wall - p.offset;
  const before = offsetAt(z, p.wall - DAY);
  const after = offsetAt(z, p.wall + DAY);
  if (before === after) return p.wall - before;
  const early = p.wall - before, late = p.wall - after;
  const earlyFits = offsetAt(z, early) === before, lateFits = offsetAt(z, late) === after;
  if (earlyFits !== lateFits) return earlyFits ? early : late;
  const [first, second] = [early, late].sort((x, y) => x - y).map((ms) => reading(ms, z, timeZone));
  const shown = s.slice(0, 16).replace(" ", "T");
  if (earlyFits) {
    throw new LocalTimeError(
      "ambiguous_local_time",
      `${shown} happens twice in ${timeZone} (the clocks go back): ${first.withOffset} (${first.abbreviation}, ${isoUtc(first.epochMs)}) ` +
        `or ${second.withOffset} (${second.abbreviation}, ${isoUtc(second.epochMs)}); add the offset you mean, such as ${first.withOffset}`,
      [first, second],
    );
  }
  throw new LocalTimeError(
    "nonexistent_local_time",
    `${shown} does not exist in ${timeZone} (the clocks go forward); the valid times around it are ` +
      `${localText(first)} and ${localText(second)}`,
    [first, second],
  );
}

function localText(r: LocalReading): string {
  return `${r.withOffset.slice(0, 16)} ${r.abbreviation}`;
}

/** Epoch ms of an ISO 8601 date or date-time; without an offset it is wall-clock time in `timeZone`. */
export function zonedToUtc(local: string, timeZone: string): number {
  const p = parse(local);
  const z = zone(timeZone); // checked even when an offset makes it moot, so bad config fails early
  return p.offset !== null ? p.wall - p.offset : resolveLocal(p.wall, z);
}

/** For a bare date, the instant the next local day starts (an exclusive end); otherwise zonedToUtc. */
export function endOfLocalDay(dateOrDateTime: string, timeZone: string): number {
  const p = parse(dateOrDateTime);
  const z = zone(timeZone);
  if (p.dateOnly) return resolveLocal(p.wall + DAY, z);
  return p.offset !== null ? p.wall - p.offset : resolveLocal(p.wall, z);
}

/** The wall-clock fields of an instant in a zone, as a Date whose UTC getters read them. */
function wallClock(epochMs: number, timeZone: string): Date {
  if (!Number.isFinite(epochMs)) throw new RangeError(`invalid time value: ${epochMs}`);
  return new Date(epochMs + offsetAt(zone(timeZone), epochMs));
}

/** Options for formatInZone. */
export interface FormatInZoneOptions {
  /** Show seconds (default false). */
  seconds?: boolean;
  /** Append the zone abbreviation, e.g. "EST" (default false). */
  zone?: boolean;
}

/** A readable local time such as "Tue 1 Dec 2026, 10:00" (24-hour clock). */
export function formatInZone(epochMs: number, timeZone: string, opts: FormatInZoneOptions = {}): string {
  const d = wallClock(epochMs, timeZone);
  const two = (n: number) => (n < 10 ? "0" : "") + n;
  let out =
    `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
  if (opts.seconds) out += `:${two(d.getUTCSeconds())}`;
  if (opts.zone) out += ` ${zoneAbbreviation(epochMs, timeZone)}`;
  return out;
}

/** The local time of day of an instant, "HH:MM" on a 24-hour clock, as formatInZone ends. */
export function clockInZone(epochMs: number, timeZone: string): string {
  return wallClock(epochMs, timeZone).toISOString().slice(11, 16);
}

/** The zone's short name at an instant as en-US prints it: "EST", "EDT", or "GMT+10:30" where none exists. */
export function zoneAbbreviation(epochMs: number, timeZone: string): string {
  const z = zone(timeZone);
  z.nameFormat ??= new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "short" });
  const part = z.nameFormat.formatToParts(epochMs).find((p) => p.type === "timeZoneName");
  return part?.value ?? timeZone;
}

/** The local calendar date of an instant in a zone, as YYYY-MM-DD. */
export function localDateInZone(epochMs: number, timeZone: string): string {
  return wallClock(epochMs, timeZone).toISOString().slice(0, 10);
}

/** An instant as an ISO 8601 UTC string (2026-12-01T15:00:00.000Z). */
export function isoUtc(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
