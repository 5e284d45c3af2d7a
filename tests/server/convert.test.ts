/** R8: bulk conversion of appointments to telehealth and back. */
import { describe, expect, it } from "vitest";
import { convertAppointments } from "../../src/server/domain/appointments/convert.js";
import { sendPortalInvite } from "../../src/server/domain/clients/portal.js";
import { addClient } from "../../src/server/domain/clients/service.js";
import { activatePortal, auditRows, book, count, makeWorld, refusal, rows, setStatus, snapshot, type World } from "../helpers/server.js";
import { idOf } from "../helpers/world.js";
import { PG_STORE } from "../helpers/pg-store.js";

const telehealthOf = (w: World, id: string) =>
  (w.store.db.prepare(`SELECT telehealth FROM appointments WHERE id = ?`).get(id) as { telehealth: number }).telehealth === 1;

/** A week of tina's and theo's appointments, each eligible or not for a known reason. */
async function week() {
  const w = await makeWorld();
  const ok1 = await book(w, { client: w.p.alice, start: "2026-12-07T09:00" });
  const ok2 = await book(w, { client: w.p.carla, start: "2026-12-08T09:00" });
  const abroad = await book(w, { client: w.p.bruno, start: "2026-12-08T10:00" });
  const already = await book(w, { client: w.p.alice, start: "2026-12-09T09:00", telehealth: true });
  const cancelled = await book(w, { client: w.p.alice, start: "2026-12-09T11:00" });
  setStatus(w.store, cancelled.id, "cancelled");
  const past = await book(w, { client: w.p.alice, start: "2026-11-30T09:00", allowPast: true });
  const theos = await book(w, { therapist: w.p.theo, client: w.p.alice, start: "2026-12-08T09:00" });
  return { w, ok1, ok2, abroad, already, cancelled, past, theos };
}

describe("R8 selection", () => {
  it("by ids", async () => {
    const { w, ok1, abroad } = await week();
    const res = await convertAppointments(w.deps, w.p.owner, { ids: [ok1.id, abroad.id] });
    expect(res).toMatchObject({ dryRun: false, matched: 2, converted: [ok1.id], skipped: [{ id: abroad.id, reason: "not_us_resident" }] });
    expect(telehealthOf(w, ok1.id)).toBe(true);
  });

  it("by therapist, reporting every skipped appointment with its rule", async () => {
    const { w, ok1, ok2, abroad, already, cancelled, past } = await week();
    const res = await convertAppointments(w.deps, w.p.owner, { therapist: "tina@maple.test" });
    expect(res.matched).toBe(6);
    expect(res.converted).toEqual([ok1.id, ok2.id]);
    expect(new Map(res.skipped.map((s) => [s.id, s.reason]))).toEqual(new Map([
      [past.id, "not_convertible"], [abroad.id, "not_us_resident"], [already.id, "already_telehealth"], [cancelled.id, "not_convertible"],
    ]));
  });

  it("by therapist without Teletherapy: skipped as teletherapy_not_enabled", async () => {
    const { w, theos } = await week();
    const res = await convertAppointments(w.deps, w.p.owner, { therapist: idOf(w.p.theo) });
    expect(res).toMatchObject({ matched: 1, converted: [], skipped: [{ id: theos.id, reason: "teletherapy_not_enabled" }] });
  });

  it("by client", async () => {
    const { w, ok2 } = await week();
    const res = await convertAppointments(w.deps, w.p.owner, { client: w.p.carla.id });
    expect(res).toMatchObject({ matched: 1, converted: [ok2.id], skipped: [], clientsNotReady: [w.p.carla.id] });
  });

  it("by a date range of bare dates in the practice's zone, `to` including its whole day", async () => {
    const w = await makeWorld();
    const late = await book(w, { client: w.p.alice, start: "2026-12-05T23:30" }); // 04:30Z on the 6th
    const early = await book(w, { client: w.p.alice, start: "2026-12-06T00:30" });
    const before = await book(w, { client: w.p.alice, start: "2026-12-04T23:59" });
    const only5th = await convertAppointments(w.deps, w.p.owner, { from: "2026-12-05", to: "2026-12-05", dryRun: true });
    expect(only5th.converted).toEqual([late.id]);
    const from6th = await convertAppointments(w.deps, w.p.owner, { from: "2026-12-06", dryRun: true });
    expect(from6th.converted).toEqual([early.id]);
    const upTo4th = await convertAppointments(w.deps, w.p.owner, { to: "2026-12-04", dryRun: true });
    expect(upTo4th.converted).toEqual([before.id]);
  });

  it("needs some selection, and refuses a malformed date", async () => {
    const w = await makeWorld();
    await expect(convertAppointments(w.deps, w.p.owner, {})).rejects.toThrow(/choose appointments/);
    await expect(convertAppointments(w.deps, w.p.owner, { from: "12/05/2026" })).rejects.toThrow();
  });

  it("back to in-person needs neither Teletherapy nor a U.S. state", async () => {
    const { w, ok1, already, abroad } = await week();
    await convertAppointments(w.deps, w.p.owner, { ids: [ok1.id] });
    w.store.db.prepare(`UPDATE staff SET teletherapy = 0`).run();
    w.store.db.prepare(`UPDATE clients SET state = NULL`).run();
    const res = await convertAppointments(w.deps, w.p.owner, { therapist: idOf(w.p.tina), telehealth: false });
    expect(res.converted).toEqual([ok1.id, already.id]);
    expect(res.skipped).toHaveLength(4);
    expect(res.skipped.find((s) => s.id === abroad.id)?.reason).toBe("already_in_person");
    expect([ok1.id, already.id].map((id) => telehealthOf(w, id))).toEqual([false, false]);
  });
});

