/**
 * Editing what exists, end to end: the real `tele` binary against the real server on a loopback
 * port — `tele clients set`, `tele staff set`, `tele practice show` and `tele practice set`: each one's
 * success, its --json record, and refusals with their exit codes and messages.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Tele } from "../../src/sdk/index.js";
import { errorJson, startWorld, tele, type E2eWorld, type RunResult } from "../helpers/e2e.js";

let w: E2eWorld;
let as: (args: string[]) => Promise<RunResult>;
const ids: Record<string, string> = {};
const json = async (args: string[]) => {
  const r = await as([...args, "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return r.json();
};

beforeAll(async () => {
  w = await startWorld();
  as = (args) => tele(args, w.env);
  ids.tina = (await json(["staff", "add", "--name", "Tina Therapist", "--email", "tina@maple.test", "--role", "therapist"])).id;
  ids.alice = (await json(["clients", "add", "--name", "Alice Client", "--email", "alice@client.test", "--state", "NY"])).id;
  ids.bruno = (await json(["clients", "add", "--name", "Bruno Client", "--email", "bruno@client.test", "--state", "CA"])).id;
  await json(["staff", "enable", "tina@maple.test"]);
  const start = new Date(Date.now() + 2 * 86_400_000).toISOString();
  ids.apt = (await json(["appointments", "create", "--therapist", "tina@maple.test", "--client", "bruno@client.test", "--start", start, "--duration", "50", "--telehealth"])).id;
}, 120_000);
afterAll(() => w?.close());

const audit = async (action: string) => (await new Tele({ url: w.server.url, token: w.ownerToken }).audit.list({ action })).items;

describe("tele clients set", () => {
  it("changes the given fields and says so; --json prints the client; one audit row names the fields", async () => {
    const r = await as(["clients", "set", "alice@client.test", "--name", "Alice Cooper", "--phone", "555-0111"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`Updated client Alice Cooper (${ids.alice}).\n`);
    const c = await json(["clients", "set", ids.alice, "--email", "Alice.New@Client.test", "--state", "nj", "--date-of-birth", "1990-04-30"]);
    expect(c).toMatchObject({ id: ids.alice, name: "Alice Cooper", email: "alice.new@client.test", state: "NJ", phone: "555-0111", dateOfBirth: "1990-04-30" });
    expect(Object.keys(c).sort()).toEqual(["consent", "createdAt", "dateOfBirth", "email", "id", "name", "phone", "portal", "state"]);
    expect((await json(["clients", "show", "alice.new@client.test"])).name).toBe("Alice Cooper");
    const rows = await audit("client.update");
    expect(rows.map((a) => a.details)).toEqual([{ fields: ["email", "state", "dateOfBirth"] }, { fields: ["name", "phone"] }]);
    expect(rows[0]).toMatchObject({ recordType: "client", recordId: ids.alice, actorType: "staff" });
  });

  it('--state "" clears the state with a warning; --phone "" clears the phone', async () => {
    const r = await as(["clients", "set", ids.alice, "--state", "", "--phone", ""]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("cannot have telehealth (R4)");
    expect(await json(["clients", "show", ids.alice])).toMatchObject({ state: null, phone: null });
  });

  it("refuses clearing the state of a client with upcoming telehealth: exit 6, the appointment named", async () => {
    const r = await as(["clients", "set", "bruno@client.test", "--state", ""]);
    expect(r.code).toBe(6);
    expect(r.stderr).toContain(`client ${ids.bruno} has 1 upcoming telehealth appointment(s); convert them to in-person or cancel them before clearing the state (R4)`);
    expect(r.stderr).toContain(`"tele appointments convert --client CLIENT --in-person" converts them to in-person; then clear the state (R4)`);
    const j = await as(["clients", "set", "bruno@client.test", "--state", "", "--json"]);
    expect(j.code).toBe(6);
    expect(errorJson(j.stderr)).toMatchObject({ code: "upcoming_telehealth", details: { appointments: [ids.apt] } });
    expect((await json(["clients", "show", ids.bruno])).state).toBe("CA");
  });

  it("refuses another client's email (exit 6), no flags or a bad state (exit 2), and a therapist (exit 4)", async () => {
    const taken = await as(["clients", "set", ids.bruno, "--email", "alice.new@client.test"]);
    expect(taken.code).toBe(6);
    expect(taken.stderr).toContain("a client with this email already exists");
    const none = await as(["clients", "set", ids.bruno]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("nothing to set: give at least one of --name, --email, --state, --phone, --date-of-birth");
    const bad = await as(["clients", "set", ids.bruno, "--state", "XX", "--name", "Evil\u001b[31m"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--name must be one line of text, without newlines or control characters");
    expect(bad.stderr).toContain("--state must be a two-letter U.S. state or territory code");
    const token = (await json(["staff", "token", "tina@maple.test"])).token;
    const denied = await tele(["clients", "set", ids.bruno, "--phone", "1"], { ...w.env, TELE_TOKEN: token });
    expect(denied.code).toBe(4);
  });
});

describe("tele staff set", () => {
  it("changes roles and says so; --json prints the staff member; one audit row names the role sets", async () => {
    const max = await json(["staff", "add", "--name", "Max Manager", "--email", "max@maple.test", "--role", "manager"]);
    const r = await as(["staff", "set", "max@maple.test", "--role", "manager", "--role", "biller"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`Updated Max Manager <max@maple.test> (${max.id}): manager, biller.\n`);
    const s = await json(["staff", "set", max.id, "--name", "Max M", "--email", "Max.M@maple.test"]);
    expect(s).toMatchObject({ id: max.id, name: "Max M", email: "max.m@maple.test", roles: ["manager", "biller"], teletherapy: false, active: true });
    const rows = await audit("staff.update");
    expect(rows.map((a) => a.details)).toEqual([
      { fields: ["name", "email"], revokedLinks: 1 },
      { fields: ["roles"], rolesBefore: ["manager"], rolesAfter: ["manager", "biller"] },
    ]);
  });

  it("refuses removing the owner role from the last owner: exit 6 last_owner, with the message and hint", async () => {
    const r = await as(["staff", "set", "owner@maple.test", "--role", "manager"]);
    expect(r.code).toBe(6);
    expect(r.stderr).toContain("is the practice's last active owner; make someone else an owner first");
    expect(r.stderr).toContain(`make someone else an owner first; "tele staff list" shows who is active`);
    const j = await as(["staff", "set", "owner@maple.test", "--role", "manager", "--json"]);
    expect(j.code).toBe(6);
    expect(errorJson(j.stderr).code).toBe("last_owner");
    expect((await json(["staff", "show", "owner@maple.test"])).roles).toEqual(["owner"]);
  });

  it("refuses removing the therapist role with upcoming telehealth (exit 6), and no flags (exit 2)", async () => {
    const human = await as(["staff", "set", "tina@maple.test", "--role", "biller"]);
    expect(human.code).toBe(6);
    expect(human.stderr).toContain(`"tele appointments convert --therapist STAFF --in-person" converts them to in-person; then change the roles (R3)`);
    const r = await as(["staff", "set", "tina@maple.test", "--role", "biller", "--json"]);
    expect(r.code).toBe(6);
    expect(errorJson(r.stderr)).toMatchObject({ code: "upcoming_telehealth", details: { appointments: [ids.apt] } });
    expect(await json(["staff", "show", "tina@maple.test"])).toMatchObject({ roles: ["therapist"], teletherapy: true });
    const none = await as(["staff", "set", "tina@maple.test"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("nothing to set: give at least one of --name, --email, --role");
  });
});

describe("tele practice show / set", () => {
  it("show prints every setting; --json the practice", async () => {
    const r = await as(["practice", "show"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Time zone\s+America\/New_York$/m);
    expect(r.stdout).toMatch(/^Join window\s+15 minutes before the start \(R13\)$/m);
    expect(r.stdout).toMatch(/^Auto-complete\s+60 minutes after the end \(R18\)$/m);
    const p = await json(["practice", "show"]);
    expect(p).toMatchObject({ name: "Maple Therapy", slug: w.slug, timeZone: "America/New_York", joinWindowMinutes: 15, autoCompleteMinutes: 60 });
  });

  it("set changes what is given, says so line by line, and --json prints the practice; one audit row", async () => {
    const r = await as(["practice", "set", "--timezone", "America/Chicago", "--join-window-minutes", "10"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("Time zone of Maple Therapy set to America/Chicago.\nJoin window: 10 minutes before the start (R13).\n");
    const p = await json(["practice", "set", "--name", "Maple & Oak", "--auto-complete-minutes", "90"]);
    expect(p).toMatchObject({ name: "Maple & Oak", timeZone: "America/Chicago", joinWindowMinutes: 10, autoCompleteMinutes: 90 });
    expect((await json(["whoami"])).practice).toEqual(p);
    expect((await audit("practice.update")).slice(0, 2).map((a) => a.details)).toEqual([
      { fields: ["name", "autoCompleteMinutes"] }, { fields: ["timeZone", "joinWindowMinutes"] },
    ]);
  });

  it("refuses out-of-range minutes and unknown zones before any request (exit 2), and a therapist (exit 4)", async () => {
    const far = await as(["practice", "set", "--join-window-minutes", "121"]);
    expect(far.code).toBe(2);
    expect(far.stderr).toContain("--join-window-minutes must be 0 to 120 minutes");
    const soon = await as(["practice", "set", "--auto-complete-minutes", "4", "--json"]);
    expect(soon.code).toBe(2);
    expect(errorJson(soon.stderr)).toEqual({ code: "invalid_request", message: "--auto-complete-minutes must be 5 to 1440 minutes", hint: `run "tele practice set --help" to see what it accepts` });
    const zone = await as(["practice", "set", "--timezone", "Mars/Olympus"]);
    expect(zone.code).toBe(2);
    expect(zone.stderr).toContain("--timezone must be an IANA time zone, such as America/New_York");
    const words = await as(["practice", "set", "--join-window-minutes", "ten"]);
    expect(words.code).toBe(2);
    expect(words.stderr).toContain("--join-window-minutes must be a whole number of minutes");
    const token = (await json(["staff", "token", "tina@maple.test"])).token;
    const denied = await tele(["practice", "set", "--join-window-minutes", "5"], { ...w.env, TELE_TOKEN: token });
    expect(denied.code).toBe(4);
    expect((await json(["practice", "show"])).joinWindowMinutes).toBe(10);
  });
});
