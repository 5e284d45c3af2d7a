import { describe, expect, it } from "vitest";
import {
  endOfLocalDay,
  clockInZone,
  formatInZone,
  isoUtc,
  localDateInZone,
  zoneAbbreviation,
  zonedToUtc,
} from "../../src/sdk/schemas/time.js";

const NY = "America/New_York";
const utc = (iso: string) => Date.parse(iso);

/** Independent oracle: local wall-clock fields of an instant, straight from Intl (no cache). */
const oracles = new Map<string, Intl.DateTimeFormat>();
function intlWall(epochMs: number, timeZone: string): string {
  let f = oracles.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    });
    oracles.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(epochMs).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

describe("zonedToUtc with an explicit offset", () => {
  it.each([
    ["2026-12-01T15:00Z", "2026-12-01T15:00:00.000Z"],
    ["2026-12-01t15:00z", "2026-12-01T15:00:00.000Z"],
    ["2026-12-01T15:00:00-05:00", "2026-12-01T20:00:00.000Z"],
    ["2026-12-01T15:00+0530", "2026-12-01T09:30:00.000Z"],
    ["2026-12-01T15:00+05", "2026-12-01T10:00:00.000Z"],
    ["2026-12-01 15:00:30.250+00:00", "2026-12-01T15:00:30.250Z"],
    ["2026-12-01T15:00:30.5Z", "2026-12-01T15:00:30.500Z"],
    ["2026-12-01T15:00:30.123456789Z", "2026-12-01T15:00:30.123Z"],
    ["2026-12-01T00:30-01:00", "2026-12-01T01:30:00.000Z"],
  ])("%s is %s whatever the zone", (input, expected) => {
    expect(zonedToUtc(input, NY)).toBe(utc(expected));
    expect(zonedToUtc(input, "Asia/Tokyo")).toBe(utc(expected));
  });

  it("matches Date.parse on the first and last day of every month, 1600 to 2400", () => {
    let wrong = 0;
    for (let y = 1600; y <= 2400; y += 7) {
      for (let m = 1; m <= 12; m++) {
        const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
        for (const d of [1, last]) {
          const iso = `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}T23:59:59.999Z`;
          if (zonedToUtc(iso, "UTC") !== Date.parse(iso)) wrong++;
        }
      }
    }
    expect(wrong).toBe(0);
  });

  it("reads fractions of a second to the millisecond, with a dot or a comma", () => {
    expect(zonedToUtc("2026-12-01T15:00:00.1Z", "UTC") % 1000).toBe(100);
    expect(zonedToUtc("2026-12-01T15:00:00.12Z", "UTC") % 1000).toBe(120);
    expect(zonedToUtc("2026-12-01T15:00:00,007Z", "UTC") % 1000).toBe(7);
    expect(zonedToUtc("2026-12-01T15:00:00.9999Z", "UTC") % 1000).toBe(999);
  });

  it("handles years below 100 without Date.UTC's 1900 shift", () => {
    expect(zonedToUtc("0050-06-01T00:00Z", "UTC")).toBe(utc("0050-06-01T00:00:00Z"));
    expect(zonedToUtc("0004-02-29T12:00Z", "UTC")).toBe(utc("0004-02-29T12:00:00Z"));
  });
});

