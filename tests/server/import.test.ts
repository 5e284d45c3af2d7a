/** CSV imports of clients and appointments (cli-contract.md "CSV import"): all or nothing. */
import { describe, expect, it } from "vitest";
import { DomainError } from "../../src/server/domain/errors.js";
import { importAppointments } from "../../src/server/domain/import/appointments.js";
import { importClients } from "../../src/server/domain/import/clients.js";
import type { ImportResult } from "../../src/sdk/schemas/index.js";
import { auditRows, makeWorld, refusal, snapshot, type World } from "../helpers/server.js";
import { idOf } from "../helpers/world.js";

const clientsCsv = (...lines: string[]) => ["name,email,state", ...lines].join("\n") + "\n";
const aptsCsv = (...lines: string[]) => ["therapist,client,start,duration_minutes,telehealth", ...lines].join("\n") + "\n";

/** Runs an import that must be refused; checks that nothing at all was written and returns its errors. */
async function badImport(w: World, run: () => Promise<ImportResult>): Promise<ImportResult["errors"]> {
  const before = snapshot(w.store);
  const err = await refusal(run(), "import_invalid", 422);
  expect(snapshot(w.store)).toEqual(before);
  const details = err.details as ImportResult;
  expect(details.created).toBe(0);
  return details.errors;
}

const clientRows = (w: World) => w.store.db.prepare(`SELECT name, email, state, phone, date_of_birth FROM clients ORDER BY name`).all();

