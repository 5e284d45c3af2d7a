import { describe, expect, it } from "vitest";
import { exactLocalTime, LocalTimeError } from "../../src/sdk/schemas/time.js";

const NY = "America/New_York";
const utc = (iso: string) => Date.parse(iso);

/** The LocalTimeError exactLocalTime throws for `local`, or a failure when it returns. */
function problem(local: string, timeZone = NY): LocalTimeError {
  try {
    exactLocalTime(local, timeZone);
  } catch (err) {
    if (err instanceof LocalTimeError) return err;
    throw err;
  }
  throw new Error(`${local} was accepted`);
}

describe("exactLocalTime: a start names exactly one instant", () => {
  it("reads an ordinary local time in the zone, and an explicit offset as written", () => {
    expect(exactLocalTime("2026-12-03T15:00", NY)).toBe(utc("2026-12-03T20:00Z"));
    expect(exactLocalTime("2027-07-01T09:00", NY)).toBe(utc("2027-07-01T13:00Z"));
    expect(exactLocalTime("2026-12-03T15:00Z", NY)).toBe(utc("2026-12-03T15:00Z"));
  });

  it("refuses a bare date, showing the form to use", () => {
    const e = problem("2026-12-03");
    expect(e.code).toBe("date_without_time");
    expect(e.message).toBe('"2026-12-03" is a date without a time; give the start as a date and time, such as 2026-12-03T15:00');
  });

  it("refuses a time in the spring-forward gap, giving the two valid times around it", () => {
    const e = problem("2027-03-14T02:30");
    expect(e.code).toBe("nonexistent_local_time");
    expect(e.message).toBe(
      "2027-03-14T02:30 does not exist in America/New_York (the clocks go forward); the valid times around it are 2027-03-14T01:30 EST and 2027-03-14T03:30 EDT",
    );
    expect(e.readings.map((r) => r.withOffset)).toEqual(["2027-03-14T01:30-05:00", "2027-03-14T03:30-04:00"]);
    expect(problem("2027-03-14T02:00").code).toBe("nonexistent_local_time");
    expect(exactLocalTime("2027-03-14T03:00", NY)).toBe(utc("2027-03-14T07:00Z"));
    expect(exactLocalTime("2027-03-14T01:59", NY)).toBe(utc("2027-03-14T06:59Z"));
  });

  it("refuses a time in the fall-back overlap, naming both readings with their UTC instants", () => {
    const e = problem("2026-11-01T01:30");
    expect(e.code).toBe("ambiguous_local_time");
    expect(e.message).toBe(
      "2026-11-01T01:30 happens twice in America/New_York (the clocks go back): 2026-11-01T01:30-04:00 (EDT, 2026-11-01T05:30:00.000Z) " +
        "or 2026-11-01T01:30-05:00 (EST, 2026-11-01T06:30:00.000Z); add the offset you mean, such as 2026-11-01T01:30-04:00",
    );
    expect(e.readings.map((r) => [r.epochMs, r.abbreviation])).toEqual([[utc("2026-11-01T05:30Z"), "EDT"], [utc("2026-11-01T06:30Z"), "EST"]]);
    // Either reading, written with its offset, is one instant.
    expect(exactLocalTime(e.readings[1]!.withOffset, NY)).toBe(utc("2026-11-01T06:30Z"));
    expect(exactLocalTime("2026-11-01T02:00", NY)).toBe(utc("2026-11-01T07:00Z"));
  });

  it("handles a half-hour shift and the southern hemisphere (Lord Howe)", () => {
    // Lord Howe goes from +10:30 to +11:00 at 02:00 on the first Sunday of October.
    expect(problem("2026-10-04T02:15", "Australia/Lord_Howe").code).toBe("nonexistent_local_time");
    expect(problem("2026-04-05T01:45", "Australia/Lord_Howe").code).toBe("ambiguous_local_time");
    expect(exactLocalTime("2026-10-04T02:30", "Australia/Lord_Howe")).toBe(utc("2026-10-03T15:30Z"));
  });

  it("still refuses malformed input as a plain RangeError", () => {
    expect(() => exactLocalTime("2026-13-03T10:00", NY)).toThrow(/month 13 does not exist/);
    expect(() => exactLocalTime("2026-13-03T10:00", NY)).not.toThrow(LocalTimeError);
  });
});