describe("zonedToUtc in a zone", () => {
  it.each([
    ["2026-12-01T15:00", NY, "2026-12-01T20:00:00.000Z"],
    ["2026-12-01 15:00:30", NY, "2026-12-01T20:00:30.000Z"],
    ["2026-12-01T15:00:00.250", NY, "2026-12-01T20:00:00.250Z"],
    ["2026-07-01T15:00", NY, "2026-07-01T19:00:00.000Z"],
    ["2026-12-01", NY, "2026-12-01T05:00:00.000Z"],
    ["  2026-12-01  ", NY, "2026-12-01T05:00:00.000Z"],
    ["2026-12-01T10:00", "Asia/Kolkata", "2026-12-01T04:30:00.000Z"],
    ["2026-12-01T10:00", "UTC", "2026-12-01T10:00:00.000Z"],
    ["2026-06-01T10:00", "Europe/London", "2026-06-01T09:00:00.000Z"],
    ["2026-01-01T00:00", "Pacific/Kiritimati", "2025-12-31T10:00:00.000Z"],
  ])("%s in %s is %s", (input, zone, expected) => {
    expect(isoUtc(zonedToUtc(input, zone))).toBe(expected);
  });

  it("moves a time in New York's spring-forward gap forward by the gap", () => {
    expect(isoUtc(zonedToUtc("2026-03-08T01:59", NY))).toBe("2026-03-08T06:59:00.000Z");
    expect(isoUtc(zonedToUtc("2026-03-08T02:00", NY))).toBe("2026-03-08T07:00:00.000Z");
    expect(isoUtc(zonedToUtc("2026-03-08T02:30", NY))).toBe("2026-03-08T07:30:00.000Z");
    expect(isoUtc(zonedToUtc("2026-03-08T03:00", NY))).toBe("2026-03-08T07:00:00.000Z");
    expect(formatInZone(zonedToUtc("2026-03-08T02:30", NY), NY)).toBe("Sun 8 Mar 2026, 03:30");
  });

  it("takes the earlier instant in New York's fall-back overlap", () => {
    expect(isoUtc(zonedToUtc("2026-11-01T00:59", NY))).toBe("2026-11-01T04:59:00.000Z");
    expect(isoUtc(zonedToUtc("2026-11-01T01:00", NY))).toBe("2026-11-01T05:00:00.000Z");
    expect(isoUtc(zonedToUtc("2026-11-01T01:30", NY))).toBe("2026-11-01T05:30:00.000Z");
    expect(isoUtc(zonedToUtc("2026-11-01T01:59:59", NY))).toBe("2026-11-01T05:59:59.000Z");
    expect(isoUtc(zonedToUtc("2026-11-01T02:00", NY))).toBe("2026-11-01T07:00:00.000Z");
    expect(zoneAbbreviation(zonedToUtc("2026-11-01T01:30", NY), NY)).toBe("EDT");
  });

  it("handles Europe/London's transitions", () => {
    expect(isoUtc(zonedToUtc("2026-03-29T01:30", "Europe/London"))).toBe("2026-03-29T01:30:00.000Z");
    expect(isoUtc(zonedToUtc("2026-03-29T02:00", "Europe/London"))).toBe("2026-03-29T01:00:00.000Z");
    expect(isoUtc(zonedToUtc("2026-10-25T01:30", "Europe/London"))).toBe("2026-10-25T00:30:00.000Z");
    expect(isoUtc(zonedToUtc("2026-10-25T02:00", "Europe/London"))).toBe("2026-10-25T02:00:00.000Z");
  });

  it("handles Lord Howe's half-hour shifts, which fall mid-way through a UTC hour", () => {
    const LH = "Australia/Lord_Howe";
    // 4 October 2026 at 02:00 (+10:30) clocks go to 02:30 (+11): 15:30Z on 3 October.
    expect(isoUtc(zonedToUtc("2026-10-04T01:59", LH))).toBe("2026-10-03T15:29:00.000Z");
    expect(isoUtc(zonedToUtc("2026-10-04T02:15", LH))).toBe("2026-10-03T15:45:00.000Z");
    expect(isoUtc(zonedToUtc("2026-10-04T02:30", LH))).toBe("2026-10-03T15:30:00.000Z");
    // 5 April 2026 at 02:00 (+11) clocks go back to 01:30 (+10:30): 01:45 happens twice.
    expect(isoUtc(zonedToUtc("2026-04-05T01:45", LH))).toBe("2026-04-04T14:45:00.000Z");
    expect(isoUtc(zonedToUtc("2026-04-05T02:00", LH))).toBe("2026-04-04T15:30:00.000Z");
    expect(formatInZone(utc("2026-10-03T15:29:00Z"), LH)).toBe("Sun 4 Oct 2026, 01:59");
    expect(formatInZone(utc("2026-10-03T15:30:00Z"), LH)).toBe("Sun 4 Oct 2026, 02:30");
  });

  it("resolves a skipped midnight to the first instant of the day (America/Santiago)", () => {
    const SCL = "America/Santiago";
    const start = zonedToUtc("2026-09-06", SCL);
    expect(intlWall(start, SCL)).toBe("2026-09-06T01:00");
    expect(intlWall(start - 60_000, SCL)).toBe("2026-09-05T23:59");
  });

  it.each([NY, "Europe/London", "Australia/Lord_Howe", "America/Santiago", "Asia/Kolkata"])(
    "agrees with Intl for every quarter hour of 2026 in %s, taking the first of repeated times",
    (zone) => {
      const first = new Map<string, number>();
      for (let t = utc("2026-01-01T00:00Z"); t < utc("2027-01-01T00:00Z"); t += 15 * 60_000) {
        const wall = intlWall(t, zone);
        if (!first.has(wall)) first.set(wall, t);
      }
      let wrong = 0;
      for (const [wall, t] of first) if (zonedToUtc(wall, zone) !== t) wrong++;
      expect(wrong).toBe(0);
    },
  );
});

