import { describe, expect, it } from "vitest";
import { addStaff, disableTeletherapy, enableTeletherapy, getStaff } from "../../src/server/domain/staff/service.js";
import { auditRows, book, makeWorld, refusal, rows, setStatus } from "../helpers/server.js";
import { idOf, T0 } from "../helpers/world.js";

const teletherapyOf = async (w: Awaited<ReturnType<typeof makeWorld>>, id: string) => (await w.store.staff.byId(w.p.practiceId, id))!.teletherapy;

describe("R2: who may enable or disable Teletherapy", () => {
  it("an owner enables it for a therapist, and the change is audited", async () => {
    const w = await makeWorld();
    const theo = idOf(w.p.theo);
    const res = await enableTeletherapy(w.deps, w.p.owner, theo);
    expect(res.changed).toBe(true);
    expect(res.staff).toMatchObject({ id: theo, teletherapy: true });
    expect(await teletherapyOf(w, theo)).toBe(true);
    expect(auditRows(w.store, "staff.teletherapy.enable").filter((r) => r.record_id === theo)).toHaveLength(1);
  });

  it("a manager enables and disables it, naming the therapist by email", async () => {
    const w = await makeWorld();
    const on = await enableTeletherapy(w.deps, w.p.manager, "Theo@Maple.test");
    expect(on).toMatchObject({ changed: true, staff: { teletherapy: true } });
    const off = await disableTeletherapy(w.deps, w.p.manager, "theo@maple.test", {});
    expect(off).toMatchObject({ changed: true, staff: { teletherapy: false }, convertedToInPerson: [] });
    expect(await teletherapyOf(w, idOf(w.p.theo))).toBe(false);
  });

  it.each(["tina", "theo", "biller"] as const)("%s (not owner or manager) is refused with 403 and nothing changes", async (who) => {
    const w = await makeWorld();
    const before = rows(w.store, "staff");
    const auditBefore = auditRows(w.store).length;
    await refusal(enableTeletherapy(w.deps, w.p[who], idOf(w.p.theo)), "permission_denied", 403);
    await refusal(disableTeletherapy(w.deps, w.p[who], idOf(w.p.tina), {}), "permission_denied", 403);
    expect(rows(w.store, "staff")).toEqual(before);
    expect(auditRows(w.store)).toHaveLength(auditBefore);
  });

  it.each(["biller", "manager", "owner"] as const)("enabling it for the %s (no therapist role) is 422 not_a_therapist", async (who) => {
    const w = await makeWorld();
    const err = await refusal(enableTeletherapy(w.deps, w.p.owner, idOf(w.p[who])), "not_a_therapist", 422);
    expect(err.message).toMatch(/therapist role/);
    expect(await teletherapyOf(w, idOf(w.p[who]))).toBe(false);
  });

  it("enabling twice is idempotent: changed:false and a single audit row", async () => {
    const w = await makeWorld();
    const theo = idOf(w.p.theo);
    expect((await enableTeletherapy(w.deps, w.p.owner, theo)).changed).toBe(true);
    const again = await enableTeletherapy(w.deps, w.p.manager, theo);
    expect(again).toMatchObject({ changed: false, staff: { id: theo, teletherapy: true }, convertedToInPerson: [] });
    expect(auditRows(w.store, "staff.teletherapy.enable").filter((r) => r.record_id === theo)).toHaveLength(1);
  });

  it("disabling someone who has it off is a no-op without an audit row", async () => {
    const w = await makeWorld();
    const before = auditRows(w.store).length;
    const res = await disableTeletherapy(w.deps, w.p.owner, idOf(w.p.theo), { upcoming: "refuse" });
    expect(res.changed).toBe(false);
    expect(auditRows(w.store)).toHaveLength(before);
  });

  it("an unknown staff member is 404 not_found", async () => {
    const w = await makeWorld();
    await refusal(enableTeletherapy(w.deps, w.p.owner, "stf_nobody"), "not_found", 404);
    await refusal(disableTeletherapy(w.deps, w.p.owner, "nobody@maple.test", {}), "not_found", 404);
  });
});

