/**
 * R25 at the service layer: staff carry the states they are licensed in, the practice says what an
 * unlicensed state means (off, warn, refuse), and scheduling, converting (one and bulk) and
 * importing a telehealth appointment follow it. In-memory database, fixed clock, no HTTP.
 */
import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { convertAppointments } from "../../src/server/domain/appointments/convert.js";
import { getAppointment, setTelehealth } from "../../src/server/domain/appointments/service.js";
import { importAppointments } from "../../src/server/domain/import/appointments.js";
import { getPractice, updatePractice } from "../../src/server/domain/practice/service.js";
import { getStaff } from "../../src/server/domain/staff/service.js";
import { updateStaff } from "../../src/server/domain/staff/update.js";
import { auditRows, book, makeWorld, refusal, snapshot, type World } from "../helpers/server.js";
import { idOf } from "../helpers/world.js";

const licensed = (w: World, states: string[]) => updateStaff(w.deps, w.p.owner, idOf(w.p.tina), { licensedIn: states });
const setting = (w: World, licensure: "off" | "warn" | "refuse") => updatePractice(w.deps, w.p.owner, { licensure });

describe("staff licensed states (R25)", () => {
  it("are upper-cased, de-duplicated and sorted, shown on the staff record, and audited with before and after", async () => {
    const w = await makeWorld();
    expect((await getStaff(w.deps, w.p.owner, idOf(w.p.tina))).licensedIn).toEqual([]);
    const s = await licensed(w, ["ny", "NJ", " pr ", "NY"]);
    expect(s.licensedIn).toEqual(["NJ", "NY", "PR"]);
    expect((await getStaff(w.deps, w.p.owner, "tina@maple.test")).licensedIn).toEqual(["NJ", "NY", "PR"]);
    const row = auditRows(w.store, "staff.update").at(-1)!;
    expect(JSON.parse(row.details!)).toEqual({ fields: ["licensedIn"], licensedInBefore: [], licensedInAfter: ["NJ", "NY", "PR"] });
    // The same set again changes nothing and writes nothing.
    const before = snapshot(w.store);
    await licensed(w, ["PR", "NJ", "NY"]);
    expect(snapshot(w.store)).toEqual(before);
    expect((await licensed(w, [])).licensedIn).toEqual([]);
  });

  it("refuses codes that are not U.S. states or territories, and anyone but an owner or manager", async () => {
    const w = await makeWorld();
    await expect(licensed(w, ["NY", "ZZ"])).rejects.toBeInstanceOf(ZodError);
    await expect(licensed(w, ["Ontario"])).rejects.toBeInstanceOf(ZodError);
    await refusal(updateStaff(w.deps, w.p.biller, idOf(w.p.tina), { licensedIn: ["NY"] }), "permission_denied", 403);
    await refusal(updateStaff(w.deps, w.p.tina, idOf(w.p.tina), { licensedIn: ["NY"] }), "permission_denied", 403);
    await updateStaff(w.deps, w.p.manager, idOf(w.p.tina), { licensedIn: ["NY"] });
  });
});

describe("the practice's licensure setting", () => {
  it("is warn by default, changes to off or refuse (owner or manager), audited; anything else is refused", async () => {
    const w = await makeWorld();
    expect((await getPractice(w.deps, w.p.tina)).licensure).toBe("warn");
    expect((await setting(w, "refuse")).licensure).toBe("refuse");
    expect(JSON.parse(auditRows(w.store, "practice.update").at(-1)!.details!)).toEqual({ fields: ["licensure"] });
    await expect(updatePractice(w.deps, w.p.owner, { licensure: "strict" })).rejects.toBeInstanceOf(ZodError);
    await refusal(updatePractice(w.deps, w.p.biller, { licensure: "off" }), "permission_denied", 403);
  });
});