describe("zonedToUtc rejects bad input with RangeError", () => {
  it.each([
    "",
    "tomorrow",
    "12/01/2026",
    "2026-12-1",
    "2026-12-01T",
    "2026-12-01T15",
    "2026-12-01T1500",
    "2026-12-01Z",
    "2026-13-01",
    "2026-00-10",
    "2026-02-30",
    "2026-02-29",
    "1900-02-29",
    "2026-04-31",
    "2026-12-00",
    "2026-12-01T25:00",
    "2026-12-01T24:00",
    "2026-12-01T15:60",
    "2026-12-01T15:00:60",
    "2026-12-01T15:00+24:00",
    "2026-12-01T15:00+05:60",
    "2026-12-01T15:00:00.",
    "2026-12-01T15:00:00.1234567890Z",
    "2026-12-01T15:00:00.5x",
    "2026-12-01X15:00",
    "2026-12-01T15:00Zx",
    "2026-12-01T15:00+05:3",
    "2026-12-01T15:00+053",
    "2026-12-01T15:00+05:30:00",
    "2026-12-01T15:00 +05:00",
    "2026-12-01T15:00-",
    "-2026-12-01",
    "2026-12-01T15:00:00Z trailing",
  ])("%j", (input) => {
    expect(() => zonedToUtc(input, NY)).toThrow(RangeError);
    expect(() => zonedToUtc(input, NY)).toThrow(`"${input}"`);
  });

  it("accepts real leap days", () => {
    expect(isoUtc(zonedToUtc("2024-02-29", "UTC"))).toBe("2024-02-29T00:00:00.000Z");
    expect(isoUtc(zonedToUtc("2000-02-29", "UTC"))).toBe("2000-02-29T00:00:00.000Z");
  });

  it("rejects non-strings and unknown zones", () => {
    expect(() => zonedToUtc(20261201 as unknown as string, NY)).toThrow(RangeError);
    expect(() => zonedToUtc("2026-12-01T10:00", "Mars/Olympus")).toThrow(/unknown time zone "Mars\/Olympus"/);
    expect(() => zonedToUtc("2026-12-01T10:00Z", "Mars/Olympus")).toThrow(RangeError);
    expect(() => zonedToUtc("2026-12-01T10:00", "")).toThrow(RangeError);
  });
});

describe("endOfLocalDay", () => {
  it("gives the next local midnight for a bare date", () => {
    expect(isoUtc(endOfLocalDay("2026-12-01", NY))).toBe("2026-12-02T05:00:00.000Z");
    expect(isoUtc(endOfLocalDay("2026-12-31", NY))).toBe("2027-01-01T05:00:00.000Z");
    expect(isoUtc(endOfLocalDay("2024-02-28", "UTC"))).toBe("2024-02-29T00:00:00.000Z");
  });

  it("copes with days that are 23 or 25 hours long", () => {
    expect(isoUtc(endOfLocalDay("2026-03-08", NY))).toBe("2026-03-09T04:00:00.000Z");
    expect(endOfLocalDay("2026-03-08", NY) - zonedToUtc("2026-03-08", NY)).toBe(23 * 3_600_000);
    expect(endOfLocalDay("2026-11-01", NY) - zonedToUtc("2026-11-01", NY)).toBe(25 * 3_600_000);
    expect(endOfLocalDay("2026-09-05", "America/Santiago")).toBe(zonedToUtc("2026-09-06", "America/Santiago"));
  });

  it("is zonedToUtc for a date-time", () => {
    expect(endOfLocalDay("2026-12-01T15:00", NY)).toBe(zonedToUtc("2026-12-01T15:00", NY));
    expect(endOfLocalDay("2026-12-01T15:00Z", NY)).toBe(utc("2026-12-01T15:00:00Z"));
    expect(() => endOfLocalDay("2026-02-30", NY)).toThrow(RangeError);
  });
});

