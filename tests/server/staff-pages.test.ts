/** Staff sign-in, sign-out and the invite page through buildApp + inject: CSRF, bad input, rate limit, headers. */
import type { FastifyInstance } from "fastify";
import { describe, expect, it } from "vitest";
import { addStaff } from "../../src/server/domain/staff/service.js";
import { buildAppPerTest } from "../helpers/app.js";
import { expectPageHeaders, givePassword, pageBrowser, signIn, staffInviteToken } from "../helpers/pages.js";
import { auditRows, count, makeWorld } from "../helpers/server.js";
import { idOf } from "../helpers/world.js";

const buildApp = buildAppPerTest();
let app: FastifyInstance | undefined;

async function setup() {
  const w = await makeWorld();
  app = buildApp(w.deps);
  return { w, b: pageBrowser(app) };
}

const sessions = (w: Awaited<ReturnType<typeof setup>>["w"]) => count(w.store, "web_sessions");

describe("staff sign-in page", () => {
  it("signs in with email and password into a HttpOnly, SameSite=Lax session and lands on the dashboard", async () => {
    const { w, b } = await setup();
    const password = await givePassword(w, "tina@maple.test");
    const page = await b.get("/p/maple-therapy/staff/sign-in");
    expect(page.statusCode).toBe(200);
    expectPageHeaders(page);
    expect(page.body).toMatch(/<label for="f-email">Email<\/label>[\s\S]*<label for="f-password">Password<\/label>[\s\S]*<button type="submit">Sign in<\/button>/);
    const res = await b.post("/p/maple-therapy/staff/sign-in", { email: "Tina@Maple.test", password });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe("/p/maple-therapy/staff");
    expect(String(res.headers["set-cookie"])).toMatch(/tele_session=[^;]+; Max-Age=43200; Path=\/; HttpOnly; SameSite=Lax/);
    expect((await b.get("/p/maple-therapy/staff")).statusCode).toBe(200);
    expect((await b.get("/p/maple-therapy/staff/sign-in")).headers.location).toBe("/p/maple-therapy/staff");
    expect(auditRows(w.store, "staff.sign_in")).toMatchObject([{ actor_id: idOf(w.p.tina), ip: "127.0.0.1" }]);
  });

  it("gives one answer for a wrong password and an unknown email (401), and starts no session", async () => {
    const { w, b } = await setup();
    await givePassword(w, "tina@maple.test");
    const strip = (body: string) => body.replace(/name="_csrf" value="[^"]+"/, "").replace(/value="[^"]*@maple\.test"/, "");
    const wrong = await signIn(b, "tina@maple.test", "not her password");
    const unknown = await signIn(b, "nobody@maple.test", "not her password");
    expect([wrong.statusCode, unknown.statusCode]).toEqual([401, 401]);
    expect(strip(wrong.body)).toBe(strip(unknown.body));
    expect(wrong.body).toContain("That email and password do not match an account here.");
    expect(sessions(w)).toBe(0);
    expect(auditRows(w.store, "staff.sign_in_failed")).toHaveLength(2);
  });

  it("refuses a form without its CSRF token (403) and changes nothing", async () => {
    const { w, b } = await setup();
    const password = await givePassword(w, "tina@maple.test");
    await b.get("/p/maple-therapy/staff/sign-in");
    const res = await b.post("/p/maple-therapy/staff/sign-in", { email: "tina@maple.test", password }, { csrf: false });
    expect(res.statusCode).toBe(403);
    expectPageHeaders(res);
    expect(sessions(w)).toBe(0);
    expect(auditRows(w.store, "staff.sign_in")).toHaveLength(0);
  });

  it("answers oversized fields with 400 and an oversized body with 413, as pages, never a 500", async () => {
    const { b } = await setup();
    await b.get("/p/maple-therapy/staff/sign-in");
    const long = await b.post("/p/maple-therapy/staff/sign-in", { email: `${"a".repeat(300)}@maple.test`, password: "x" });
    expect(long.statusCode).toBe(400);
    expectPageHeaders(long);
    const huge = await b.post("/p/maple-therapy/staff/sign-in", { email: "a@b.c", password: "p".repeat(70_000) });
    expect(huge.statusCode).toBe(413);
    expectPageHeaders(huge);
    const json = await app!.inject({ method: "POST", url: "/p/maple-therapy/staff/sign-in", payload: { email: ["x"], _csrf: 5 } });
    expect(json.statusCode).toBe(403);
    const unknown = await b.get("/p/no-such-practice/staff/sign-in");
    expect(unknown.statusCode).toBe(404);
    expectPageHeaders(unknown);
  });

  it("limits sign-in attempts per account: the 11th in 15 minutes is 429, even with the right password", async () => {
    const { w, b } = await setup();
    const password = await givePassword(w, "tina@maple.test");
    for (let i = 0; i < 10; i++) expect((await signIn(b, "tina@maple.test", "wrong password")).statusCode).toBe(401);
    expect((await signIn(b, "tina@maple.test", password)).statusCode).toBe(429);
    w.advance(15 * 60_000);
    expect((await signIn(b, "tina@maple.test", password)).statusCode).toBe(303);
  });

  it("signs out with the session's CSRF token; without it, stays signed in", async () => {
    const { w, b } = await setup();
    await signIn(b, "tina@maple.test", await givePassword(w, "tina@maple.test"));
    await b.get("/p/maple-therapy/staff");
    expect((await b.post("/p/maple-therapy/staff/sign-out", {}, { csrf: false })).statusCode).toBe(403);
    expect((await b.get("/p/maple-therapy/staff")).statusCode).toBe(200);
    const out = await b.post("/p/maple-therapy/staff/sign-out", {});
    expect(out.headers.location).toBe("/p/maple-therapy/staff/sign-in?signed_out");
    expect((await b.get("/p/maple-therapy/staff")).headers.location).toBe("/p/maple-therapy/staff/sign-in");
    expect(auditRows(w.store, "staff.sign_out")).toHaveLength(1);
  });
});

