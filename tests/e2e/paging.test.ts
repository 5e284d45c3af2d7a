/**
 * Paged lists over HTTP (issue 14), the real server on a real port over a real SQLite file: a walk
 * through the pages is complete and duplicate-free while appointments are added between pages; a
 * cursor that this list did not give out for this practice and these filters (forged, garbled,
 * another practice's, another filter's) is refused 400 `bad_cursor`; a limit above the maximum is a
 * 400 that names it; every list endpoint answers `{items, nextCursor}`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Tele } from "../../src/sdk/index.js";
import { startWorld, type E2eWorld } from "../helpers/e2e.js";

const SETUP = "setup-token-for-the-paging-test-0123";
const DAY = 86_400_000;
let w: E2eWorld;
let sdk: Tele;
let other: Tele;
let tina: string;
let alice: string;

/** `n` appointments of Tina's, one a day from `firstDay` days ahead, all at once through the import. */
async function seedAppointments(n: number, firstDay: number): Promise<void> {
  const lines = ["therapist,client,start,duration_minutes"];
  for (let i = 0; i < n; i++) lines.push(`tina@maple.test,alice@client.test,${new Date(Date.now() + (firstDay + i) * DAY).toISOString()},50`);
  const r = await sdk.appointments.import(lines.join("\n") + "\n", { allowOverlap: true });
  expect(r.created).toBe(n);
}

