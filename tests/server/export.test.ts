/**
 * The billing export as a service (issue 12, R28): exact rows read back with an independent CSV
 * parser (csv-parse), formula cells neutralised, RFC 4180 quoting, the scope of each role, the
 * bounded range, the audit row, and keyset paging across more rows than one page holds.
 */
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { EXPORT_COLUMNS } from "../../src/sdk/schemas/index.js";
import type { Actor } from "../../src/server/domain/deps.js";
import { EXPORT_PAGE_SIZE, exportAppointments } from "../../src/server/domain/export/appointments.js";
import { sessionAccess } from "../../src/server/domain/sessions/access.js";
import { SessionHub, type Connection } from "../../src/server/domain/sessions/hub.js";
import { readLocation, recordLocation } from "../../src/server/domain/sessions/location.js";
import { addStaff, enableTeletherapy } from "../../src/server/domain/staff/service.js";
import { auditRows, book, makeWorld, refusal, type World } from "../helpers/server.js";
import { asStaff, idOf } from "../helpers/world.js";

async function body(w: World, actor: Actor, query: Record<string, string>): Promise<string> {
  let text = "";
  for await (const chunk of (await exportAppointments(w.deps, actor, query)).chunks) text += chunk;
  return text;
}

/** One completed telehealth session at home (09:10–, ended 25 minutes later), one scheduled in person by a therapist with a hostile name. */
async function practice() {
  const w = await makeWorld();
  const alice: Actor = { kind: "client", practiceId: w.p.practiceId, clientId: w.p.alice.id, ip: null, requestId: null };
  const tele = await book(w, { client: w.p.alice, start: "2026-12-01T09:10", telehealth: true });
  const read = readLocation({ state: "NJ", place: "home", phone: "555 010 0199" });
  if (!read.ok) throw new Error("unreadable");
  await recordLocation(w.deps, alice, await sessionAccess(w.deps, alice, tele.id), read.value);
  const hub = new SessionHub(w.deps);
  const join = async (actor: Actor) => {
    const access = await sessionAccess(w.deps, actor, tele.id);
    const conn: Connection = { appointmentId: tele.id, practiceId: w.p.practiceId, role: access.role, who: access.who, send: () => undefined, end: () => undefined };
    await hub.connect(actor, access, conn);
    return access;
  };
  const provider = await join(w.p.owner);
  await join(alice);
  w.advance(25 * 60_000);
  await hub.end(w.p.owner, provider);
  const evil = await addStaff(w.deps, w.p.owner, { name: '=HYPERLINK("http://x.test"),"@me"', email: "evil@maple.test", roles: ["therapist"] });
  await enableTeletherapy(w.deps, w.p.owner, evil.id);
  const inPerson = await book(w, { therapist: evil.id, client: w.p.carla, start: "2026-12-03T16:00", minutes: 45 });
  return { w, tele, inPerson, evil };
}

