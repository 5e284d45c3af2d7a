import { describe, expect, it } from "vitest";
import {
  createAppointment, getAppointment, listAppointments, setTelehealth,
} from "../../src/server/domain/appointments/service.js";
import { addClient } from "../../src/server/domain/clients/service.js";
import { activatePortal, auditRows, book, count, makeWorld, refusal, rows, setStatus } from "../helpers/server.js";
import { idOf, makePractice } from "../helpers/world.js";

describe("scheduling (R4, R5, R9)", () => {
  it("reads a start without an offset in the practice's zone and stores UTC", async () => {
    const w = await makeWorld();
    const a = await book(w, { client: w.p.alice, start: "2026-12-10T09:00", telehealth: true });
    expect(a).toMatchObject({ start: "2026-12-10T14:00:00.000Z", end: "2026-12-10T14:50:00.000Z", telehealth: true, status: "scheduled" });
    const summer = await book(w, { client: w.p.alice, start: "2027-07-01T09:00" });
    expect(summer.start).toBe("2027-07-01T13:00:00.000Z"); // EDT
    const explicit = await book(w, { client: w.p.alice, start: "2026-12-10T09:00Z" });
    expect(explicit.start).toBe("2026-12-10T09:00:00.000Z");
    expect(auditRows(w.store, "appointment.create")).toHaveLength(3);
  });

  it("R4: a telehealth appointment for a client without a U.S. state is 422 not_us_resident; in person is fine", async () => {
    const w = await makeWorld();
    await refusal(book(w, { client: w.p.bruno, start: "2026-12-10T09:00", telehealth: true }), "not_us_resident", 422);
    expect(count(w.store, "appointments")).toBe(0);
    expect((await book(w, { client: w.p.bruno, start: "2026-12-10T09:00" })).telehealth).toBe(false);
  });

  it("R5: a telehealth appointment with a therapist without Teletherapy is 422 teletherapy_not_enabled", async () => {
    const w = await makeWorld();
    await refusal(book(w, { therapist: w.p.theo, client: w.p.alice, start: "2026-12-10T09:00", telehealth: true }), "teletherapy_not_enabled", 422);
    expect(count(w.store, "appointments")).toBe(0);
  });

  it("refuses a non-therapist as the therapist, and a therapist booking for a colleague", async () => {
    const w = await makeWorld();
    await refusal(book(w, { therapist: w.p.biller, client: w.p.alice, start: "2026-12-10T09:00" }), "not_a_therapist", 422);
    await refusal(book(w, { as: w.p.tina, therapist: w.p.theo, client: w.p.alice, start: "2026-12-10T09:00" }), "permission_denied", 403);
    await refusal(book(w, { as: w.p.biller, client: w.p.alice, start: "2026-12-10T09:00" }), "permission_denied", 403);
    expect((await book(w, { as: w.p.tina, client: w.p.alice, start: "2026-12-10T09:00" })).therapistId).toBe(idOf(w.p.tina));
  });

  it("rejects a malformed start with invalid input", async () => {
    const w = await makeWorld();
    const input = { therapist: idOf(w.p.tina), client: w.p.alice.id, durationMinutes: 50 };
    await expect(createAppointment(w.deps, w.p.owner, { ...input, start: "next tuesday" })).rejects.toThrow();
    await refusal(createAppointment(w.deps, w.p.owner, { ...input, start: "2026-13-45T09:00" }), "invalid_request", 400);
    expect(count(w.store, "appointments")).toBe(0);
  });
});

describe("R6: clientReady", () => {
  it("is false without an email or without a portal account, and true after portal sign-up", async () => {
    const w = await makeWorld();
    const alice = await book(w, { client: w.p.alice, start: "2026-12-10T09:00", telehealth: true });
    const carla = await book(w, { client: w.p.carla, start: "2026-12-10T11:00", telehealth: true });
    expect(alice.clientReady).toBe(false);
    expect(carla.clientReady).toBe(false);
    await activatePortal(w, w.p.alice);
    expect((await getAppointment(w.deps, w.p.owner, alice.id)).clientReady).toBe(true);
    expect((await book(w, { client: w.p.alice, start: "2026-12-11T09:00", telehealth: true })).clientReady).toBe(true);
    // An account without an email address still cannot be reached for a join link.
    w.store.db.prepare(`UPDATE clients SET portal_activated_at = 1 WHERE id = ?`).run(w.p.carla.id);
    expect((await getAppointment(w.deps, w.p.owner, carla.id)).clientReady).toBe(false);
  });
});

