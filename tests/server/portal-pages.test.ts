/** The client portal's pages through buildApp + inject: CSRF, bad input, rate limits, sessions and headers. */
import type { FastifyInstance } from "fastify";
import { describe, expect, it } from "vitest";
import { sendPortalInvite } from "../../src/server/domain/clients/portal.js";
import { buildAppPerTest } from "../helpers/app.js";
import { activatePortal, auditRows, book, count, lastMailTo, linkIn, makeWorld, snapshot, type World } from "../helpers/server.js";
import { makePractice } from "../helpers/world.js";

const buildApp = buildAppPerTest();
let app: FastifyInstance | undefined;

type Res = Awaited<ReturnType<FastifyInstance["inject"]>>;

/** Security headers every page must carry. */
function expectPageHeaders(res: Res) {
  expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
  expect(res.headers["content-security-policy"]).toMatch(/default-src 'self'.*script-src 'self'.*frame-ancestors 'none'/);
  expect(res.headers["x-content-type-options"]).toBe("nosniff");
  expect(res.headers["referrer-policy"]).toBe("no-referrer");
  expect(res.headers["x-frame-options"]).toBe("DENY");
  expect(res.body).not.toMatch(/<script>|style=/);
}

/** A browser stand-in: keeps cookies, reads the CSRF token off the last page. */
function browser(a: FastifyInstance) {
  const jar = new Map<string, string>();
  let csrf = "";
  const call = async (method: "GET" | "POST", url: string, form?: Record<string, string>, o: { csrf?: boolean } = {}) => {
    const payload = form && new URLSearchParams({ ...(o.csrf === false ? {} : { _csrf: csrf }), ...form }).toString();
    const res = await a.inject({ method, url, payload, headers: {
      cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; "),
      ...(payload !== undefined ? { "content-type": "application/x-www-form-urlencoded" } : {}),
    } });
    for (const c of [res.headers["set-cookie"] ?? []].flat()) {
      const [pair] = c.split(";");
      const [k, v] = pair!.split("=");
      if (v) jar.set(k!, v);
      else jar.delete(k!);
    }
    csrf = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1] ?? csrf;
    return res;
  };
  return { get: (url: string) => call("GET", url), post: call, jar };
}

async function setup() {
  const w = await makeWorld();
  app = buildApp(w.deps);
  return { w, b: browser(app) };
}

async function signedInAlice(w: World, b: ReturnType<typeof browser>) {
  await activatePortal(w, w.p.alice, "correct horse battery");
  await b.get("/p/maple-therapy");
  return b.post("POST", "/p/maple-therapy/sign-in", { email: "alice@client.test", password: "correct horse battery" });
}

