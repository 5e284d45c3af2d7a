/**
 * The event stream itself, on a real port over the in-memory world (T0 is 09:00 EST, the
 * appointment runs 09:10–10:00): heartbeat comments, and two tabs of one person counting once
 * when their connections drop one by one.
 */
import { describe, expect, it } from "vitest";
import { SessionHub } from "../../src/server/domain/sessions/hub.js";
import { buildAppPerTest } from "../helpers/app.js";
import { givePassword, pageBrowser, signIn, type PageBrowser } from "../helpers/pages.js";
import { activatePortal, auditRows, book, makeWorld } from "../helpers/server.js";
import { events } from "../helpers/sse.js";

const buildApp = buildAppPerTest();

async function setup() {
  const w = await makeWorld();
  w.deps.sessions = new SessionHub(w.deps, { pingMs: 50 });
  const app = buildApp(w.deps);
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  const appt = await book(w, { client: w.p.alice, start: "2026-12-01T09:10", telehealth: true });
  await activatePortal(w, w.p.alice, "client password 1");
  const alice = pageBrowser(app);
  await alice.get("/p/maple-therapy");
  expect((await alice.post("/p/maple-therapy/sign-in", { email: "alice@client.test", password: "client password 1" })).statusCode).toBe(303);
  const tina = pageBrowser(app);
  expect((await signIn(tina, "tina@maple.test", await givePassword(w, "tina@maple.test"))).statusCode).toBe(303);
  const open = async (b: PageBrowser) => {
    const controller = new AbortController();
    const res = await fetch(`${url}/p/maple-therapy/appointments/${appt.id}/session/events`, {
      headers: { cookie: [...b.jar].map(([k, v]) => `${k}=${v}`).join("; ") }, signal: controller.signal,
    });
    expect(res.status).toBe(200);
    return { res, abort: () => controller.abort() };
  };
  return { w, appt, alice, tina, open };
}

describe("the session event stream", () => {
  it("sends the state on connect and a ': ping' comment on every heartbeat", async () => {
    const t = await setup();
    const { res, abort } = await t.open(t.alice);
    const reader = res.body!.getReader();
    let text = "";
    while ((text.match(/^: ping$/gm) ?? []).length < 2 || !text.includes("\n\nevent: state\n")) text += new TextDecoder().decode((await reader.read()).value);
    // Pings may come before the state when joining takes longer than a ping interval (50 ms here; PostgreSQL's first join can): the first event is the state.
    expect(text.replace(/^: ping\n\n/gm, "")).toMatch(/^retry: \d+\n\nevent: state\ndata: \{"state":"waiting","present":\{"provider":false,"client":true\}\}\n\n/);
    abort();
  });

  it("two tabs of the client count once: the provider hears the client leave only when the last tab drops", async () => {
    const t = await setup();
    const tina = events((await t.open(t.tina)).res);
    await tina.next((e) => e.state === "waiting");
    const tab1 = await t.open(t.alice);
    await tina.next((e) => e.state === "live");
    const tab2 = await t.open(t.alice);
    tab1.abort();
    await new Promise((ok) => setTimeout(ok, 300));
    expect(tina.all.filter((e) => e.state === "waiting")).toEqual([]);
    tab2.abort();
    expect(await tina.next((e) => e.state === "waiting")).toEqual({
      state: "waiting", present: { provider: true, client: false }, startedAt: new Date(t.w.deps.clock()).toISOString(),
    });
    expect(auditRows(t.w.store, "session.leave")).toHaveLength(1);
    expect(auditRows(t.w.store, "session.join").map((r) => r.actor_type)).toEqual(["staff", "client"]);
  });
});