describe("R7: converting one appointment", () => {
  it("converts to telehealth and back, auditing each change", async () => {
    const w = await makeWorld();
    const a = await book(w, { client: w.p.alice, start: "2026-12-10T09:00" });
    expect((await setTelehealth(w.deps, w.p.manager, a.id, { telehealth: true })).telehealth).toBe(true);
    expect((await w.store.appointments.byId(w.p.practiceId, a.id))!.telehealth).toBe(true);
    expect((await setTelehealth(w.deps, w.p.tina, a.id, { telehealth: false })).telehealth).toBe(false);
    expect((await w.store.appointments.byId(w.p.practiceId, a.id))!.telehealth).toBe(false);
    expect(auditRows(w.store, "appointment.convert").map((r) => r.record_id)).toEqual([a.id, a.id]);
  });

  it("R4 and R5 are checked at conversion", async () => {
    const w = await makeWorld();
    const abroad = await book(w, { client: w.p.bruno, start: "2026-12-10T09:00" });
    const theos = await book(w, { therapist: w.p.theo, client: w.p.alice, start: "2026-12-10T10:00" });
    await refusal(setTelehealth(w.deps, w.p.owner, abroad.id, { telehealth: true }), "not_us_resident", 422);
    await refusal(setTelehealth(w.deps, w.p.owner, theos.id, { telehealth: true }), "teletherapy_not_enabled", 422);
    expect((await listAppointments(w.deps, w.p.owner, { telehealth: true })).items).toEqual([]);
  });

  it.each(["past", "cancelled", "completed", "no_show"] as const)("a %s appointment is 409 not_convertible, both ways", async (kind) => {
    const w = await makeWorld();
    const start = kind === "past" ? "2026-11-30T09:00" : "2026-12-10T09:00";
    const inPerson = await book(w, { client: w.p.alice, start, allowPast: kind === "past" });
    const tele = await book(w, { client: w.p.alice, start: kind === "past" ? "2026-12-01T08:59" : "2026-12-11T09:00", telehealth: kind !== "past", allowPast: kind === "past" });
    if (kind === "past") w.store.db.prepare(`UPDATE appointments SET telehealth = 1 WHERE id = ?`).run(tele.id);
    else for (const id of [inPerson.id, tele.id]) setStatus(w.store, id, kind);
    const before = rows(w.store, "appointments");
    await refusal(setTelehealth(w.deps, w.p.owner, inPerson.id, { telehealth: true }), "not_convertible", 409);
    await refusal(setTelehealth(w.deps, w.p.owner, tele.id, { telehealth: false }), "not_convertible", 409);
    expect(rows(w.store, "appointments")).toEqual(before);
  });

  it("an appointment starting exactly now counts as past", async () => {
    const w = await makeWorld();
    const a = await book(w, { client: w.p.alice, start: "2026-12-01T09:00", allowPast: true }); // = T0
    await refusal(setTelehealth(w.deps, w.p.owner, a.id, { telehealth: true }), "not_convertible", 409);
  });

  it("asking for the state it already has changes nothing and writes no audit row", async () => {
    const w = await makeWorld();
    const a = await book(w, { client: w.p.alice, start: "2026-12-10T09:00", telehealth: true });
    const before = auditRows(w.store).length;
    expect((await setTelehealth(w.deps, w.p.owner, a.id, { telehealth: true })).telehealth).toBe(true);
    expect(auditRows(w.store)).toHaveLength(before);
  });

  it("an unknown appointment is 404", async () => {
    const w = await makeWorld();
    await refusal(setTelehealth(w.deps, w.p.owner, "apt_missing", { telehealth: true }), "not_found", 404);
  });
});

describe("a therapist sees and changes only their own appointments", () => {
  it("lists, reads and converts only their own", async () => {
    const w = await makeWorld();
    const mine = await book(w, { client: w.p.alice, start: "2026-12-10T09:00" });
    const theos = await book(w, { therapist: w.p.theo, client: w.p.carla, start: "2026-12-10T10:00" });
    expect((await listAppointments(w.deps, w.p.tina, {})).items.map((a) => a.id)).toEqual([mine.id]);
    expect((await listAppointments(w.deps, w.p.biller, {})).items.map((a) => a.id)).toEqual([mine.id, theos.id]);
    await refusal(listAppointments(w.deps, w.p.tina, { therapist: idOf(w.p.theo) }), "permission_denied", 403);
    await refusal(getAppointment(w.deps, w.p.tina, theos.id), "permission_denied", 403);
    await refusal(setTelehealth(w.deps, w.p.tina, theos.id, { telehealth: true }), "permission_denied", 403);
    await refusal(setTelehealth(w.deps, w.p.biller, mine.id, { telehealth: true }), "permission_denied", 403);
    expect((await w.store.appointments.byId(w.p.practiceId, theos.id))!.telehealth).toBe(false);
    expect((await w.store.appointments.byId(w.p.practiceId, mine.id))!.telehealth).toBe(false);
  });

  it("filters the list by client, telehealth and date range", async () => {
    const w = await makeWorld();
    const dora = await addClient(w.deps, w.p.owner, { name: "Dora", email: "dora@client.test", state: "NJ" });
    const a = await book(w, { client: w.p.alice, start: "2026-12-05T23:30", telehealth: true });
    const b = await book(w, { client: dora, start: "2026-12-06T00:30" });
    const ids = async (q: Record<string, unknown>) => (await listAppointments(w.deps, w.p.owner, q)).items.map((x) => x.id);
    expect(await ids({ client: "alice@client.test" })).toEqual([a.id]);
    expect(await ids({ telehealth: "false" })).toEqual([b.id]);
    expect(await ids({ to: "2026-12-05" })).toEqual([a.id]);
    expect(await ids({ from: "2026-12-06" })).toEqual([b.id]);
  });
});

describe("practices are isolated", () => {
  it("another practice's staff cannot find, list or convert this practice's appointments and clients", async () => {
    const w = await makeWorld();
    const a = await book(w, { client: w.p.alice, start: "2026-12-10T09:00" });
    const birch = await makePractice(w.deps, "Birch Therapy");
    await refusal(getAppointment(w.deps, birch.owner, a.id), "not_found", 404);
    await refusal(setTelehealth(w.deps, birch.owner, a.id, { telehealth: true }), "not_found", 404);
    await refusal(listAppointments(w.deps, birch.owner, { client: w.p.alice.id }), "not_found", 404);
    await refusal(book(w, { as: birch.owner, therapist: w.p.tina, client: w.p.alice, start: "2026-12-11T09:00" }), "not_found", 404);
    expect(await listAppointments(w.deps, birch.owner, {})).toEqual({ items: [], nextCursor: null });
    expect((await w.store.appointments.byId(w.p.practiceId, a.id))!.telehealth).toBe(false);
  });
});
