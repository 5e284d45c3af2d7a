/**
 * How a notice says when (R23): subjects name the time and nothing else ("Your appointment on Tue,
 * Dec 3 at 4:00 PM"), bodies say it in full with the zone. Formatters are made once per zone.
 */
import { zoneAbbreviation } from "../../../sdk/schemas/time.js";

const cache = new Map<string, { short: Intl.DateTimeFormat; long: Intl.DateTimeFormat; time: Intl.DateTimeFormat }>();

function formats(timeZone: string) {
  let f = cache.get(timeZone);
  if (!f) {
    f = {
      short: new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short", month: "short", day: "numeric" }),
      long: new Intl.DateTimeFormat("en-US", { timeZone, weekday: "long", month: "long", day: "numeric", year: "numeric" }),
      time: new Intl.DateTimeFormat("en-US", { timeZone, hour: "numeric", minute: "2-digit" }),
    };
    cache.set(timeZone, f);
  }
  return f;
}

/** "Tue, Dec 3 at 4:00 PM": for subjects, which show on a lock screen. */
export function shortWhen(epochMs: number, timeZone: string): string {
  const f = formats(timeZone);
  return `${f.short.format(epochMs)} at ${f.time.format(epochMs)}`;
}

/** "Tuesday, December 3, 2026, 4:00 PM – 4:50 PM EST (America/New_York)". */
export function longWhen(startAt: number, endAt: number, timeZone: string): string {
  const f = formats(timeZone);
  return `${f.long.format(startAt)}, ${f.time.format(startAt)} – ${f.time.format(endAt)} ${zoneAbbreviation(startAt, timeZone)} (${timeZone})`;
}

/** 1440 → "24 hours", 60 → "1 hour", 90 → "90 minutes", 2880 → "2 days". */
export function offsetWords(minutes: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (minutes % 1440 === 0 && minutes >= 2880) return unit(minutes / 1440, "day");
  if (minutes % 60 === 0) return unit(minutes / 60, "hour");
  return unit(minutes, "minute");
}