describe("R8 dry run, atomicity and idempotence", () => {
  it("a dry run reports what would change and writes nothing but its audit row", async () => {
    const { w, ok1, ok2, abroad } = await week();
    const before = snapshot(w.store);
    const res = await convertAppointments(w.deps, w.p.owner, { therapist: idOf(w.p.tina), dryRun: true, inviteMissing: true });
    expect(res).toMatchObject({ dryRun: true, converted: [ok1.id, ok2.id], invitesSent: [w.p.alice.id] });
    expect(res.skipped).toContainEqual({ id: abroad.id, reason: "not_us_resident" });
    const after = snapshot(w.store);
    for (const t of ["appointments", "links", "mail", "clients", "staff"]) expect(after[t], t).toEqual(before[t]);
    expect(auditRows(w.store, "appointments.convert.dry_run")).toHaveLength(1);
    expect(auditRows(w.store, "appointments.convert")).toHaveLength(0);
  });

  it.each([
    ["after the appointments were updated", "setTelehealth"],
    ["after the invites were queued", "audit"],
  ] as const)("applying is all or nothing: a failure %s leaves no trace", async (_when, where) => {
    const { w } = await week();
    const before = snapshot(w.store);
    const woken = w.queued.length; // adding the seeded staff queued their own invites
    if (where === "setTelehealth") {
      const real = w.store.appointments.setTelehealth;
      w.store.appointments.setTelehealth = async (...args) => {
        await real(...args);
        throw new Error("connection lost");
      };
    } else {
      const real = w.store.audit.append;
      w.store.audit.append = async (e) => {
        if (e.action !== "appointments.convert") return real(e);
        // The invite is in, uncommitted: SQLite's one connection sees it; on PostgreSQL the tests' raw reads are another connection.
        if (!PG_STORE) expect(count(w.store, "mail")).toBe(before.mail!.length + 1);
        throw new Error("connection lost");
      };
    }
    await expect(convertAppointments(w.deps, w.p.owner, { therapist: idOf(w.p.tina), inviteMissing: true })).rejects.toThrow("connection lost");
    expect(snapshot(w.store)).toEqual(before);
    expect(w.queued).toHaveLength(woken);
  });

  it("is idempotent: a second run converts nothing more", async () => {
    const { w, ok1, ok2 } = await week();
    const sel = { ids: [ok1.id, ok2.id], inviteMissing: true };
    expect((await convertAppointments(w.deps, w.p.owner, sel)).converted).toEqual([ok1.id, ok2.id]);
    const aptsAfterFirst = rows(w.store, "appointments");
    const mailAfterFirst = count(w.store, "mail");
    const again = await convertAppointments(w.deps, w.p.owner, sel);
    expect(again).toMatchObject({ matched: 2, converted: [], invitesSent: [], clientsNotReady: [] });
    expect(again.skipped).toEqual([{ id: ok1.id, reason: "already_telehealth" }, { id: ok2.id, reason: "already_telehealth" }]);
    expect(rows(w.store, "appointments")).toEqual(aptsAfterFirst);
    expect(count(w.store, "mail")).toBe(mailAfterFirst);
  });

  it("unknown ids are 404 not_found with details.missing, and nothing changes", async () => {
    const { w, ok1 } = await week();
    const before = snapshot(w.store);
    const err = await refusal(convertAppointments(w.deps, w.p.owner, { ids: [ok1.id, "apt_nope", "apt_gone"] }), "not_found", 404);
    expect((err.details as { missing: string[] }).missing.sort()).toEqual(["apt_gone", "apt_nope"]);
    expect(snapshot(w.store)).toEqual(before);
  });

  it("an id from another practice counts as unknown", async () => {
    const { w, ok1 } = await week();
    const { makePractice } = await import("../helpers/world.js");
    const other = await makePractice(w.deps, "Birch Therapy");
    const err = await refusal(convertAppointments(w.deps, other.owner, { ids: [ok1.id] }), "not_found", 404);
    expect((err.details as { missing: string[] }).missing).toEqual([ok1.id]);
    expect(telehealthOf(w, ok1.id)).toBe(false);
  });
});