/** A raw GET, for what the SDK would not send. */
async function get(path: string, token = w.ownerToken): Promise<{ status: number; body: any }> {
  const res = await fetch(`${w.server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  w = await startWorld({ serverEnv: { TELE_SETUP_TOKEN: SETUP } });
  sdk = new Tele({ url: w.server.url, token: w.ownerToken });
  tina = (await sdk.staff.add({ name: "Tina Therapist", email: "tina@maple.test", roles: ["therapist"] })).id;
  alice = (await sdk.clients.add({ name: "Alice Client", email: "alice@client.test", state: "NY" })).id;
  // A second of each, so that every list has a second page at limit=1 (staff invites are mail).
  await sdk.staff.add({ name: "Theo Therapist", email: "theo@maple.test", roles: ["therapist"] });
  await sdk.clients.add({ name: "Bruno Client", email: "bruno@client.test", state: "CA" });
  await seedAppointments(120, 10);
  const birch = await new Tele({ url: w.server.url }).practices.create(
    { name: "Birch Counseling", state: "CA", timeZone: "America/Los_Angeles", ownerName: "Bea Owner", ownerEmail: "bea@birch.test" }, SETUP);
  other = new Tele({ url: w.server.url, token: birch.token });
}, 120_000);
afterAll(() => w?.close());

describe("walking the pages", () => {
  it("sees every appointment once while others are added before and after the cursor between pages", async () => {
    const before = new Set<string>();
    for await (const a of sdk.appointments.iterate({ limit: 1000 })) before.add(a.id);
    expect(before.size).toBe(120);
    const seen: string[] = [];
    const early: string[] = [];
    const late: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await sdk.appointments.list({ limit: 25, cursor });
      expect(page.items.length).toBeLessThanOrEqual(25);
      seen.push(...page.items.map((a) => a.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
      // Between pages: one appointment sooner than anything listed so far, one later than everything.
      const at = (days: number) => new Date(Date.now() + days * DAY).toISOString();
      early.push((await sdk.appointments.create({ therapist: tina, client: alice, start: at(1 + pages / 100), durationMinutes: 50, allowOverlap: true })).id);
      late.push((await sdk.appointments.create({ therapist: tina, client: alice, start: at(400 + pages), durationMinutes: 50, allowOverlap: true })).id);
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of before) expect(seen).toContain(id);
    for (const id of late.slice(0, -1)) expect(seen).toContain(id); // added while the walk had not reached them
    for (const id of early) expect(seen).not.toContain(id); // they sort before pages already read
    expect(seen.length).toBe(120 + late.length - 1);
    expect(pages).toBeGreaterThanOrEqual(5);
  }, 120_000);

  it("keeps filters across pages and the iterator yields the same as the pages", async () => {
    const filter = { therapist: "tina@maple.test", from: new Date(Date.now() + 50 * DAY).toISOString(), to: new Date(Date.now() + 80 * DAY).toISOString() };
    const first = await sdk.appointments.list({ ...filter, limit: 7 });
    const second = await sdk.appointments.list({ ...filter, limit: 7, cursor: first.nextCursor! });
    const all: string[] = [];
    for await (const a of sdk.appointments.iterate({ ...filter, limit: 7 })) all.push(a.id);
    expect(all.slice(0, 14)).toEqual([...first.items, ...second.items].map((a) => a.id));
    expect(all).toHaveLength(30);
    expect(new Set(all).size).toBe(30);
    expect(first.items[0]).toMatchObject({ therapistName: "Tina Therapist", clientName: "Alice Client" });
  });

  it("every list endpoint answers a page: items and nextCursor, null on the last", async () => {
    for (const path of ["/api/v1/appointments", "/api/v1/clients", "/api/v1/staff", "/api/v1/mail", "/api/v1/audit"]) {
      const r = await get(`${path}?limit=1`);
      expect(r.status, path).toBe(200);
      expect(Object.keys(r.body).sort(), path).toEqual(["items", "nextCursor"]);
      expect(r.body.items.length, path).toBe(1);
      expect(typeof r.body.nextCursor, path).toBe("string");
    }
    expect((await get("/api/v1/staff?limit=1000")).body.nextCursor).toBeNull();
    expect((await get("/api/v1/appointments")).body.items).toHaveLength(100); // the default page
  });
});

describe("cursors and limits that are not this list's", () => {
  const problem = (r: { status: number; body: any }, status: number, code: string) => {
    expect(r.status).toBe(status);
    expect(r.body.code).toBe(code);
    return r.body;
  };

  it("a forged, garbled or reused-elsewhere cursor is refused 400 bad_cursor", async () => {
    const page = await sdk.appointments.list({ limit: 5 });
    const cursor = page.nextCursor!;
    const [body, sig] = cursor.split(".");
    // Forged: a key of our own choosing, with the signature of another.
    const forgedKey = Buffer.from(JSON.stringify([0, "apt_"])).toString("base64url");
    for (const bad of [`${forgedKey}.${sig}`, `${body}.${sig!.slice(0, -2)}AA`, "not-a-cursor", `${body}`, `${cursor}.x`, "%%%"]) {
      problem(await get(`/api/v1/appointments?limit=5&cursor=${encodeURIComponent(bad)}`), 400, "bad_cursor");
    }
    // Another filter, or another list: the same cursor is not theirs.
    problem(await get(`/api/v1/appointments?limit=5&telehealth=true&cursor=${cursor}`), 400, "bad_cursor");
    problem(await get(`/api/v1/appointments?limit=5&order=desc&cursor=${cursor}`), 400, "bad_cursor");
    problem(await get(`/api/v1/clients?cursor=${cursor}`), 400, "bad_cursor");
    // The same query again is fine: the cursor is bound to the query, not to one use.
    expect((await get(`/api/v1/appointments?limit=5&cursor=${cursor}`)).status).toBe(200);
  });

  it("another practice's cursor is refused, and the refusal says nothing of this practice", async () => {
    const mine = (await sdk.appointments.list({ limit: 5 })).nextCursor!;
    const err = await other.appointments.list({ limit: 5, cursor: mine }).catch((e: unknown) => e as { status: number; code: string; message: string });
    expect(err).toMatchObject({ status: 400, code: "bad_cursor" });
    expect(err.message).not.toMatch(/apt_|Maple|Tina|Alice/);
    const theirs = (await other.staff.list({ limit: 1 })).nextCursor;
    expect(theirs).toBeNull(); // Birch has one staff member: one page
    const mineStaff = (await sdk.staff.list({ limit: 1 })).nextCursor!;
    await expect(other.staff.list({ limit: 1, cursor: mineStaff })).rejects.toMatchObject({ status: 400, code: "bad_cursor" });
  });

  it("a limit above the maximum is a 400 that names the maximum; zero and words are 400 too", async () => {
    const body = problem(await get("/api/v1/appointments?limit=1001"), 400, "invalid_request");
    expect(JSON.stringify(body)).toContain("1000");
    for (const path of ["/api/v1/clients?limit=5000", "/api/v1/mail?limit=0", "/api/v1/audit?limit=many", "/api/v1/staff?limit=-1"]) {
      problem(await get(path), 400, "invalid_request");
    }
  });
});
