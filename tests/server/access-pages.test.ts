/**
 * The browser side of the role × operation matrix: every page and page action the app registers
 * outside the API table, called by every actor with their own browser session (cookie and CSRF
 * token), each cell on a copy of the fixture database. Expected statuses come from
 * access-page-rules.ts; a route missing from it fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import type { SqliteStore } from "../../src/server/db/sqlite/store.js";
import type { Deps } from "../../src/server/domain/deps.js";
import { buildApp } from "../../src/server/http/app.js";
import { buildAccessFixture, practiceState, type AccessFixture, MATRIX_LIMITS } from "../helpers/access-world.js";
import { T0 } from "../helpers/world.js";
import { expectedPage, PAGE_ACTORS, PAGE_CASES, type PageActor } from "./access-page-rules.js";

let fx: AccessFixture;
let app: FastifyInstance;
const routes: { method: string; url: string }[] = [];
const deps = { clock: () => T0, config: { publicUrl: "http://tele.test" } } as Deps;
const ANON_CSRF = "z".repeat(43);
let cells = 0;

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

async function cell(key: string, actor: PageActor) {
  const c = PAGE_CASES[key]!;
  const previous = deps.store as SqliteStore;
  deps.store = fx.copy();
  await previous.close();
  const store = deps.store as SqliteStore;
  const { method, url, form } = c.call(fx.ids);
  const creds = fx.creds[actor];
  const cookies = [creds.cookie, `tele_csrf=${ANON_CSRF}`].filter(Boolean).join("; ");
  const csrf = c.csrf === "anonymous" ? ANON_CSRF : creds.csrf;
  const payload = method === "POST" ? new URLSearchParams({ ...(csrf ? { _csrf: csrf } : {}), ...form }).toString() : undefined;
  const headers: Record<string, string> = { cookie: cookies };
  if (payload !== undefined) headers["content-type"] = "application/x-www-form-urlencoded";
  const before = practiceState(store, fx.ids.practiceId);
  // Each cell from its own address: the per-address limits on public forms are not what this test is about.
  const remoteAddress = `10.0.${Math.floor(++cells / 250)}.${cells % 250}`;
  const res = await app.inject({ method, url, headers, payload, remoteAddress });
  return { res, before, after: practiceState(store, fx.ids.practiceId) };
}

describe("the pages and the written table agree", () => {
  it("every page route is in the table, and every table row is a page route", () => {
    const pages = routes.filter((r) => r.method !== "HEAD" && (!r.url.startsWith("/api/v1/") || r.url === "/api/v1/openapi.json"));
    expect(pages.map((r) => `${r.method} ${r.url}`).sort()).toEqual(Object.keys(PAGE_CASES).sort());
  });
});

describe("role × page matrix", () => {
  for (const key of Object.keys(PAGE_CASES)) {
    it(key, async () => {
      const failures: string[] = [];
      for (const actor of PAGE_ACTORS) {
        const want = expectedPage(PAGE_CASES[key]!, actor);
        const { res, before, after } = await cell(key, actor);
        if (res.statusCode !== want) failures.push(`${actor}: expected ${want}, got ${res.statusCode} ${res.body.slice(0, 120).replace(/\s+/g, " ")}`);
        if (want >= 400 && before !== after) failures.push(`${actor}: a refused request changed this practice's rows`);
        if (want >= 400 || actor === "otherOwner") expect(res.body).not.toContain(fx.ids.alice);
      }
      expect(failures).toEqual([]);
    }, 60_000);
  }
});
