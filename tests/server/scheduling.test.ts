/** Scheduling that protects the practice (issue 10): one instant per start, in single create and import alike. */
import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { createAppointment } from "../../src/server/domain/appointments/service.js";
import { importAppointments } from "../../src/server/domain/import/appointments.js";
import type { ImportResult } from "../../src/sdk/schemas/index.js";
import { count, makeWorld, refusal, type World } from "../helpers/server.js";
import { idOf } from "../helpers/world.js";

const aptsCsv = (...lines: string[]) => ["therapist,client,start,duration_minutes", ...lines].join("\n") + "\n";
const create = (w: World, start: string, more: Record<string, unknown> = {}) =>
  createAppointment(w.deps, w.p.owner, { therapist: idOf(w.p.tina), client: w.p.alice.id, start, durationMinutes: 50, ...more });

/** The per-line errors of a refused import. */
async function importErrors(w: World, csv: string, query: { allowPast?: boolean; allowOverlap?: boolean } = {}) {
  const before = count(w.store, "appointments");
  const err = await refusal(importAppointments(w.deps, w.p.manager, csv, false, query), "import_invalid", 422);
  expect(count(w.store, "appointments")).toBe(before);
  return (err.details as ImportResult).errors;
}

describe("a start names one instant", () => {
  it("a bare date is refused by the schema (a 400 over HTTP) naming the field and the form to use", async () => {
    const w = await makeWorld();
    const err = await create(w, "2026-12-03").then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ZodError);
    expect((err as ZodError).issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["start", "must be a date and a time, such as 2026-12-03T15:00 (ISO 8601; an offset such as -05:00 is optional)"],
    ]);
    expect(count(w.store, "appointments")).toBe(0);
  });

  it("a time in the DST gap is refused with nonexistent_local_time and the valid times around it", async () => {
    const w = await makeWorld();
    const err = await refusal(create(w, "2027-03-14T02:30"), "nonexistent_local_time", 400);
    expect(err.message).toBe(
      "start: 2027-03-14T02:30 does not exist in America/New_York (the clocks go forward); the valid times around it are 2027-03-14T01:30 EST and 2027-03-14T03:30 EDT",
    );
    expect(err.details).toEqual({
      field: "start",
      readings: [
        { start: "2027-03-14T01:30-05:00", utc: "2027-03-14T06:30:00.000Z", zone: "EST" },
        { start: "2027-03-14T03:30-04:00", utc: "2027-03-14T07:30:00.000Z", zone: "EDT" },
      ],
    });
    expect(count(w.store, "appointments")).toBe(0);
  });

  it("a bare time in the DST overlap is refused with ambiguous_local_time; with an offset it is scheduled", async () => {
    const w = await makeWorld();
    const err = await refusal(create(w, "2026-11-01T01:30", { allowPast: true }), "ambiguous_local_time", 400);
    expect(err.message).toContain("start: 2026-11-01T01:30 happens twice in America/New_York");
    expect((err.details as { readings: unknown[] }).readings).toEqual([
      { start: "2026-11-01T01:30-04:00", utc: "2026-11-01T05:30:00.000Z", zone: "EDT" },
      { start: "2026-11-01T01:30-05:00", utc: "2026-11-01T06:30:00.000Z", zone: "EST" },
    ]);
    const est = await create(w, "2026-11-01T01:30-05:00", { allowPast: true });
    expect(est.start).toBe("2026-11-01T06:30:00.000Z");
  });

  it("in import, a bare date, a gap and an overlap time are errors on their lines", async () => {
    const w = await makeWorld();
    const t = idOf(w.p.tina), c = w.p.alice.id;
    const errors = await importErrors(w, aptsCsv(`${t},${c},2026-12-03,50`, `${t},${c},2027-03-14T02:30,50`, `${t},${c},2027-11-07T01:30,50`, `${t},${c},2026-12-04T10:00,50`));
    expect(errors).toEqual([
      { line: 2, message: 'start "2026-12-03" is a date without a time; give the start as a date and time, such as 2026-12-03T15:00' },
      { line: 3, message: expect.stringMatching(/^start 2027-03-14T02:30 does not exist in America\/New_York .* 2027-03-14T01:30 EST and 2027-03-14T03:30 EDT$/) },
      { line: 4, message: expect.stringMatching(/^start 2027-11-07T01:30 happens twice in America\/New_York .*2027-11-07T01:30-04:00 \(EDT/) },
    ]);
  });
});