describe("sign-in page", () => {
  it("signs in with the right password into a HttpOnly, SameSite=Lax session and shows the dashboard", async () => {
    const { w, b } = await setup();
    const later = await book(w, { client: w.p.alice, start: "2026-12-01T10:00", telehealth: true });
    const open = await book(w, { client: w.p.alice, start: "2026-12-01T09:10", telehealth: true });
    const page = await b.get("/p/maple-therapy");
    expectPageHeaders(page);
    expect(page.body).toContain('href="/p/maple-therapy/forgot">Forgot your password?</a>');
    const res = await signedInAlice(w, b);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe("/p/maple-therapy/dashboard");
    expect(String(res.headers["set-cookie"])).toMatch(/tele_session=[^;]+; Max-Age=43200; Path=\/; HttpOnly; SameSite=Lax/);
    const dash = await b.get("/p/maple-therapy/dashboard");
    expect(dash.statusCode).toBe(200);
    expectPageHeaders(dash);
    expect(dash.body).toContain(`<a class="button" href="/p/maple-therapy/appointments/${open.id}/session">Join session</a>`);
    expect(dash.body).toMatch(new RegExp(`data-appointment="${later.id}"[\\s\\S]*data-join-opens="2026-12-01T14:45:00.000Z"[\\s\\S]*You can join from 09:45 EST`));
    const script = dash.body.match(/<script type="module" src="(\/assets\/portal\.[0-9a-f]{12}\.js)"><\/script>/);
    expect(script).not.toBeNull();
    expect((await b.get("/p/maple-therapy")).headers.location).toBe("/p/maple-therapy/dashboard");
    const js = await app!.inject({ url: script![1]! });
    expect(js.headers["content-type"]).toMatch(/^text\/javascript/);
    expect(js.body).toContain("Join session");
  });

  it("gives the same neutral answer for a wrong password and an unknown email, with status 401", async () => {
    const { w, b } = await setup();
    await activatePortal(w, w.p.alice, "correct horse battery");
    await b.get("/p/maple-therapy");
    const wrong = await b.post("POST", "/p/maple-therapy/sign-in", { email: "alice@client.test", password: "nope nope nope" });
    const unknown = await b.post("POST", "/p/maple-therapy/sign-in", { email: "nobody@client.test", password: "nope nope nope" });
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.body).toContain("That email and password don&#39;t match");
      expect(res.headers["set-cookie"] ?? "").not.toMatch(/tele_session/);
    }
    expect(b.jar.has("tele_session")).toBe(false);
  });

  it("refuses a missing or wrong CSRF token (403), oversized fields (400) and a JSON body, changing nothing", async () => {
    const { w, b } = await setup();
    await activatePortal(w, w.p.alice, "correct horse battery");
    await b.get("/p/maple-therapy");
    const before = snapshot(w.store);
    const good = { email: "alice@client.test", password: "correct horse battery" };
    const missing = await b.post("POST", "/p/maple-therapy/sign-in", good, { csrf: false });
    expect(missing.statusCode).toBe(403);
    expectPageHeaders(missing);
    expect((await b.post("POST", "/p/maple-therapy/sign-in", { ...good, _csrf: "x".repeat(43) }, { csrf: false })).statusCode).toBe(403);
    const long = await b.post("POST", "/p/maple-therapy/sign-in", { ...good, email: "a".repeat(201) });
    expect(long.statusCode).toBe(400);
    const json = await app!.inject({ method: "POST", url: "/p/maple-therapy/sign-in", payload: { _csrf: ["x"], email: 1 } });
    expect(json.statusCode).toBe(403);
    expect(snapshot(w.store)).toEqual(before);
    expect(count(w.store, "web_sessions")).toBe(0);
  });

  it("rate limits sign-in attempts per account: the 11th in 15 minutes is a 429 page", async () => {
    const { w, b } = await setup();
    await b.get("/p/maple-therapy");
    for (let i = 0; i < 10; i++) expect((await b.post("POST", "/p/maple-therapy/sign-in", { email: "x@y.test", password: "guess" })).statusCode).toBe(401);
    const limited = await b.post("POST", "/p/maple-therapy/sign-in", { email: "x@y.test", password: "guess" });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers["retry-after"]).toBe("900");
    expectPageHeaders(limited);
    w.advance(15 * 60_000);
    expect((await b.post("POST", "/p/maple-therapy/sign-in", { email: "x@y.test", password: "guess" })).statusCode).toBe(401);
  });

  it("an unknown practice is a 404 page", async () => {
    const { b } = await setup();
    for (const url of ["/p/no-such-practice", "/p/no-such-practice/dashboard", "/p/no-such-practice/invite/" + "A".repeat(43)]) {
      const res = await b.get(url);
      expect(res.statusCode, url).toBe(404);
      expectPageHeaders(res);
    }
  });
});

describe("sessions", () => {
  it("the dashboard without a session, or with another practice's, sends the browser to that portal's sign-in", async () => {
    const { w, b } = await setup();
    expect((await b.get("/p/maple-therapy/dashboard")).headers.location).toBe("/p/maple-therapy");
    await makePractice(w.deps, "Birch Therapy");
    await signedInAlice(w, b);
    const other = await b.get("/p/birch-therapy/dashboard");
    expect([other.statusCode, other.headers.location]).toEqual([303, "/p/birch-therapy"]);
    expect(auditRows(w.store, "portal.dashboard.view")).toHaveLength(0);
  });

  it("signs out only with the session's CSRF token; then the dashboard is gone", async () => {
    const { w, b } = await setup();
    await signedInAlice(w, b);
    await b.get("/p/maple-therapy/dashboard");
    expect((await b.post("POST", "/p/maple-therapy/sign-out", {}, { csrf: false })).statusCode).toBe(403);
    expect((await b.get("/p/maple-therapy/dashboard")).statusCode).toBe(200);
    const out = await b.post("POST", "/p/maple-therapy/sign-out", {});
    expect([out.statusCode, out.headers.location]).toEqual([303, "/p/maple-therapy?signed-out"]);
    expect((await b.get("/p/maple-therapy?signed-out")).body).toContain("You have signed out.");
    expect((await b.get("/p/maple-therapy/dashboard")).headers.location).toBe("/p/maple-therapy");
    expect(auditRows(w.store, "portal.sign_out")).toHaveLength(1);
  });
});

