import { afterEach, describe, expect, it } from "vitest";
import { importResultOf, MalformedResponseError, RuleRefusedError, Tele, upcomingTelehealthIds } from "../../src/sdk/index.js";
import { appointment, clientBo, conversion, practice, staffAna, whoami } from "./fixtures.js";
import { problem, startStub, type Stub } from "./stub-server.js";

let stub: Stub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

async function teleAnswering(reply: Parameters<typeof startStub>[0]) {
  stub = await startStub(reply);
  return { tele: new Tele({ url: stub.url, token: "tok_abc", retries: 0 }), stub };
}

describe("Tele resources", () => {
  it("URL-encodes email refs into paths", async () => {
    const { tele, stub } = await teleAnswering(() => ({ json: { staff: staffAna, changed: true, convertedToInPerson: [] } }));
    await tele.staff.enableTeletherapy("ana+x@example.com");
    expect(stub.requests[0].method).toBe("POST");
    expect(stub.requests[0].url).toBe("/api/v1/staff/ana%2Bx%40example.com/teletherapy/enable");
  });

  it("sends the disable choice and reads the R3 refusal", async () => {
    const { tele, stub } = await teleAnswering(() =>
      problem(409, "upcoming_telehealth", "2 upcoming telehealth appointments", { appointments: ["apt_1", "apt_2"] }),
    );
    const err = await tele.staff.disableTeletherapy("stf_ana").catch((e) => e);
    expect(JSON.parse(stub.requests[0].body)).toEqual({ upcoming: "refuse" });
    expect(err).toBeInstanceOf(RuleRefusedError);
    expect(upcomingTelehealthIds(err)).toEqual(["apt_1", "apt_2"]);
  });

  it("parses lists with the shared schema and drops unknown fields", async () => {
    const { tele } = await teleAnswering(() => ({ json: { items: [{ ...clientBo, secretInternal: 1 }], nextCursor: null, extra: 1 } }));
    const clients = await tele.clients.list();
    expect(clients).toEqual({ items: [clientBo], nextCursor: null });
  });

  it("rejects a reply that breaks the schema", async () => {
    const { tele } = await teleAnswering(() => ({ json: { items: [{ ...appointment, telehealth: "yes" }], nextCursor: null } }));
    await expect(tele.appointments.list()).rejects.toBeInstanceOf(MalformedResponseError);
    // A bare array is the reply of a server before paging: refused as malformed, never read as a whole list.
    const old = await teleAnswering(() => ({ json: [appointment] }));
    await expect(old.tele.appointments.list()).rejects.toBeInstanceOf(MalformedResponseError);
  });

  it("sends appointment filters as query parameters", async () => {
    const { tele, stub } = await teleAnswering(() => ({ json: { items: [appointment], nextCursor: null } }));
    await tele.appointments.list({ therapist: "ana@example.com", from: "2026-12-01", telehealth: true, limit: 10, cursor: "c1" });
    expect(stub.requests[0].url).toBe("/api/v1/appointments?therapist=ana%40example.com&from=2026-12-01&telehealth=true&limit=10&cursor=c1");
  });

  it("PATCHes one appointment and POSTs a bulk conversion", async () => {
    const { tele, stub } = await teleAnswering((req) => (req.method === "PATCH" ? { json: { ...appointment, telehealth: true } } : { json: conversion }));
    const one = await tele.appointments.update("apt_1", { telehealth: true });
    const many = await tele.appointments.convert({ therapist: "stf_ana", dryRun: true });
    expect(one.telehealth).toBe(true);
    expect(many.converted).toEqual(["apt_1"]);
    expect(stub.requests.map((r) => `${r.method} ${r.url}`)).toEqual(["PATCH /api/v1/appointments/apt_1", "POST /api/v1/appointments/convert"]);
    expect(JSON.parse(stub.requests[1].body)).toEqual({ therapist: "stf_ana", dryRun: true });
  });

  it("sends CSV imports as text/csv with dryRun in the query", async () => {
    const csv = "name,email,state\nBo,bo@example.com,NY\n";
    const { tele, stub } = await teleAnswering(() => ({ json: { dryRun: true, rows: 1, created: 0, errors: [] } }));
    const result = await tele.clients.import(csv, { dryRun: true });
    expect(result.rows).toBe(1);
    expect(stub.requests[0].url).toBe("/api/v1/clients/import?dryRun=true");
    expect(stub.requests[0].headers["content-type"]).toMatch(/^text\/csv/);
    expect(stub.requests[0].body).toBe(csv);
  });

  it("exposes the per-row report of a refused import", async () => {
    const report = { dryRun: false, rows: 2, created: 0, errors: [{ line: 3, message: "state: must be a two-letter code" }] };
    const { tele } = await teleAnswering(() => problem(422, "import_invalid", "1 bad row", report));
    const err = await tele.appointments.import("x").catch((e) => e);
    expect(err).toBeInstanceOf(RuleRefusedError);
    expect(importResultOf(err)).toEqual(report);
  });

  it("uses the setup token for creating a practice", async () => {
    const { tele, stub } = await teleAnswering(() => problem(403, "permission_denied", "setup token needed"));
    await tele.practices
      .create({ name: "P", state: "NY", timeZone: "America/New_York", ownerName: "O", ownerEmail: "o@example.com" }, "setup-xyz")
      .catch(() => undefined);
    expect(stub.requests[0].headers.authorization).toBe("Bearer setup-xyz");
  });

  it("PATCHes the practice's contact and parses the practice it returns", async () => {
    const { tele, stub } = await teleAnswering(() => ({ json: { ...practice, contact: "(555) 010-0199", internal: 1 } }));
    const updated = await tele.practices.update({ contact: "(555) 010-0199" });
    expect(updated).toEqual({ ...practice, contact: "(555) 010-0199" });
    expect(`${stub.requests[0].method} ${stub.requests[0].url}`).toBe("PATCH /api/v1/practice");
    expect(JSON.parse(stub.requests[0].body)).toEqual({ contact: "(555) 010-0199" });
    await tele.practices.update({ contact: null });
    expect(JSON.parse(stub.requests[1].body)).toEqual({ contact: null });
  });

  it("rejects a practice reply without its contact", async () => {
    const { contact: _dropped, ...older } = practice;
    const { tele } = await teleAnswering(() => ({ json: older }));
    await expect(tele.practices.update({ contact: "x" })).rejects.toBeInstanceOf(MalformedResponseError);
  });

  it("reads who is signed in", async () => {
    const { tele, stub } = await teleAnswering(() => ({ json: whoami }));
    const me = await tele.me();
    expect(me.practice.timeZone).toBe("America/New_York");
    expect(stub.requests[0].url).toBe("/api/v1/me");
  });
});