describe("the billing export", () => {
  it("gives exactly the rows and codes expected, read back by an independent CSV parser", async () => {
    const { w, tele, inPerson, evil } = await practice();
    const csv = await body(w, w.p.biller, { from: "2026-12-01", to: "2026-12-31" });
    expect(csv.split("\r\n")[0]).toBe(EXPORT_COLUMNS.join(","));
    const records = parse(csv, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
    expect(records).toEqual([
      {
        appointment_id: tele.id, date: "2026-12-01", start_time: "09:10", therapist_id: idOf(w.p.tina), therapist_name: "Tina Therapist",
        client_id: w.p.alice.id, scheduled_minutes: "50", actual_minutes: "25", status: "completed", telehealth: "true",
        place_of_service: "10", modifier: "95", client_state: "NJ",
      },
      {
        appointment_id: inPerson.id, date: "2026-12-03", start_time: "16:00", therapist_id: evil.id,
        // The formula is neutralised with a leading ' and the quotes and comma survive the quoting.
        therapist_name: `'=HYPERLINK("http://x.test"),"@me"`,
        client_id: w.p.carla.id, scheduled_minutes: "45", actual_minutes: "", status: "scheduled", telehealth: "false",
        place_of_service: "", modifier: "", client_state: "",
      },
    ]);
    // Nothing a claim does not need: no client names, emails or phone numbers.
    for (const secret of ["Alice", "alice@client.test", "Carla", "555 010 0199"]) expect(csv).not.toContain(secret);
    const row = auditRows(w.store, "appointments.export").at(-1)!;
    expect({ actor: row.actor_id, details: JSON.parse(row.details!) }).toEqual({
      actor: idOf(w.p.biller), details: { from: "2026-12-01T05:00:00.000Z", to: "2027-01-01T05:00:00.000Z", format: "csv" },
    });
  });

  it("as JSON gives the same records", async () => {
    const { w, tele } = await practice();
    const records = JSON.parse(await body(w, w.p.owner, { from: "2026-12-01", to: "2026-12-01", format: "json" }));
    expect(records).toEqual([expect.objectContaining({ appointmentId: tele.id, placeOfService: "10", modifier: "95", clientState: "NJ", actualMinutes: 25 })]);
    expect(JSON.parse(await body(w, w.p.owner, { from: "2027-02-01", to: "2027-02-02", format: "json" }))).toEqual([]);
  });

  it("gives a therapist only their own appointments; owners, managers and billers all of them", async () => {
    const { w, tele, evil } = await practice();
    const ids = async (actor: Actor) => (parse(await body(w, actor, { from: "2026-12-01", to: "2026-12-31" }), { columns: true }) as { appointment_id: string }[]).map((r) => r.appointment_id);
    expect(await ids(w.p.tina)).toEqual([tele.id]);
    expect(await ids(asStaff((await w.store.staff.byId(w.p.practiceId, evil.id))!))).toHaveLength(1);
    expect(await ids(w.p.manager)).toHaveLength(2);
    expect(await ids(w.p.biller)).toHaveLength(2);
  });

  it("refuses a range longer than 366 days, backwards, or malformed", async () => {
    const w = await makeWorld();
    await refusal(exportAppointments(w.deps, w.p.biller, { from: "2026-01-01", to: "2027-06-01" }), "invalid_request", 400);
    await refusal(exportAppointments(w.deps, w.p.biller, { from: "2026-12-02", to: "2026-12-01T00:00" }), "invalid_request", 400);
    await expect(exportAppointments(w.deps, w.p.biller, { from: "yesterday", to: "2026-12-01" })).rejects.toThrow();
    await refusal(exportAppointments(w.deps, { kind: "client", practiceId: w.p.practiceId, clientId: w.p.alice.id, ip: null, requestId: null }, { from: "2026-12-01", to: "2026-12-02" }), "permission_denied", 403);
  });

  it("pages through more rows than one page holds, in start order, each exactly once", async () => {
    const w = await makeWorld();
    const n = EXPORT_PAGE_SIZE * 2 + 7;
    const base = Date.parse("2026-12-05T14:00:00Z");
    // Pairs share a start, so the (start, id) cursor has ties to get right.
    const rows = Array.from({ length: n }, (_, i) => ({
      id: `apt_${String(i).padStart(5, "0")}`, practiceId: w.p.practiceId, therapistId: idOf(w.p.tina), clientId: w.p.alice.id,
      startAt: base + Math.floor(i / 2) * 3_600_000, endAt: base + Math.floor(i / 2) * 3_600_000 + 50 * 60_000, telehealth: false, createdAt: w.deps.clock(),
    }));
    await w.store.tx((r) => r.appointments.insertMany(rows));
    const got = (parse(await body(w, w.p.biller, { from: "2026-12-01", to: "2027-11-30" }), { columns: true }) as { appointment_id: string }[]).map((r) => r.appointment_id);
    expect(got).toEqual(rows.map((r) => r.id));
  });
});