describe("staff invite page (welcome link)", () => {
  it("sets the password with confirmation, signs in, and then the link shows a plain 'ask for a new invite' page", async () => {
    const { w, b } = await setup();
    await addStaff(w.deps, w.p.owner, { name: "Nina New", email: "nina@maple.test", roles: ["therapist"] });
    const url = `/p/maple-therapy/staff/welcome/${staffInviteToken(w, "nina@maple.test")}`;
    const form = await b.get(url);
    expect(form.statusCode).toBe(200);
    expectPageHeaders(form);
    expect(form.body).toContain("Welcome, Nina New");
    expect(form.body).toMatch(/<label for="f-confirm">New password again<\/label>/);
    const mismatch = await b.post(url, { password: "a long password 1", confirm: "a long password 2" });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.body).toContain("The two passwords do not match.");
    expect((await b.post(url, { password: "short", confirm: "short" })).statusCode).toBe(400);
    expect(sessions(w)).toBe(0);
    const done = await b.post(url, { password: "a long password 1", confirm: "a long password 1" });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe("/p/maple-therapy/staff");
    expect((await b.get("/p/maple-therapy/staff")).body).toContain("Nina New");
    const hash = w.store.db.prepare(`SELECT password_hash FROM staff WHERE email = 'nina@maple.test'`).pluck().get();
    const again = await b.get(url);
    expect(again.statusCode).toBe(410);
    expect(again.body).toContain("Ask your practice&#39;s owner or manager to send a new invite.");
    expect(again.body).not.toContain("<form method=\"post\" action=\"/p/maple-therapy/staff/welcome");
    // Replaying the form (its token was the anonymous one) is refused, and the password stays.
    expect((await b.post(url, { password: "a long password 3", confirm: "a long password 3" })).statusCode).toBe(403);
    expect(w.store.db.prepare(`SELECT password_hash FROM staff WHERE email = 'nina@maple.test'`).pluck().get()).toBe(hash);
    // A fresh browser that still has the link gets the same plain page on submit.
    const other = pageBrowser(app!);
    await other.get("/p/maple-therapy/staff/sign-in");
    const used = await other.post(url, { password: "a long password 3", confirm: "a long password 3" });
    expect(used.statusCode).toBe(410);
    expect(used.body).toContain("Ask your practice&#39;s owner or manager to send a new invite.");
  });

  it("a tampered, truncated or foreign-practice link is the same 410 page, never a 500", async () => {
    const { w, b } = await setup();
    const token = staffInviteToken(w, "tina@maple.test");
    for (const url of [
      `/p/maple-therapy/staff/welcome/${token.slice(0, -2)}`, `/p/maple-therapy/staff/welcome/${token.slice(0, -1)}%00`,
      `/p/maple-therapy/staff/welcome/${"A".repeat(43)}`,
    ]) {
      const res = await b.get(url);
      expect(res.statusCode, url).toBe(410);
      expectPageHeaders(res);
    }
    const foreign = await b.get(`/p/birch-therapy/staff/welcome/${token}`);
    expect(foreign.statusCode).toBe(404);
    expect((await b.get(`/p/maple-therapy/staff/welcome/${token}`)).statusCode).toBe(200);
  });
});