describe("clients import", () => {
  it("creates every row, with one audit entry for the whole import", async () => {
    const w = await makeWorld();
    // BOM, CRLF, header in any order and case, a blank line, a quoted comma.
    const csv = '\uFEFFEmail,Name,STATE,phone\r\nDAN@Client.test,Dan Doe,ny,555-0100\r\n,Era Empty,,\r\n\r\nfay@client.test,"Fox, Fay",pr,\r\n';
    const res = await importClients(w.deps, w.p.manager, csv, false);
    expect(res).toEqual({ dryRun: false, rows: 3, created: 3, errors: [] });
    expect(clientRows(w)).toEqual(expect.arrayContaining([
      { name: "Dan Doe", email: "dan@client.test", state: "NY", phone: "555-0100", date_of_birth: null },
      { name: "Era Empty", email: null, state: null, phone: null, date_of_birth: null },
      { name: "Fox, Fay", email: "fay@client.test", state: "PR", phone: null, date_of_birth: null },
    ]));
    expect(auditRows(w.store, "clients.import")).toMatchObject([{ actor_id: idOf(w.p.manager), details: JSON.stringify({ count: 3 }) }]);
  });

  it("a dry run validates and writes nothing", async () => {
    const w = await makeWorld();
    const before = snapshot(w.store);
    const res = await importClients(w.deps, w.p.owner, clientsCsv("Dan,dan@client.test,NY", "Eve,,"), true);
    expect(res).toEqual({ dryRun: true, rows: 2, created: 2, errors: [] });
    expect(snapshot(w.store)).toEqual(before);
  });

  it("one bad row and nothing is written; every bad row is reported with its line", async () => {
    const w = await makeWorld();
    const csv = clientsCsv(
      "Good One,good1@client.test,NY", //                         line 2
      ",empty-name@client.test,NY", //                            line 3: no name
      "Bad Mail,not-an-email,NY", //                              line 4
      "Good Two,good2@client.test,", //                           line 5
      "Bad State,bad-state@client.test,ZZ", //                    line 6
      "Dupe,alice@client.test,NY", //                             line 7: exists already
      "Twin A,twin@client.test,NY", //                            line 8
      "Twin B,TWIN@client.test,NY", //                            line 9: same as line 8
      "Too,many,fields,here", //                                  line 10
    );
    const errors = await badImport(w, () => importClients(w.deps, w.p.owner, csv, false));
    expect(errors.map((e) => e.line)).toEqual([3, 4, 6, 7, 9, 10]);
    expect(errors.find((e) => e.line === 9)!.message).toMatch(/line 8/);
  });

  it("counts physical lines: a quoted field spanning lines moves the next rows' numbers", async () => {
    const w = await makeWorld();
    const csv = 'name,email,state\n"Multi\nLine\r\nName",ml@client.test,NY\nBad,bad,NY\n"Quote ""inside""",q@client.test,XX\n';
    const errors = await badImport(w, () => importClients(w.deps, w.p.owner, csv, false));
    // The multi-line name itself is refused too (names are one line, issue 8); the rows after it keep their physical numbers.
    expect(errors.map((e) => e.line)).toEqual([2, 5, 6]);
  });

  it("reports where a quoted field is never closed", async () => {
    const w = await makeWorld();
    const errors = await badImport(w, () => importClients(w.deps, w.p.owner, clientsCsv("A,a@client.test,NY", '"Open,b@client.test,NY', "C,c@client.test,NY"), false));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.line).toBe(3);
  });

  it.each([
    ["an unknown column", "name,email,state,diagnosis\nDan,dan@client.test,NY,x\n", /unknown column "diagnosis"/],
    ["a missing column", "name,email\nDan,dan@client.test\n", /missing column "state"/],
    ["a repeated column", "name,email,state,email\nDan,dan@client.test,NY,d@client.test\n", /appears twice/],
    ["an empty file", "", /missing column "name"|empty/],
  ])("refuses %s, reported on line 1", async (_what, csv, message) => {
    const w = await makeWorld();
    const errors = await badImport(w, () => importClients(w.deps, w.p.owner, csv, false));
    expect(errors[0]).toMatchObject({ line: 1, message: expect.stringMatching(message) });
  });

  it("no error message repeats a client's name or email", async () => {
    const w = await makeWorld();
    const secrets = ["Zelda Secretname", "zelda@private.test", "Yuri Hidden", "yuri@private.test", "Alice Client", "alice@client.test"];
    const csv = clientsCsv("Zelda Secretname,zelda@private.test,ZZ", "Yuri Hidden,yuri@private.test,NY", "Yuri Hidden,yuri@private.test,NY",
      "Alice Client,alice@client.test,NY", `${"Long".repeat(60)},zelda@private,NY`);
    const errors = await badImport(w, () => importClients(w.deps, w.p.owner, csv, false));
    expect(errors.map((e) => e.line)).toEqual([2, 4, 5, 6]);
    const text = JSON.stringify(errors).toLowerCase();
    for (const s of secrets) expect(text).not.toContain(s.toLowerCase());
  });

  it("a file of many bad rows reports the first 1,000 by line and how many more (issue 14: bounded)", async () => {
    const w = await makeWorld();
    const csv = clientsCsv(...Array.from({ length: 1500 }, (_, i) => `Bad ${i},bad${i}@client.test,ZZ`));
    const err = await refusal(importClients(w.deps, w.p.owner, csv, false), "import_invalid", 422);
    const details = err.details as ImportResult;
    expect(details).toMatchObject({ rows: 1500, created: 0, moreErrors: 500 });
    expect(details.errors).toHaveLength(1000);
    expect(details.errors.map((e) => e.line)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 2));
    expect(err.message).toMatch(/^1500 row\(s\)/);
  });

  it("only owners and managers import", async () => {
    const w = await makeWorld();
    await refusal(importClients(w.deps, w.p.tina, clientsCsv("Dan,dan@client.test,NY"), false), "permission_denied", 403);
    await refusal(importClients(w.deps, w.p.biller, clientsCsv("Dan,dan@client.test,NY"), true), "permission_denied", 403);
  });
});

