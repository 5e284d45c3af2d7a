/**
 * The provider dashboard, the appointment page, the session page and the CLI's sign-in link
 * through buildApp + inject (R14, R20). T0 is 09:00 EST; the join window opens 15 minutes early.
 */
import type { FastifyInstance } from "fastify";
import { describe, expect, it } from "vitest";
import { createApiToken } from "../../src/server/domain/staff/service.js";
import { buildAppPerTest } from "../helpers/app.js";
import { expectPageHeaders, givePassword, pageBrowser, signIn } from "../helpers/pages.js";
import { activatePortal, auditRows, book, makeWorld, type World } from "../helpers/server.js";
import { idOf } from "../helpers/world.js";

const buildApp = buildAppPerTest();
let app: FastifyInstance | undefined;

async function setup() {
  const w = await makeWorld();
  app = buildApp(w.deps);
  const open = await book(w, { client: w.p.alice, start: "2026-12-01T09:10", telehealth: true });
  const later = await book(w, { client: w.p.alice, start: "2026-12-01T10:00", telehealth: true });
  const tomorrow = await book(w, { client: w.p.bruno, start: "2026-12-02T11:00" });
  const theos = await book(w, { therapist: w.p.theo, client: w.p.carla, start: "2026-12-01T09:05" });
  return { w, open, later, tomorrow, theos };
}

/** A browser signed in as a seeded staff member (password set through their invite). */
async function staffBrowser(w: World, email: string) {
  const b = pageBrowser(app!);
  expect((await signIn(b, email, await givePassword(w, email))).statusCode).toBe(303);
  return b;
}

/** The URL `tele sessions open` would get for `as`, through the real API route. */
async function mintedLink(w: World, as: World["p"]["tina"], appointmentId: string) {
  const { token } = await createApiToken(w.deps, w.p.owner, idOf(as));
  return app!.inject({ method: "POST", url: `/api/v1/appointments/${appointmentId}/sign-in-link`, headers: { authorization: `Bearer ${token}` } });
}

