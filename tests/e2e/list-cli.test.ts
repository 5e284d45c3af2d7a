/**
 * Lists a person reads, through the real `tele` binary against the real server (issues 10 and 14):
 * `--all --json` streams every page as one JSON array with every id once; appointments default to
 * upcoming, `--past` lists what started before now (latest first) and `--all` everything; a table
 * shows names beside ids and says when there are more; `tele clients list` filters by text, state
 * and portal status.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Tele } from "../../src/sdk/index.js";
import { startWorld, tele, type E2eWorld, type RunResult } from "../helpers/e2e.js";

const DAY = 86_400_000;
const BULK = 2_500; // three pages of the CLI's 1000
let w: E2eWorld;
let sdk: Tele;
let as: (args: string[]) => Promise<RunResult>;
const past: string[] = [];
const upcoming: string[] = [];

const json = async <T = any>(args: string[]): Promise<T> => {
  const r = await as([...args, "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return r.json<T>();
};

beforeAll(async () => {
  w = await startWorld();
  sdk = new Tele({ url: w.server.url, token: w.ownerToken });
  as = (args) => tele(args, w.env);
  await sdk.staff.add({ name: "Tina Therapist", email: "tina@maple.test", roles: ["therapist"] });
  await sdk.staff.add({ name: "Theo Therapist", email: "theo@maple.test", roles: ["therapist"] });
  await sdk.clients.add({ name: "Alice Alpha", email: "alice@client.test", state: "NY" });
  await sdk.clients.add({ name: "Bruno Beta", email: "bruno@client.test", state: "CA" });
  await sdk.clients.add({ name: "Carla Gamma", email: "carla@elsewhere.test", state: "NY" });
  await sdk.clients.add({ name: "Dora 100%_Delta", state: null });
  await sdk.clients.invite("carla@elsewhere.test");
  // Theo's: three in the past and three to come, to tell the views apart.
  for (const days of [-3, -2, -1, 1, 2, 3]) {
    const start = new Date(Date.now() + days * DAY).toISOString();
    const a = await sdk.appointments.create({ therapist: "theo@maple.test", client: "alice@client.test", start, durationMinutes: 50, allowPast: days < 0 });
    (days < 0 ? past : upcoming).push(a.id);
  }
  // Tina's: many, past and future, through the import.
  const lines = ["therapist,client,start,duration_minutes"];
  for (let i = 0; i < BULK; i++) lines.push(`tina@maple.test,bruno@client.test,${new Date(Date.now() + (i - 1000) * 3_600_000).toISOString()},50`);
  expect((await sdk.appointments.import(lines.join("\n") + "\n", { allowPast: true, allowOverlap: true })).created).toBe(BULK);
}, 180_000);
afterAll(() => w?.close());

describe("tele appointments list", () => {
  it("--all --json streams every page as one JSON array, every id once", async () => {
    const all = await json<{ id: string; start: string }[]>(["appointments", "list", "--all"]);
    expect(Array.isArray(all)).toBe(true);
    expect(all).toHaveLength(BULK + 6);
    expect(new Set(all.map((a) => a.id)).size).toBe(BULK + 6);
    const starts = all.map((a) => Date.parse(a.start));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    for (const id of [...past, ...upcoming]) expect(all.map((a) => a.id)).toContain(id);
  }, 60_000);

  it("defaults to upcoming; --past is what started before now, latest first; --limit caps --json", async () => {
    expect((await json<{ id: string }[]>(["appointments", "list", "--therapist", "theo@maple.test"])).map((a) => a.id)).toEqual(upcoming);
    expect((await json<{ id: string }[]>(["appointments", "list", "--therapist", "theo@maple.test", "--past"])).map((a) => a.id)).toEqual([...past].reverse());
    expect(await json(["appointments", "list", "--therapist", "theo@maple.test", "--all"])).toHaveLength(6);
    const mine = await json<{ start: string }[]>(["appointments", "list", "--therapist", "tina@maple.test"]);
    expect(mine.length).toBeGreaterThan(1000); // the upcoming part of the bulk: more than one page
    expect(mine.every((a) => Date.parse(a.start) >= Date.now() - 120_000)).toBe(true);
    expect(await json(["appointments", "list", "--limit", "1500"])).toHaveLength(1500);
  }, 60_000);

  it("a table shows names beside ids, one page, and says when there are more", async () => {
    const r = await as(["appointments", "list", "--therapist", "theo@maple.test", "--limit", "2"]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID\s+START \(America\/New_York\)\s+MIN\s+THERAPIST\s+CLIENT/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(upcoming[0]);
    expect(lines[1]).toMatch(/Theo Therapist \(stf_[\w-]+\)\s+Alice Alpha \(cli_[\w-]+\)/);
    expect(r.stderr).toBe("Showing 2 appointments; there are more — use --all for every one, or --limit N.\n");
    const done = await as(["appointments", "list", "--therapist", "theo@maple.test", "--past"]);
    expect(done.stdout.trimEnd().split("\n")).toHaveLength(4);
    expect(done.stderr).toBe("");
    const both = await as(["appointments", "list", "--all", "--limit", "5"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--all and --limit do not go together");
  }, 60_000);
});

describe("tele clients list", () => {
  const names = async (args: string[]) => (await json<{ name: string }[]>(["clients", "list", ...args])).map((c) => c.name);

  it("filters by text in the name or email, by state and by portal status, and combines them", async () => {
    expect(await names([])).toEqual(["Alice Alpha", "Bruno Beta", "Carla Gamma", "Dora 100%_Delta"]);
    expect(await names(["--search", "ALP"])).toEqual(["Alice Alpha"]);
    expect(await names(["--search", "elsewhere"])).toEqual(["Carla Gamma"]);
    expect(await names(["--search", "%_"])).toEqual(["Dora 100%_Delta"]); // the text, not a pattern
    expect(await names(["--search", "zzz"])).toEqual([]);
    expect(await names(["--state", "ny"])).toEqual(["Alice Alpha", "Carla Gamma"]);
    expect(await names(["--portal", "invited"])).toEqual(["Carla Gamma"]);
    expect(await names(["--portal", "none", "--state", "NY"])).toEqual(["Alice Alpha"]);
    expect(await names(["--portal", "active"])).toEqual([]);
  }, 60_000);

  it("a table of the matches, an empty match said on stderr, and bad values are usage errors", async () => {
    const r = await as(["clients", "list", "--state", "CA"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ID\s+NAME\s+EMAIL\s+STATE/);
    expect(r.stdout).toContain("Bruno Beta");
    expect(r.stdout).not.toContain("Alice");
    const none = await as(["clients", "list", "--search", "nobody-at-all"]);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe("");
    expect(none.stderr).toBe("No clients match.\n");
    const badPortal = await as(["clients", "list", "--portal", "maybe"]);
    expect(badPortal.code).toBe(2);
    expect(badPortal.stderr).toContain("--portal");
    expect((await as(["clients", "list", "--state", "ZZ"])).code).toBe(2);
  }, 60_000);
});