describe("appointments import", () => {
  it("creates every row, by id or email, reading times in the practice's zone", async () => {
    const w = await makeWorld();
    const csv = aptsCsv(
      `tina@maple.test,alice@client.test,2026-12-10T09:00,50,yes`,
      `${idOf(w.p.theo)},${w.p.bruno.id},2026-12-10T10:00-05:00,30,`,
      `TINA@maple.test,CARLA-has-no-email-so-by-id,2026-12-11T09:00,45,0`.replace("CARLA-has-no-email-so-by-id", w.p.carla.id),
    );
    const res = await importAppointments(w.deps, w.p.owner, csv, false);
    expect(res).toEqual({ dryRun: false, rows: 3, created: 3, errors: [] });
    const got = w.store.db.prepare(`SELECT therapist_id AS t, client_id AS c, start_at AS s, end_at - start_at AS d, telehealth AS th
      FROM appointments ORDER BY start_at, therapist_id`).all();
    expect(got).toEqual([
      { t: idOf(w.p.tina), c: w.p.alice.id, s: Date.parse("2026-12-10T14:00:00Z"), d: 50 * 60_000, th: 1 },
      { t: idOf(w.p.theo), c: w.p.bruno.id, s: Date.parse("2026-12-10T15:00:00Z"), d: 30 * 60_000, th: 0 },
      { t: idOf(w.p.tina), c: w.p.carla.id, s: Date.parse("2026-12-11T14:00:00Z"), d: 45 * 60_000, th: 0 },
    ]);
    expect(auditRows(w.store, "appointments.import")).toHaveLength(1);
  });

  it("telehealth rows must pass R4 and R5; every bad row is reported and nothing is written", async () => {
    const w = await makeWorld();
    const csv = aptsCsv(
      `tina@maple.test,alice@client.test,2026-12-10T09:00,50,true`, //  2: fine
      `tina@maple.test,bruno@client.test,2026-12-10T10:00,50,true`, //  3: R4
      `theo@maple.test,alice@client.test,2026-12-10T11:00,50,true`, //  4: R5
      `biller@maple.test,alice@client.test,2026-12-10T12:00,50,no`, //  5: not a therapist
      `ghost@maple.test,ghost@client.test,2026-12-10T13:00,50,no`, //   6: neither exists
      `tina@maple.test,alice@client.test,tomorrow,50,no`, //             7: bad start
      `tina@maple.test,alice@client.test,2026-12-10T14:00,4,no`, //      8: too short
      `tina@maple.test,alice@client.test,2026-12-10T15:00,50,maybe`, //  9: bad bool
      `theo@maple.test,bruno@client.test,2026-12-10T16:00,50,false`, // 10: fine (in person)
    );
    const errors = await badImport(w, () => importAppointments(w.deps, w.p.owner, csv, false));
    expect(errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    const byLine = new Map(errors.map((e) => [e.line, e.message]));
    expect(byLine.get(3)).toMatch(/U\.S\. residents/);
    expect(byLine.get(4)).toMatch(/Teletherapy/);
    expect(byLine.get(6)).toMatch(/therapist not found.*client not found/);
    const text = JSON.stringify(errors);
    for (const s of ["alice@client.test", "bruno@client.test", "ghost@client.test", "Alice", "Bruno"]) expect(text).not.toContain(s);
  });

  it("a dry run writes nothing; a telehealth row passes the same checks", async () => {
    const w = await makeWorld();
    const before = snapshot(w.store);
    const res = await importAppointments(w.deps, w.p.owner, aptsCsv(`tina@maple.test,alice@client.test,2026-12-10T09:00,50,1`), true);
    expect(res).toEqual({ dryRun: true, rows: 1, created: 1, errors: [] });
    expect(snapshot(w.store)).toEqual(before);
    await badImport(w, () => importAppointments(w.deps, w.p.owner, aptsCsv(`theo@maple.test,alice@client.test,2026-12-10T09:00,50,1`), true));
  });

  it.each([
    ["an unknown column", "therapist,client,start,duration_minutes,room\n", /unknown column "room"/],
    ["a missing column", "therapist,client,start\n", /missing column "duration_minutes"/],
  ])("refuses %s", async (_what, csv, message) => {
    const w = await makeWorld();
    const errors = await badImport(w, () => importAppointments(w.deps, w.p.owner, csv, false));
    expect(errors[0]).toMatchObject({ line: 1, message: expect.stringMatching(message) });
  });

  it("line numbers count the physical lines of quoted multi-line cells", async () => {
    const w = await makeWorld();
    const csv = `therapist,client,start,duration_minutes\n"tina@maple.test\n",alice@client.test,2026-12-10T09:00,50\ntina@maple.test,alice@client.test,later,50\n`;
    const errors = await badImport(w, () => importAppointments(w.deps, w.p.owner, csv, false));
    expect(errors.map((e) => e.line)).toEqual([4]);
  });

  it("is refused as a whole with a DomainError, not a partial write, for therapists", async () => {
    const w = await makeWorld();
    const err = await importAppointments(w.deps, w.p.tina, aptsCsv(`tina@maple.test,alice@client.test,2026-12-10T09:00,50,1`), false).catch((e) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err.code).toBe("permission_denied");
  });
});
