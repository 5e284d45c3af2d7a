/**
 * Every practice setting through `updatePractice` (issue 10): name, time zone, join window (R13) and
 * auto-complete minutes (R18), on an in-memory database with a fixed clock; ranges, IANA zones, the
 * one-line rule, one audit row naming the fields, and the join window that the sessions then use.
 */
import { describe, expect, it } from "vitest";
import { getPractice, updatePractice } from "../../src/server/domain/practice/service.js";
import { getAppointment } from "../../src/server/domain/appointments/service.js";
import { auditRows, book, makeWorld, refusal, rows } from "../helpers/server.js";

describe("updatePractice: every setting", () => {
  it("a manager changes several settings at once; only they change; one audit row names them", async () => {
    const w = await makeWorld();
    const p = await updatePractice(w.deps, w.p.manager, { name: " Maple & Oak ", timeZone: "America/Chicago", joinWindowMinutes: 10, autoCompleteMinutes: 90 });
    expect(p).toMatchObject({ name: "Maple & Oak", timeZone: "America/Chicago", joinWindowMinutes: 10, autoCompleteMinutes: 90, contact: null, slug: "maple-therapy", state: "NY" });
    expect(await getPractice(w.deps, w.p.tina)).toEqual(p);
    const [row, ...more] = auditRows(w.store, "practice.update");
    expect(more).toEqual([]);
    expect(JSON.parse(row!.details!)).toEqual({ fields: ["name", "timeZone", "joinWindowMinutes", "autoCompleteMinutes"] });
    // The same values again, and a partly same change, write only what differs.
    const before = rows(w.store, "audit_log");
    await updatePractice(w.deps, w.p.owner, { name: "Maple & Oak", joinWindowMinutes: 10 });
    expect(rows(w.store, "audit_log")).toEqual(before);
    await updatePractice(w.deps, w.p.owner, { name: "Maple & Oak", joinWindowMinutes: 0 });
    expect(JSON.parse(auditRows(w.store, "practice.update")[1]!.details!)).toEqual({ fields: ["joinWindowMinutes"] });
  });

  it.each([
    [{ joinWindowMinutes: 121 }, /0 to 120/],
    [{ joinWindowMinutes: -1 }, /0 to 120/],
    [{ joinWindowMinutes: 2.5 }, /whole number/],
    [{ autoCompleteMinutes: 4 }, /5 to 1440/],
    [{ autoCompleteMinutes: 1441 }, /5 to 1440/],
    [{ autoCompleteMinutes: "60" }, /number/],
    [{ timeZone: "Mars/Olympus" }, /IANA time zone/],
    [{ timeZone: "EST5EDT-ish" }, /IANA time zone/],
    [{ name: "" }, /must not be empty/],
    [{ name: "Maple\nOak" }, /one line/],
    [{ name: "Maple\u202eOak" }, /one line/],
  ])("refuses %j and writes nothing", async (input, message) => {
    const w = await makeWorld();
    const before = rows(w.store, "practices");
    await expect(updatePractice(w.deps, w.p.owner, input)).rejects.toThrow(message);
    expect(rows(w.store, "practices")).toEqual(before);
    expect(auditRows(w.store, "practice.update")).toEqual([]);
  });

  it("accepts the ends of the ranges", async () => {
    const w = await makeWorld();
    expect(await updatePractice(w.deps, w.p.owner, { joinWindowMinutes: 0, autoCompleteMinutes: 5 })).toMatchObject({ joinWindowMinutes: 0, autoCompleteMinutes: 5 });
    expect(await updatePractice(w.deps, w.p.owner, { joinWindowMinutes: 120, autoCompleteMinutes: 1440, timeZone: "UTC" })).toMatchObject({ joinWindowMinutes: 120, autoCompleteMinutes: 1440, timeZone: "UTC" });
  });

  it("therapists and billers are refused", async () => {
    const w = await makeWorld();
    await refusal(updatePractice(w.deps, w.p.tina, { joinWindowMinutes: 5 }), "permission_denied", 403);
    await refusal(updatePractice(w.deps, w.p.biller, { name: "Mine" }), "permission_denied", 403);
    expect(auditRows(w.store, "practice.update")).toEqual([]);
  });

  it("R13: a new join window moves when Join opens for appointments already scheduled", async () => {
    const w = await makeWorld();
    const apt = await book(w, { client: w.p.alice, start: "2026-12-01T09:30", telehealth: true }); // 14:30Z, 30 minutes after T0
    expect((await getAppointment(w.deps, w.p.owner, apt.id)).session?.state).toBe("not_open"); // opens 14:15Z
    await updatePractice(w.deps, w.p.owner, { joinWindowMinutes: 45 });
    expect((await getAppointment(w.deps, w.p.owner, apt.id)).session?.state).toBe("open"); // opened 13:45Z
  });
});