describe("provider dashboard (R14)", () => {
  it("shows a therapist today's and upcoming appointments of their own, the alert and Begin inside the window, the opening time outside", async () => {
    const { w, open, later, theos } = await setup();
    const b = await staffBrowser(w, "tina@maple.test");
    const res = await b.get("/p/maple-therapy/staff");
    expect(res.statusCode).toBe(200);
    expectPageHeaders(res);
    const body = res.body;
    expect(body).toContain("Times are in America/New_York (EST).");
    const alert = /<section class="alert" id="session-alert"([^>]*)>([\s\S]*?)<\/section>/.exec(body)!;
    expect(alert[1]).not.toContain("hidden");
    alert[1] = alert[2]!;
    expect(alert[1]).toMatch(new RegExp(`<strong>Alice Client</strong>, 09:10–10:00 EST[\\s\\S]*href="/p/maple-therapy/appointments/${open.id}/session"[^>]*>Begin session</a>`));
    expect(body).toMatch(new RegExp(`data-opens-at="${Date.parse("2026-12-01T14:45:00Z")}"[\\s\\S]*?Session opens at 09:45 EST`));
    expect(body).toContain(`href="/p/maple-therapy/appointments/${later.id}/session" data-show="open" hidden>Begin session</a>`);
    expect(body).toMatch(/<h2>Upcoming<\/h2>[\s\S]*Wed 2 Dec 2026, 11:00–11:50 EST[\s\S]*Bruno Abroad[\s\S]*In person/);
    expect(body).not.toContain(theos.id);
    expect(body).not.toContain("Carla");
    const script = body.match(/<script type="module" src="(\/assets\/staff\.[0-9a-f]{12}\.js)"><\/script>/);
    expect(script).not.toBeNull();
    const read = auditRows(w.store, "dashboard.view");
    expect(read).toMatchObject([{ actor_id: idOf(w.p.tina), record_type: "appointment" }]);
    expect(JSON.parse(read[0]!.details!).clients.sort()).toEqual([w.p.alice.id, w.p.bruno.id].sort());
    const js = await app!.inject({ url: script![1]! });
    expect(js.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(js.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect((await app!.inject({ url: "/assets/staff.js" })).statusCode).toBe(404);
    expect(js.body).toContain("data-opens-at");
  });

  it("shows a manager everyone's, with the therapist's name; a biller reads all but may begin nothing", async () => {
    const { w, theos } = await setup();
    const manager = (await (await staffBrowser(w, "manager@maple.test")).get("/p/maple-therapy/staff")).body;
    expect(manager).toContain("Carla NoEmail");
    expect(manager).toMatch(/with Theo Therapist/);
    expect(manager).toContain("Begin session");
    const biller = (await (await staffBrowser(w, "biller@maple.test")).get("/p/maple-therapy/staff")).body;
    expect(biller).toContain(theos.id);
    expect(biller).not.toContain("Begin session");
    expect(biller).toContain("Session window open");
  });

  it("sends anyone not signed in as this practice's staff to the staff sign-in page", async () => {
    const { w } = await setup();
    expect((await pageBrowser(app!).get("/p/maple-therapy/staff")).headers.location).toBe("/p/maple-therapy/staff/sign-in");
    await activatePortal(w, w.p.alice, "client password 1");
    const client = pageBrowser(app!);
    await client.get("/p/maple-therapy");
    await client.post("/p/maple-therapy/sign-in", { email: "alice@client.test", password: "client password 1" });
    expect((await client.get("/p/maple-therapy/staff")).headers.location).toBe("/p/maple-therapy/staff/sign-in");
  });
});

describe("appointment page", () => {
  it("offers the same alert and Begin; another therapist's appointment is a 403 page, an unknown one 404", async () => {
    const { w, open, theos } = await setup();
    const b = await staffBrowser(w, "tina@maple.test");
    const page = await b.get(`/p/maple-therapy/staff/appointments/${open.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(new RegExp(`id="session-alert"[^>]*>[\\s\\S]*href="/p/maple-therapy/appointments/${open.id}/session"[^>]*>Begin session</a>`));
    expect(page.body).toContain("<strong>Client:</strong> Alice Client");
    const other = await b.get(`/p/maple-therapy/staff/appointments/${theos.id}`);
    expect(other.statusCode).toBe(403);
    expectPageHeaders(other);
    expect(other.body).not.toContain("Carla");
    expect((await b.get("/p/maple-therapy/staff/appointments/apt_nope")).statusCode).toBe(404);
    expect((await b.get(`/p/maple-therapy/staff/appointments/${"x".repeat(90)}`)).statusCode).toBe(404);
    expect(auditRows(w.store, "appointment.read").map((r) => r.record_id)).toEqual([open.id]);
  });
});

describe("the CLI's sign-in link and the session page", () => {
  it("mints over the API, signs in once, lands on the session page showing the appointment and who is present", async () => {
    const { w, open } = await setup();
    const minted = await mintedLink(w, w.p.tina, open.id);
    expect(minted.statusCode).toBe(201);
    const link = new URL(minted.json().url);
    expect(Object.keys(minted.json()).sort()).toEqual(["expiresAt", "url"]);
    const b = pageBrowser(app!);
    const landed = await b.get(link.pathname + link.search);
    expect(landed.statusCode).toBe(303);
    expect(landed.headers.location).toBe(`/p/maple-therapy/appointments/${open.id}/session`);
    const page = await b.get(landed.headers.location as string);
    expect(page.statusCode).toBe(200);
    expectPageHeaders(page);
    expect(page.body).toMatch(/<strong>When:<\/strong> Tue 1 Dec 2026, 09:10–10:00 EST/);
    expect(page.body).toContain("<strong>Therapist:</strong> Tina Therapist");
    expect(page.body).toContain("<strong>Client:</strong> Alice</p>");
    expect(page.body).toMatch(/<li data-side="provider" data-here="yes">Tina Therapist \(therapist\) — you: <span data-here-text>here<\/span><\/li>/);
    const again = await pageBrowser(app!).get(link.pathname + link.search);
    expect(again.statusCode).toBe(410);
    expect(again.body).toContain("This sign-in link does not work");
    const tampered = await pageBrowser(app!).get(`${link.pathname}?a=${open.id}x`);
    expect(tampered.statusCode).toBe(404);
    expect((await pageBrowser(app!).get("/s/garbage?a=%00")).statusCode).toBe(404);
    expect(auditRows(w.store, "session.page.open")).toMatchObject([{ actor_id: idOf(w.p.tina), record_id: open.id }]);
  });

  it("another therapist and a biller cannot mint the link (403); nobody's link is minted", async () => {
    const { w, open } = await setup();
    for (const who of [w.p.theo, w.p.biller]) {
      const res = await mintedLink(w, who, open.id);
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe("permission_denied");
    }
    expect((await mintedLink(w, w.p.tina, "apt_nope")).statusCode).toBe(404);
    expect(auditRows(w.store, "session.sign_in_link")).toHaveLength(0);
  });

  it("lets in the appointment's client, who sees only who is connected; another client or therapist gets a 403 page", async () => {
    const { w, open, theos } = await setup();
    const tina = await staffBrowser(w, "tina@maple.test");
    expect((await tina.get(`/p/maple-therapy/appointments/${open.id}/session`)).statusCode).toBe(200);
    await activatePortal(w, w.p.alice, "client password 1");
    const alice = pageBrowser(app!);
    await alice.get("/p/maple-therapy");
    await alice.post("/p/maple-therapy/sign-in", { email: "alice@client.test", password: "client password 1" });
    w.advance(10_000);
    const seen = await alice.get(`/p/maple-therapy/appointments/${open.id}/session`);
    expect(seen.statusCode).toBe(200);
    // Presence comes from the page's event stream (tests/server/session-http.test.ts), not from having loaded the page.
    expect(seen.body).toMatch(/<li data-side="client" data-here="yes">Alice \(client\) — you: <span data-here-text>here<\/span><\/li>/);
    expect(seen.body).toMatch(/<li data-side="provider" data-here="no">Tina Therapist \(therapist\): <span data-here-text>not here<\/span><\/li>/);
    const notHers = await alice.get(`/p/maple-therapy/appointments/${theos.id}/session`);
    expect(notHers.statusCode).toBe(403);
    const theo = await staffBrowser(w, "theo@maple.test");
    expect((await theo.get(`/p/maple-therapy/appointments/${open.id}/session`)).statusCode).toBe(403);
    const stranger = await pageBrowser(app!).get(`/p/maple-therapy/appointments/${open.id}/session`);
    expect(stranger.statusCode).toBe(303);
    // Signed out: the portal's sign-in, which comes back to this page afterwards (the address in every appointment mail).
    expect(stranger.headers.location).toBe(`/p/maple-therapy?next=${encodeURIComponent(`/p/maple-therapy/appointments/${open.id}/session`)}`);
    expect(auditRows(w.store, "session.page.open").map((r) => r.actor_type)).toEqual(["staff", "client"]);
  });
});