describe("R6 inviteMissing", () => {
  it("invites only not-ready clients who have an email and no live invite", async () => {
    const w = await makeWorld();
    const ready = await addClient(w.deps, w.p.owner, { name: "Rita Ready", email: "rita@client.test", state: "NY" });
    const invited = await addClient(w.deps, w.p.owner, { name: "Ivan Invited", email: "ivan@client.test", state: "NJ" });
    await activatePortal(w, ready);
    await sendPortalInvite(w.deps, w.p.owner, invited.id);
    for (const [c, start] of [[w.p.alice, "09:00"], [w.p.alice, "10:00"], [w.p.carla, "11:00"], [ready, "12:00"], [invited, "13:00"]] as const) {
      await book(w, { client: c, start: `2026-12-10T${start}` });
    }
    const mailBefore = count(w.store, "mail");
    const res = await convertAppointments(w.deps, w.p.manager, { from: "2026-12-10", to: "2026-12-10", inviteMissing: true });
    expect(res.converted).toHaveLength(5);
    expect(res.clientsNotReady.sort()).toEqual([w.p.alice.id, w.p.carla.id, invited.id].sort());
    expect(res.invitesSent).toEqual([w.p.alice.id]);
    const newMail = w.store.db.prepare(`SELECT to_address FROM mail ORDER BY rowid`).pluck().all().slice(mailBefore);
    expect(newMail).toEqual(["alice@client.test"]);
    expect(w.queued.length).toBeGreaterThan(0);
  });

  it("without inviteMissing, no mail is queued", async () => {
    const w = await makeWorld();
    await book(w, { client: w.p.alice, start: "2026-12-10T09:00" });
    const mailBefore = count(w.store, "mail"); // the seeded staff's invites
    const res = await convertAppointments(w.deps, w.p.owner, { client: w.p.alice.id });
    expect(res).toMatchObject({ clientsNotReady: [w.p.alice.id], invitesSent: [] });
    expect(count(w.store, "mail")).toBe(mailBefore);
  });
});

describe("R8 for therapists", () => {
  it("a therapist converts their own, and is refused another therapist's selection", async () => {
    const { w, ok1, theos } = await week();
    expect((await convertAppointments(w.deps, w.p.tina, { ids: [ok1.id] })).converted).toEqual([ok1.id]);
    await refusal(convertAppointments(w.deps, w.p.tina, { therapist: idOf(w.p.theo), telehealth: false }), "permission_denied", 403);
    await refusal(convertAppointments(w.deps, w.p.biller, { ids: [ok1.id] }), "permission_denied", 403);
    const byClient = await convertAppointments(w.deps, w.p.tina, { client: w.p.alice.id, dryRun: true });
    expect(byClient.converted.concat(byClient.skipped.map((s) => s.id))).not.toContain(theos.id);
  });
});