describe("scheduling a telehealth appointment (R25)", () => {
  it("says ok, unknown or unlicensed_state; warn goes ahead, refuse is 422 not_licensed_in_state and writes nothing", async () => {
    const w = await makeWorld();
    // No states recorded: nothing to compare.
    expect((await book(w, { client: w.p.alice, start: "2026-12-10T09:00", telehealth: true })).licensure).toBe("unknown");
    await licensed(w, ["NY"]);
    expect((await book(w, { client: w.p.alice, start: "2026-12-10T10:00", telehealth: true })).licensure).toBe("ok");
    // Carla lives in California.
    const flagged = await book(w, { client: w.p.carla, start: "2026-12-10T11:00", telehealth: true });
    expect(flagged.licensure).toBe("unlicensed_state");
    expect(JSON.parse(auditRows(w.store, "appointment.create").at(-1)!.details!)).toEqual({ telehealth: true, licensure: "unlicensed_state" });
    expect((await getAppointment(w.deps, w.p.biller, flagged.id)).licensure).toBe("unlicensed_state");
    await setting(w, "refuse");
    const before = snapshot(w.store);
    const err = await refusal(book(w, { client: w.p.carla, start: "2026-12-10T12:00", telehealth: true }), "not_licensed_in_state", 422);
    expect(err.details).toEqual({ therapistId: idOf(w.p.tina), state: "CA" });
    expect(err.message).not.toContain("Carla");
    expect(snapshot(w.store)).toEqual(before);
    // In person is not telehealth: refuse does not apply, and licensure is judged against the practice's state (NY).
    expect((await book(w, { client: w.p.carla, start: "2026-12-10T13:00" })).licensure).toBe("ok");
    await setting(w, "off");
    expect((await book(w, { client: w.p.carla, start: "2026-12-10T14:00", telehealth: true })).licensure).toBe("unlicensed_state");
  });

  it("converting one appointment follows the same rule", async () => {
    const w = await makeWorld();
    await licensed(w, ["NY"]);
    const a = await book(w, { client: w.p.carla, start: "2026-12-10T09:00" });
    await setting(w, "refuse");
    await refusal(setTelehealth(w.deps, w.p.owner, a.id, { telehealth: true }), "not_licensed_in_state", 422);
    await setting(w, "warn");
    const converted = await setTelehealth(w.deps, w.p.owner, a.id, { telehealth: true });
    expect({ telehealth: converted.telehealth, licensure: converted.licensure }).toEqual({ telehealth: true, licensure: "unlicensed_state" });
  });
});

describe("bulk conversion (R8 with R25)", () => {
  async function twoOfEach(w: World) {
    await licensed(w, ["NY"]);
    const ny = [await book(w, { client: w.p.alice, start: "2026-12-10T09:00" }), await book(w, { client: w.p.alice, start: "2026-12-11T09:00" })];
    const ca = [await book(w, { client: w.p.carla, start: "2026-12-10T11:00" }), await book(w, { client: w.p.carla, start: "2026-12-11T11:00" })];
    return { ny: ny.map((a) => a.id), ca: ca.map((a) => a.id) };
  }

  it("under warn converts them all and lists a warning per unlicensed appointment", async () => {
    const w = await makeWorld();
    const { ny, ca } = await twoOfEach(w);
    const dry = await convertAppointments(w.deps, w.p.owner, { therapist: "tina@maple.test", dryRun: true });
    expect(dry.converted.sort()).toEqual([...ny, ...ca].sort());
    expect(dry.warnings).toEqual(ca.map((id) => ({ id, code: "unlicensed_state", therapistId: idOf(w.p.tina), state: "CA" })));
    const done = await convertAppointments(w.deps, w.p.owner, { therapist: "tina@maple.test" });
    expect(done.warnings.map((x) => x.id)).toEqual(ca);
    expect(JSON.parse(auditRows(w.store, "appointments.convert").at(-1)!.details!).unlicensed).toBe(2);
  });

  it("under refuse skips them with not_licensed_in_state and converts the rest", async () => {
    const w = await makeWorld();
    const { ny, ca } = await twoOfEach(w);
    await setting(w, "refuse");
    const done = await convertAppointments(w.deps, w.p.owner, { therapist: "tina@maple.test" });
    expect(done.converted.sort()).toEqual(ny.sort());
    expect(done.skipped).toEqual(ca.map((id) => ({ id, reason: "not_licensed_in_state" })));
    expect(done.warnings).toEqual([]);
  });

  it("under off converts them all without warnings", async () => {
    const w = await makeWorld();
    await twoOfEach(w);
    await setting(w, "off");
    const done = await convertAppointments(w.deps, w.p.owner, { therapist: "tina@maple.test" });
    expect({ converted: done.converted.length, warnings: done.warnings }).toEqual({ converted: 4, warnings: [] });
  });
});

describe("importing telehealth appointments (R25)", () => {
  const csv = [
    "therapist,client,start,duration_minutes,telehealth",
    "tina@maple.test,alice@client.test,2026-12-10T09:00,50,yes",
    "tina@maple.test,carla,2026-12-10T11:00,50,yes",
    "tina@maple.test,carla,2026-12-11T11:00,50,no",
  ];
  const file = (w: World) => csv.join("\n").replace(/carla/g, w.p.carla.id) + "\n";

  it("under warn imports every row and lists the unlicensed ones by line", async () => {
    const w = await makeWorld();
    await licensed(w, ["NY"]);
    const res = await importAppointments(w.deps, w.p.owner, file(w), false);
    expect(res.created).toBe(3);
    expect(res.warnings).toEqual([{ line: 3, code: "unlicensed_state", therapistId: idOf(w.p.tina), state: "CA" }]);
  });

  it("under refuse makes the unlicensed telehealth row a bad row, and nothing is imported", async () => {
    const w = await makeWorld();
    await licensed(w, ["NY"]);
    await setting(w, "refuse");
    const before = snapshot(w.store);
    const err = await refusal(importAppointments(w.deps, w.p.owner, file(w), false), "import_invalid", 422);
    expect((err.details as { errors: { line: number; message: string }[] }).errors).toEqual([
      { line: 3, message: expect.stringContaining("not licensed in CA") },
    ]);
    expect(snapshot(w.store)).toEqual(before);
  });
});