describe("R3: disabling with upcoming telehealth appointments", () => {
  async function withUpcoming() {
    const w = await makeWorld();
    const a1 = await book(w, { client: w.p.alice, start: "2026-12-10T09:00", telehealth: true });
    const a2 = await book(w, { client: w.p.alice, start: "2026-12-03T15:30", telehealth: true });
    const inPerson = await book(w, { client: w.p.carla, start: "2026-12-04T10:00" });
    return { w, a1, a2, inPerson, tina: idOf(w.p.tina) };
  }

  it("refuses by default with 409 upcoming_telehealth naming them, and changes nothing", async () => {
    const { w, a1, a2, tina } = await withUpcoming();
    const staffBefore = rows(w.store, "staff");
    const aptsBefore = rows(w.store, "appointments");
    const auditBefore = auditRows(w.store).length;
    const err = await refusal(disableTeletherapy(w.deps, w.p.owner, tina, {}), "upcoming_telehealth", 409);
    expect((err.details as { appointments: string[] }).appointments).toEqual([a2.id, a1.id]); // in start order
    const explicit = await refusal(disableTeletherapy(w.deps, w.p.manager, tina, { upcoming: "refuse" }), "upcoming_telehealth", 409);
    expect((explicit.details as { appointments: string[] }).appointments.sort()).toEqual([a1.id, a2.id].sort());
    expect(rows(w.store, "staff")).toEqual(staffBefore);
    expect(rows(w.store, "appointments")).toEqual(aptsBefore);
    expect(auditRows(w.store)).toHaveLength(auditBefore);
  });

  it("convert_to_in_person turns them in-person and Teletherapy off", async () => {
    const { w, a1, a2, inPerson, tina } = await withUpcoming();
    const res = await disableTeletherapy(w.deps, w.p.owner, tina, { upcoming: "convert_to_in_person" });
    expect(res.changed).toBe(true);
    expect(res.convertedToInPerson.sort()).toEqual([a1.id, a2.id].sort());
    expect(await teletherapyOf(w, tina)).toBe(false);
    for (const id of [a1.id, a2.id, inPerson.id]) {
      expect((await w.store.appointments.byId(w.p.practiceId, id))!.telehealth).toBe(false);
    }
    expect(auditRows(w.store, "staff.teletherapy.disable")).toHaveLength(1);
    expect(auditRows(w.store, "appointments.convert")).toHaveLength(1);
  });

  it("converting and disabling happen in one transaction: a failure in between leaves both as they were", async () => {
    const { w, tina } = await withUpcoming();
    const before = { staff: rows(w.store, "staff"), apts: rows(w.store, "appointments"), audit: auditRows(w.store).length };
    const real = w.store.staff.setTeletherapy;
    w.store.staff.setTeletherapy = async () => {
      throw new Error("disk full");
    };
    await expect(disableTeletherapy(w.deps, w.p.owner, tina, { upcoming: "convert_to_in_person" })).rejects.toThrow("disk full");
    w.store.staff.setTeletherapy = real;
    expect(rows(w.store, "appointments")).toEqual(before.apts);
    expect(rows(w.store, "staff")).toEqual(before.staff);
    expect(auditRows(w.store)).toHaveLength(before.audit);
  });

  it("past, completed and cancelled telehealth appointments do not block", async () => {
    const w = await makeWorld();
    const past = await book(w, { client: w.p.alice, start: "2026-12-10T09:00", telehealth: true });
    const done = await book(w, { client: w.p.alice, start: "2026-12-11T09:00", telehealth: true });
    const cancelled = await book(w, { client: w.p.alice, start: "2026-12-12T09:00", telehealth: true });
    setStatus(w.store, done.id, "completed");
    setStatus(w.store, cancelled.id, "cancelled");
    w.setNow(Date.parse("2026-12-10T16:00:00Z")); // "past" has ended
    const res = await disableTeletherapy(w.deps, w.p.owner, idOf(w.p.tina), {});
    expect(res).toMatchObject({ changed: true, convertedToInPerson: [] });
    expect((await w.store.appointments.byId(w.p.practiceId, past.id))!.telehealth).toBe(true); // history is kept
  });

  it("rejects an unknown choice with invalid input and changes nothing", async () => {
    const { w, tina } = await withUpcoming();
    await expect(disableTeletherapy(w.deps, w.p.owner, tina, { upcoming: "orphan" })).rejects.toThrow();
    expect(await teletherapyOf(w, tina)).toBe(true);
  });
});

describe("adding staff", () => {
  it("an owner may add an owner; a manager may not", async () => {
    const w = await makeWorld();
    const added = await addStaff(w.deps, w.p.owner, { name: "Second Owner", email: "o2@maple.test", roles: ["owner"] });
    expect(added.roles).toEqual(["owner"]);
    const before = rows(w.store, "staff");
    await refusal(addStaff(w.deps, w.p.manager, { name: "Sneaky", email: "o3@maple.test", roles: ["therapist", "owner"] }), "permission_denied", 403);
    expect(rows(w.store, "staff")).toEqual(before);
  });

  it("a manager may add a therapist; a therapist or biller may add no one", async () => {
    const w = await makeWorld();
    const s = await addStaff(w.deps, w.p.manager, { name: "New Therapist", email: "NEW@Maple.test", roles: ["therapist", "therapist"] });
    expect(s).toMatchObject({ email: "new@maple.test", roles: ["therapist"], teletherapy: false });
    expect(await getStaff(w.deps, w.p.owner, "new@maple.test")).toMatchObject({ id: s.id });
    await refusal(addStaff(w.deps, w.p.tina, { name: "X", email: "x@maple.test", roles: ["therapist"] }), "permission_denied", 403);
    await refusal(addStaff(w.deps, w.p.biller, { name: "X", email: "x@maple.test", roles: ["biller"] }), "permission_denied", 403);
  });

  it("a duplicate email (in any case) is 409 already_exists and adds no row", async () => {
    const w = await makeWorld();
    const before = rows(w.store, "staff").length;
    await refusal(addStaff(w.deps, w.p.owner, { name: "Tina Again", email: "TINA@maple.test", roles: ["therapist"] }), "already_exists", 409);
    expect(rows(w.store, "staff")).toHaveLength(before);
  });

  it("records created_at from the practice clock", async () => {
    const w = await makeWorld();
    w.advance(60_000);
    const s = await addStaff(w.deps, w.p.owner, { name: "Later", email: "later@maple.test", roles: ["biller"] });
    expect(s.createdAt).toBe(new Date(T0 + 60_000).toISOString());
  });
});
