import { describe, expect, it } from "vitest";
import { formatTime, minutesBetween, plural, table } from "../../src/cli/output.js";
import { paintFor } from "../../src/cli/output.js";

describe("formatTime", () => {
  it("shows an instant on the practice's wall clock, across DST", async () => {
    expect(formatTime("2026-12-01T20:00:00.000Z", "America/New_York")).toBe("2026-12-01 15:00");
    expect(formatTime("2026-07-01T20:00:00Z", "America/New_York")).toBe("2026-07-01 16:00");
    expect(formatTime("2026-07-01T23:30:00Z", "Asia/Kolkata")).toBe("2026-07-02 05:00");
  });

  it("leaves a value it cannot read as it is", () => {
    expect(formatTime("soon", "UTC")).toBe("soon");
    expect(formatTime(undefined, "UTC")).toBe("");
  });
});

describe("table", () => {
  it("pads columns to the widest cell and trims line ends", async () => {
    const out = table(await paintFor(false), ["ID", "NAME"], [["stf_1", "Ana"], ["s2", "Bartholomew"]]);
    expect(out).toBe("ID     NAME\nstf_1  Ana\ns2     Bartholomew\n");
  });
});

describe("small helpers", () => {
  it("count words and minutes", () => {
    expect(plural(1, "appointment")).toBe("1 appointment");
    expect(plural(2, "appointment")).toBe("2 appointments");
    expect(plural(3, "client", "clients")).toBe("3 clients");
    expect(minutesBetween("2026-12-01T20:00:00Z", "2026-12-01T20:50:00Z")).toBe(50);
  });
});