describe("a start in the past", () => {
  it("is refused with start_in_past unless allowPast; a start exactly now has passed", async () => {
    const w = await makeWorld(); // clock at 2026-12-01T09:00 New York
    const err = await refusal(create(w, "2026-11-30T09:00"), "start_in_past", 422);
    expect(err.message).toBe("the start 2026-11-30T14:00:00.000Z has passed; to record a past appointment, allow it (allowPast)");
    await refusal(create(w, "2026-12-01T09:00"), "start_in_past", 422);
    expect(count(w.store, "appointments")).toBe(0);
    expect((await create(w, "2026-11-30T09:00", { allowPast: true })).start).toBe("2026-11-30T14:00:00.000Z");
    expect((await create(w, "2026-12-01T09:01")).start).toBe("2026-12-01T14:01:00.000Z");
  });

  it("in import, past rows are errors on their lines unless allowPast", async () => {
    const w = await makeWorld();
    const t = idOf(w.p.tina), c = w.p.alice.id;
    const csv = aptsCsv(`${t},${c},2026-12-04T10:00,50`, `${t},${c},2026-11-02T10:00,50`);
    expect(await importErrors(w, csv)).toEqual([
      { line: 3, message: "start 2026-11-02T15:00:00.000Z has passed (import with --allow-past to record past appointments)" },
    ]);
    expect(await importAppointments(w.deps, w.p.manager, csv, false, { allowPast: true })).toMatchObject({ created: 2 });
  });
});

describe("overlapping appointments", () => {
  it("the same therapist or the same client at an overlapping time is 409 overlap naming the other appointment", async () => {
    const w = await makeWorld();
    const first = await create(w, "2026-12-10T09:00"); // tina + alice, 09:00–09:50
    const sameTherapist = await refusal(
      createAppointment(w.deps, w.p.owner, { therapist: idOf(w.p.tina), client: w.p.carla.id, start: "2026-12-10T09:49", durationMinutes: 30 }),
      "overlap", 409,
    );
    expect(sameTherapist.message).toBe(`the therapist already has appointment ${first.id} at that time; allow overlap (allowOverlap) for group or back-to-back work`);
    expect(sameTherapist.details).toEqual({ appointmentId: first.id, side: "therapist" });
    const sameClient = await refusal(
      createAppointment(w.deps, w.p.owner, { therapist: idOf(w.p.theo), client: w.p.alice.id, start: "2026-12-10T08:30", durationMinutes: 45 }),
      "overlap", 409,
    );
    expect(sameClient.message).not.toContain("Alice");
    expect(sameClient.details).toEqual({ appointmentId: first.id, side: "client" });
    expect(count(w.store, "appointments")).toBe(1);
  });

  it("back to back is not an overlap; a cancelled one is not in the way; allowOverlap books a group", async () => {
    const w = await makeWorld();
    const first = await create(w, "2026-12-10T09:00");
    await create(w, "2026-12-10T09:50");
    await create(w, "2026-12-10T08:10");
    w.store.db.prepare(`UPDATE appointments SET status = 'cancelled' WHERE id = ?`).run(first.id);
    await create(w, "2026-12-10T09:00");
    await refusal(create(w, "2026-12-10T09:20"), "overlap", 409);
    expect((await create(w, "2026-12-10T09:20", { allowOverlap: true })).status).toBe("scheduled");
    expect(count(w.store, "appointments")).toBe(5);
  });

  it("in import, overlaps within the file and with what is scheduled are errors on their lines", async () => {
    const w = await makeWorld();
    const existing = await create(w, "2026-12-10T09:00");
    const t = idOf(w.p.tina), theo = idOf(w.p.theo), c = w.p.alice.id, carla = w.p.carla.id;
    const csv = aptsCsv(
      `${t},${carla},2026-12-10T09:30,50`, // line 2: tina busy with the existing one
      `${theo},${carla},2026-12-11T10:00,60`, // line 3: overlaps line 4 (carla)
      `${t},${carla},2026-12-11T10:59,30`, // line 4
      `${theo},${c},2026-12-11T12:00,50`, // line 5: fine
      `${theo},${c},2026-12-10T08:00,61`, // line 6: alice busy with the existing one from 09:00
    );
    expect(await importErrors(w, csv)).toEqual([
      { line: 2, message: `overlaps appointment ${existing.id} of the same therapist` },
      { line: 3, message: "overlaps line 4 of the same client" },
      { line: 4, message: "overlaps line 3 of the same client" },
      { line: 6, message: `overlaps appointment ${existing.id} of the same client` },
    ]);
    expect(await importAppointments(w.deps, w.p.manager, csv, true, { allowOverlap: true })).toMatchObject({ dryRun: true, created: 5 });
  });
});