describe("formatting", () => {
  const t = utc("2026-12-01T15:00:07Z");

  it("formatInZone prints a readable local time", () => {
    expect(formatInZone(t, NY)).toBe("Tue 1 Dec 2026, 10:00");
    expect(formatInZone(t, NY, { seconds: true, zone: true })).toBe("Tue 1 Dec 2026, 10:00:07 EST");
    expect(formatInZone(t, "Asia/Kolkata")).toBe("Tue 1 Dec 2026, 20:30");
    expect(formatInZone(utc("2026-07-04T03:05:00Z"), NY, { zone: true })).toBe("Fri 3 Jul 2026, 23:05 EDT");
    expect(() => formatInZone(Number.NaN, NY)).toThrow(RangeError);
  });

  it("clockInZone is the time of day formatInZone ends with", () => {
    expect(clockInZone(t, NY)).toBe("10:00");
    expect(clockInZone(t, "Asia/Kolkata")).toBe("20:30");
    expect(clockInZone(utc("2026-07-04T03:05:00Z"), NY)).toBe("23:05");
    expect(() => clockInZone(Number.NaN, NY)).toThrow(RangeError);
  });

  it("zoneAbbreviation names the zone at that instant", () => {
    expect(zoneAbbreviation(t, NY)).toBe("EST");
    expect(zoneAbbreviation(utc("2026-07-01T12:00Z"), NY)).toBe("EDT");
    expect(zoneAbbreviation(t, "Europe/London")).toBe("GMT");
    expect(zoneAbbreviation(t, "UTC")).toBe("UTC");
  });

  it("localDateInZone gives the local calendar date", () => {
    const lateEvening = utc("2026-12-02T03:00Z");
    expect(localDateInZone(lateEvening, NY)).toBe("2026-12-01");
    expect(localDateInZone(lateEvening, "Asia/Tokyo")).toBe("2026-12-02");
    expect(localDateInZone(utc("2026-10-03T13:29Z"), "Australia/Lord_Howe")).toBe("2026-10-03");
    expect(localDateInZone(utc("2026-10-03T13:30Z"), "Australia/Lord_Howe")).toBe("2026-10-04");
  });

  it("isoUtc is the ISO string in UTC", () => {
    expect(isoUtc(utc("2026-12-01T15:00:00.250Z"))).toBe("2026-12-01T15:00:00.250Z");
  });
});

describe("speed", () => {
  // Relative to Date.parse on the same strings, so a busy machine slows both. Cached offsets make
  // zonedToUtc cost about one Date.parse; calling Intl per row would be some 30-100 times slower.
  it("converts 100,000 local times in the same few weeks at Date.parse-like speed", () => {
    const inputs: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const day = String(1 + (i % 28)).padStart(2, "0");
      inputs.push(`2026-11-${day}T${String(8 + (i % 10)).padStart(2, "0")}:${i % 2 ? "30" : "00"}`);
    }
    const time = (fn: (s: string) => number) => {
      let best = Infinity;
      for (let run = 0; run < 3; run++) {
        const start = performance.now();
        let sum = 0;
        for (let i = 0; i < 100_000; i++) sum += fn(inputs[i % 1000]);
        best = Math.min(best, performance.now() - start);
        expect(sum).not.toBeNaN();
      }
      return best;
    };
    const parse = time((s) => Date.parse(s));
    expect(time((s) => zonedToUtc(s, NY))).toBeLessThan(5 * parse + 20);
  });
});
