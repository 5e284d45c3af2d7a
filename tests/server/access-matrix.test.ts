/**
 * The role × operation matrix (issue 8): every API operation registered in the route table, called
 * by every actor of access-rules.ts over the real app, each cell on its own copy of one fixture
 * database. The expected status comes from the written table (access-rules.ts), never from the
 * code; a route that is registered but missing from the table, or that declares a different access
 * than the table's rule, fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import type { SqliteStore } from "../../src/server/db/sqlite/store.js";
import type { Deps } from "../../src/server/domain/deps.js";
import { buildApp } from "../../src/server/http/app.js";
import { buildAccessFixture, practiceState, type AccessFixture, MATRIX_LIMITS } from "../helpers/access-world.js";
import { T0 } from "../helpers/world.js";
import { ACTORS, API_CASES, expectedStatus, GRANTS, type ActorName } from "./access-rules.js";

let fx: AccessFixture;
let app: FastifyInstance;
const routes: { method: string; url: string; access?: string }[] = [];
const deps = { clock: () => T0, config: { publicUrl: "http://tele.test" } } as Deps;

beforeAll(async () => {
  fx = await buildAccessFixture();
  deps.store = fx.copy();
  app = buildApp(deps, { onRoute: (r) => routes.push(r), limits: MATRIX_LIMITS });
  await app.ready();
}, 60_000);

afterAll(async () => {
  await app?.close();
  fx?.cleanup();
});

/** Runs one cell on a fresh copy of the fixture; returns the reply and our practice's rows before and after. */
async function cell(key: string, actor: ActorName) {
  const c = API_CASES[key]!;
  const [method] = key.split(" ");
  const previous = deps.store as SqliteStore;
  deps.store = fx.copy();
  await previous.close();
  const store = deps.store as SqliteStore;
  const before = practiceState(store, fx.ids.practiceId);
  const { url, body, csv } = c.call(fx.ids);
  const creds = fx.creds[actor];
  const headers: Record<string, string> = {};
  // A client has a portal cookie and no token; everyone else calls the API with their own token (or none).
  if (actor === "client") headers.cookie = creds.cookie!;
  else if (creds.token) headers.authorization = `Bearer ${creds.token}`;
  if (csv !== undefined) headers["content-type"] = "text/csv";
  const payload = csv ?? (body === undefined ? undefined : JSON.stringify(body));
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await app.inject({ method: method as "GET", url, headers, payload });
  return { res, before, after: practiceState(store, fx.ids.practiceId) };
}

describe("the route table and the written table agree", () => {
  it("every API route is in the table, with the access the table's rule says; every table row is a route", () => {
    const api = routes.filter((r) => r.url.startsWith("/api/v1/") && r.method !== "HEAD" && r.url !== "/api/v1/openapi.json");
    const registered = new Map(api.map((r) => [`${r.method} ${r.url}`, r.access]));
    const missing = [...registered.keys()].filter((k) => !(k in API_CASES));
    expect(missing, "routes without a row in tests/server/access-rules.ts").toEqual([]);
    expect([...registered.keys()].sort()).toEqual(Object.keys(API_CASES).sort());
    for (const [key, access] of registered) expect({ key, access }).toEqual({ key, access: API_CASES[key]!.rule });
  });

  it("the grants say what R1 and R2 say: billers never change, only owners and managers manage", () => {
    expect(GRANTS.change.biller).toBe("none");
    expect(GRANTS.change.billerTherapist).toBe("own");
    expect(Object.entries(GRANTS.manage).filter(([, g]) => g === "all").map(([a]) => a).sort()).toEqual(["manager", "managerTherapist", "owner"]);
  });
});

describe("role × operation matrix", () => {
  for (const key of Object.keys(API_CASES)) {
    it(key, async () => {
      const failures: string[] = [];
      for (const actor of ACTORS) {
        const want = expectedStatus(API_CASES[key]!, actor);
        const { res, before, after } = await cell(key, actor);
        if (res.statusCode !== want) failures.push(`${actor}: expected ${want}, got ${res.statusCode} ${res.body.slice(0, 160)}`);
        // A refusal changes nothing of ours; neither does anything another practice does.
        if ((want >= 400 || actor === "otherOwner") && before !== after) failures.push(`${actor}: changed this practice's rows`);
        // What a narrower scope or another practice gets back shows nothing of Tina's.
        const scoped = actor === "otherOwner" || (actor === "therapistOther" && want < 400);
        if (scoped && want < 400) {
          for (const id of [fx.ids.tina, fx.ids.alice, fx.ids.appointment]) {
            if (res.body.includes(id)) failures.push(`${actor}: the reply shows ${id}`);
          }
        }
      }
      expect(failures).toEqual([]);
    }, 60_000);
  }
});
