/** R20: every change and every read of a client's data is in an append-only audit log. */
import { describe, expect, it } from "vitest";
import { convertAppointments } from "../../src/server/domain/appointments/convert.js";
import { createAppointment, getAppointment, listAppointments, setTelehealth } from "../../src/server/domain/appointments/service.js";
import { sendPortalInvite } from "../../src/server/domain/clients/portal.js";
import { addClient, getClient, listClients } from "../../src/server/domain/clients/service.js";
import type { Actor, StaffActor } from "../../src/server/domain/deps.js";
import { importAppointments } from "../../src/server/domain/import/appointments.js";
import { importClients } from "../../src/server/domain/import/clients.js";
import { listMail } from "../../src/server/domain/mail/outbox.js";
import { addStaff, createApiToken, disableTeletherapy, enableTeletherapy } from "../../src/server/domain/staff/service.js";
import { auditRows, book, makeWorld, refusal, type World } from "../helpers/server.js";
import { idOf, T0 } from "../helpers/world.js";

/** The owner calling from a recognisable address, so the audit row's "from where" can be checked. */
const fromOffice = (w: World): StaffActor => ({ ...(w.p.owner as StaffActor), ip: "192.0.2.44", requestId: "req_audit" });

type Case = [action: string, run: (w: World, as: Actor) => Promise<string | null>];
const cases: Case[] = [
  ["staff.add", async (w, as) => (await addStaff(w.deps, as, { name: "Nina New", email: "nina@maple.test", roles: ["therapist"] })).id],
  ["staff.teletherapy.enable", async (w, as) => (await enableTeletherapy(w.deps, as, idOf(w.p.theo))).staff.id],
  ["staff.teletherapy.disable", async (w, as) => (await disableTeletherapy(w.deps, as, idOf(w.p.tina), {})).staff.id],
  ["staff.token.create", async (w, as) => (await createApiToken(w.deps, as, idOf(w.p.biller))).staffId],
  ["client.add", async (w, as) => (await addClient(w.deps, as, { name: "Dana Doe", email: "dana@client.test", state: "VT" })).id],
  ["client.read", async (w, as) => (await getClient(w.deps, as, "alice@client.test")).id],
  ["client.list", async (w, as) => (await listClients(w.deps, as, {}), null)],
  ["client.portal_invite", async (w, as) => (await sendPortalInvite(w.deps, as, w.p.alice.id)).clientId],
  ["appointment.create", async (w, as) => (await book(w, { as, client: w.p.alice, start: "2026-12-10T09:00", telehealth: true })).id],
  ["appointment.convert", async (w, as) => {
    const a = await book(w, { client: w.p.alice, start: "2026-12-10T09:00" });
    return (await setTelehealth(w.deps, as, a.id, { telehealth: true })).id;
  }],
  ["appointments.convert", async (w, as) => {
    await book(w, { client: w.p.alice, start: "2026-12-10T09:00" });
    return (await convertAppointments(w.deps, as, { client: w.p.alice.id }), null);
  }],
  ["appointment.read", async (w, as) => {
    const a = await book(w, { client: w.p.alice, start: "2026-12-10T09:00" });
    return (await getAppointment(w.deps, as, a.id)).id;
  }],
  ["appointment.list", async (w, as) => (await listAppointments(w.deps, as, {}), null)],
  ["mail.list", async (w, as) => (await listMail(w.deps, as, {}), null)],
  ["clients.import", async (w, as) => (await importClients(w.deps, as, "name,email,state\nEve,eve@client.test,NY\n", false), null)],
  ["appointments.import", async (w, as) => (await importAppointments(w.deps, as,
    "therapist,client,start,duration_minutes\ntina@maple.test,alice@client.test,2026-12-10T09:00,50\n", false), null)],
];

describe("R20: one audit row per change or read, with who, what, which record, when and from where", () => {
  it.each(cases)("%s", async (action, run) => {
    const w = await makeWorld();
    const as = fromOffice(w);
    w.advance(5_000);
    const before = auditRows(w.store).length;
    const recordId = await run(w, as);
    const mine = auditRows(w.store).slice(before).filter((r) => r.request_id === "req_audit");
    expect(mine.map((r) => r.action)).toEqual([action]);
    expect(mine[0]).toMatchObject({ actor_type: "staff", actor_id: idOf(w.p.owner), record_id: recordId, ip: "192.0.2.44" });
    expect((w.store.db.prepare(`SELECT at FROM audit_log WHERE id = ?`).get(mine[0]!.id) as { at: number }).at).toBe(T0 + 5_000);
  });

  it("a client list names the clients that were read, and a therapist's names only theirs", async () => {
    const w = await makeWorld();
    await book(w, { client: w.p.carla, start: "2026-12-10T09:00" });
    const seen = (await listClients(w.deps, w.p.tina, {})).items;
    expect(seen.map((c) => c.id)).toEqual([w.p.carla.id]);
    const row = auditRows(w.store, "client.list").at(-1)!;
    expect(row.actor_id).toBe(idOf(w.p.tina));
    expect(JSON.parse(row.details!)).toEqual({ ids: [w.p.carla.id] });
  });

  it("audit details never hold a client's name or email", async () => {
    const w = await makeWorld();
    await getClient(w.deps, w.p.owner, "alice@client.test");
    await sendPortalInvite(w.deps, w.p.owner, w.p.alice.id);
    await listClients(w.deps, w.p.owner, {});
    const text = JSON.stringify(auditRows(w.store));
    for (const pii of ["alice@client.test", "Alice Client", "Carla NoEmail"]) expect(text).not.toContain(pii);
  });
});