describe("invite and reset links", () => {
  it("signs up through the invite page: confirmation and strength are checked, then the client is signed in", async () => {
    const { w, b } = await setup();
    await sendPortalInvite(w.deps, w.p.owner, w.p.alice.id);
    const { token } = linkIn(lastMailTo(w.store, "alice@client.test")!.text_body);
    const url = `/p/maple-therapy/invite/${token}`;
    const form = await b.get(url);
    expect(form.statusCode).toBe(200);
    expectPageHeaders(form);
    expect(form.body).toMatch(/<label for="f-confirm">/);
    const mismatch = await b.post("POST", url, { password: "correct horse battery", confirm: "correct horse battery!" });
    expect([mismatch.statusCode, mismatch.body.includes("not the same")]).toEqual([422, true]);
    const weak = await b.post("POST", url, { password: "aaaaaaaaaaaa", confirm: "aaaaaaaaaaaa" });
    expect([weak.statusCode, weak.body.includes("two kinds")]).toEqual([422, true]);
    const done = await b.post("POST", url, { password: "correct horse battery", confirm: "correct horse battery" });
    expect([done.statusCode, done.headers.location]).toEqual([303, "/p/maple-therapy/dashboard"]);
    expect((await b.get("/p/maple-therapy/dashboard")).statusCode).toBe(200);
    expect(auditRows(w.store, "portal.sign_in")).toMatchObject([{ actor_id: w.p.alice.id, details: '{"via":"signup"}' }]);
    const reused = await b.get(url);
    expect(reused.statusCode).toBe(410);
    expect(reused.body).toContain("This link has expired or was already used");
    expect(reused.body).toContain('action="/p/maple-therapy/new-link"');
  });

  it("another practice's token, the wrong kind, a truncated and a malformed one get the same 410 page; nothing changes", async () => {
    const { w, b } = await setup();
    await makePractice(w.deps, "Birch Therapy");
    await sendPortalInvite(w.deps, w.p.owner, w.p.alice.id);
    const { token } = linkIn(lastMailTo(w.store, "alice@client.test")!.text_body);
    const before = snapshot(w.store);
    for (const url of [`/p/birch-therapy/invite/${token}`, `/p/maple-therapy/reset/${token}`, `/p/maple-therapy/invite/${token.slice(0, 30)}`, "/p/maple-therapy/invite/%3Cscript%3E"]) {
      const page = await b.get(url);
      expect(page.statusCode, url).toBe(410);
      const post = await b.post("POST", url, { password: "correct horse battery", confirm: "correct horse battery" });
      expect(post.statusCode, url).toBe(410);
    }
    expect(snapshot(w.store)).toEqual(before);
  });

  it("the fresh-link and forgot forms answer alike, and mail only clients: an invite, or a reset link for an account", async () => {
    const { w, b } = await setup();
    await activatePortal(w, w.p.alice);
    await b.get("/p/maple-therapy/forgot");
    const mails = count(w.store, "mail");
    const unknown = await b.post("POST", "/p/maple-therapy/forgot", { email: "nobody@client.test" });
    const known = await b.post("POST", "/p/maple-therapy/forgot", { email: "alice@client.test" });
    const invite = await b.post("POST", "/p/maple-therapy/new-link", { email: "bruno@client.test" });
    for (const res of [unknown, known, invite]) {
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain("If that address belongs to a client of Maple Therapy, we&#39;ve emailed a new link");
    }
    expect(unknown.body.replace(/value="[^"]*"/g, "")).toBe(known.body.replace(/value="[^"]*"/g, ""));
    expect(count(w.store, "mail")).toBe(mails + 2);
    expect(linkIn(lastMailTo(w.store, "alice@client.test")!.text_body).kind).toBe("reset");
    expect(linkIn(lastMailTo(w.store, "bruno@client.test")!.text_body).kind).toBe("invite");
    // The same address asked for over and over: the answer stays the same, the mails stop at 3.
    for (let i = 0; i < 4; i++) await b.post("POST", "/p/maple-therapy/forgot", { email: "alice@client.test" });
    expect(count(w.store, "mail")).toBe(mails + 4);
  });
});

describe("the same safeguards from the API and from the pages", () => {
  it("a reset through the public API ends the client's signed-in browser sessions; a weak password is refused and the link kept", async () => {
    const { w, b } = await setup();
    expect((await signedInAlice(w, b)).statusCode).toBe(303);
    expect((await b.get("/p/maple-therapy/dashboard")).statusCode).toBe(200);
    await sendPortalInvite(w.deps, w.p.owner, "alice@client.test");
    const { token } = linkIn(lastMailTo(w.store, "alice@client.test")!.text_body);
    const reset = (password: string) => app!.inject({ method: "POST", url: "/api/v1/portal/reset", payload: { token, password } });
    const weak = await reset("onlylowercase");
    expect([weak.statusCode, weak.json().code]).toEqual([422, "weak_password"]);
    expect((await b.get("/p/maple-therapy/dashboard")).statusCode).toBe(200); // nothing changed yet
    expect((await reset("a new long password")).statusCode).toBe(200);
    const after = await b.get("/p/maple-therapy/dashboard");
    expect(after.statusCode).toBe(303); // the old browser session ended with the password
    expect(after.headers.location).toBe("/p/maple-therapy");
  });

  it("an oversized portal form gets a page (413), not the API's problem+json", async () => {
    const { b } = await setup();
    await b.get("/p/maple-therapy");
    const huge = await b.post("POST", "/p/maple-therapy/sign-in", { email: "a@b.c", password: "p".repeat(70_000) });
    expect(huge.statusCode).toBe(413);
    expect(huge.headers["content-type"]).toBe("text/html; charset=utf-8");
    expectPageHeaders(huge);
    expect(huge.body).toContain("Too much text");
  });
});