describe("R20: refused and rolled-back changes leave no audit row", () => {
  const failures: [string, (w: World) => Promise<unknown>][] = [
    ["duplicate staff email", (w) => addStaff(w.deps, w.p.owner, { name: "T", email: "tina@maple.test", roles: ["therapist"] })],
    ["enable for a biller", (w) => enableTeletherapy(w.deps, w.p.owner, idOf(w.p.biller))],
    ["enable by a therapist", (w) => enableTeletherapy(w.deps, w.p.tina, idOf(w.p.theo))],
    ["disable with upcoming telehealth", async (w) => {
      await book(w, { client: w.p.alice, start: "2026-12-10T09:00", telehealth: true });
      return disableTeletherapy(w.deps, w.p.owner, idOf(w.p.tina), {});
    }],
    ["telehealth for a non-resident", (w) => book(w, { client: w.p.bruno, start: "2026-12-10T09:00", telehealth: true })],
    ["converting a past appointment", async (w) => {
      const a = await book(w, { client: w.p.alice, start: "2026-11-10T09:00" });
      return setTelehealth(w.deps, w.p.owner, a.id, { telehealth: true });
    }],
    ["bulk convert with unknown ids", (w) => convertAppointments(w.deps, w.p.owner, { ids: ["apt_unknown"] })],
    ["invite without email", (w) => sendPortalInvite(w.deps, w.p.owner, w.p.carla.id)],
    ["invalid client import", (w) => importClients(w.deps, w.p.owner, "name,email,state\nOk,ok@client.test,NY\n,bad,ZZ\n", false)],
    ["invalid appointment import", (w) => importAppointments(w.deps, w.p.owner, "therapist,client,start,duration_minutes\nnobody,alice@client.test,soon,50\n", false)],
    ["reading another therapist's client", (w) => getClient(w.deps, w.p.theo, w.p.alice.id)],
  ];

  it.each(failures)("%s", async (_name, run) => {
    const w = await makeWorld();
    const before = auditRows(w.store);
    await expect(run(w)).rejects.toThrow();
    const added = auditRows(w.store).slice(before.length);
    // Only the setup steps of the case (appointment.create, and the client's confirmation of it) may have been audited.
    expect(added.map((r) => r.action).filter((a) => a !== "appointment.create" && a !== "appointment.notice")).toEqual([]);
  });

  it("an error thrown after the audit row was written rolls the row back with the change", async () => {
    const w = await makeWorld();
    const before = auditRows(w.store).length;
    const real = w.store.audit.append;
    w.store.audit.append = async (e) => {
      await real(e);
      throw new Error("crash after audit");
    };
    await expect(addClient(w.deps, w.p.owner, { name: "Gone", email: "gone@client.test", state: "NY" })).rejects.toThrow("crash after audit");
    w.store.audit.append = real;
    expect(auditRows(w.store)).toHaveLength(before);
    expect(w.store.db.prepare(`SELECT count(*) FROM clients WHERE email = 'gone@client.test'`).pluck().get()).toBe(0);
  });
});

describe("R20: the audit log is append-only", () => {
  it("refuses UPDATE and DELETE, even inside a transaction", async () => {
    const w = await makeWorld();
    const before = auditRows(w.store);
    expect(before.length).toBeGreaterThan(5);
    expect(() => w.store.db.prepare(`UPDATE audit_log SET action = 'tampered' WHERE id = ?`).run(before[0]!.id)).toThrow(/append-only/);
    expect(() => w.store.db.prepare(`UPDATE audit_log SET ip = NULL`).run()).toThrow(/append-only/);
    expect(() => w.store.db.prepare(`DELETE FROM audit_log WHERE id = ?`).run(before[1]!.id)).toThrow(/append-only/);
    expect(() => w.store.db.prepare(`DELETE FROM audit_log`).run()).toThrow(/append-only/);
    await expect(w.store.tx(async () => {
      w.store.db.prepare(`DELETE FROM audit_log`).run();
    })).rejects.toThrow(/append-only/);
    expect(auditRows(w.store)).toEqual(before);
  });

  it("still accepts appends after a refused tamper", async () => {
    const w = await makeWorld();
    expect(() => w.store.db.prepare(`DELETE FROM audit_log`).run()).toThrow();
    await refusal(createAppointment(w.deps, w.p.owner, {
      therapist: idOf(w.p.tina), client: w.p.bruno.id, start: "2026-12-10T09:00", durationMinutes: 50, telehealth: true,
    }), "not_us_resident", 422);
    await addClient(w.deps, w.p.owner, { name: "After", email: null, state: null });
    expect(auditRows(w.store, "client.add").length).toBe(4);
  });
});
