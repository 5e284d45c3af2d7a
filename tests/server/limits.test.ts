/**
 * Nothing a request without credentials can do is unbounded (issue 8): through buildApp and
 * inject from several client addresses, with small limits so the windows are reached quickly and a
 * clock moved by hand. 429s carry Retry-After; an account's limit is independent of the address;
 * refusals are counted, not audited; odd bytes in secrets are a 4xx; scrypt runs only for a real
 * account and a live link.
 */
import { describe, expect, it } from "vitest";
import { scryptCount } from "../../src/server/domain/shared/crypto.js";
import { buildAppPerTest } from "../helpers/app.js";
import { activatePortal, auditRows, count, lastMailTo, linkIn, makeWorld, type World } from "../helpers/server.js";
import { sendPortalInvite } from "../../src/server/domain/clients/portal.js";

const buildApp = buildAppPerTest();
const LIMITS = { accountAttempts: 3, addressAttempts: 6, windowMs: 60_000 };

async function setup() {
  const w = await makeWorld();
  const app = buildApp(w.deps, { limits: LIMITS });
  // The anonymous CSRF cookie and the form's token, from the sign-in page (they are not tied to an address).
  const page = await app.inject({ method: "GET", url: "/p/maple-therapy" });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const cookie = `tele_csrf=${csrf}`;
  const form = (url: string, fields: Record<string, string>, ip = "203.0.113.1") => app.inject({
    method: "POST", url, remoteAddress: ip, headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    payload: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
  });
  return { w, app, csrf, cookie, form };
}
type Setup = Awaited<ReturnType<typeof setup>>;

const counted = (w: World, kind: string) =>
  (w.store.db.prepare("SELECT coalesce(sum(count), 0) AS n FROM refusal_counts WHERE kind = ?").get(kind) as { n: number }).n;

describe("portal sign-in: per account and per address", () => {
  const signIn = (s: Setup, email: string, ip: string) => s.form("/p/maple-therapy/sign-in", { email, password: "wrong password 1" }, ip);

  it("an account's 4th try is 429 with Retry-After from any address; other accounts at that address still get through", async () => {
    const s = await setup();
    for (let i = 0; i < 3; i++) expect((await signIn(s, "alice@client.test", "203.0.113.1")).statusCode).toBe(401);
    const limited = await signIn(s, "alice@client.test", "203.0.113.1");
    expect(limited.statusCode).toBe(429);
    expect(limited.headers["retry-after"]).toBe("60");
    expect(limited.body).toContain("Please wait 1 minute");
    // Someone else in the same office is not locked out by it…
    expect((await signIn(s, "bruno@client.test", "203.0.113.1")).statusCode).toBe(401);
    // …and the account stays limited from another address.
    expect((await signIn(s, "ALICE@client.test ", "198.51.100.7")).statusCode).toBe(429);
    s.w.advance(30_000);
    expect((await signIn(s, "alice@client.test", "198.51.100.7")).headers["retry-after"]).toBe("30");
    s.w.advance(30_000);
    expect((await signIn(s, "alice@client.test", "198.51.100.7")).statusCode).toBe(401);
  });

  it("an address's 7th try is 429 whatever the account; refusals are counted, not audited", async () => {
    const s = await setup();
    for (let i = 0; i < 6; i++) expect((await signIn(s, `c${i}@client.test`, "192.0.2.50")).statusCode).toBe(401);
    const audited = auditRows(s.w.store).length;
    for (let i = 0; i < 20; i++) {
      const res = await signIn(s, `d${i}@client.test`, "192.0.2.50");
      expect(res.statusCode).toBe(429);
      expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
    }
    expect(auditRows(s.w.store).length).toBe(audited);
    await s.app.limits.flush();
    expect(counted(s.w, "rate_limited.portal_sign_in")).toBe(20);
    expect(count(s.w.store, "refusal_counts")).toBe(1);
    expect((await signIn(s, "e@client.test", "192.0.2.51")).statusCode).toBe(401);
  });
});

describe("staff sign-in", () => {
  it("is limited per account as well: 429 with Retry-After, and the refusal is a counter, not an audit row", async () => {
    const s = await setup();
    const signIn = (email: string, ip: string) => s.form("/p/maple-therapy/staff/sign-in", { email, password: "wrong password 1" }, ip);
    for (let i = 0; i < 3; i++) expect((await signIn("tina@maple.test", `198.51.100.${i}`)).statusCode).toBe(401);
    const before = auditRows(s.w.store, "staff.sign_in_failed").length;
    const limited = await signIn("tina@maple.test", "198.51.100.9");
    expect(limited.statusCode).toBe(429);
    expect(limited.headers["retry-after"]).toBe("60");
    expect(auditRows(s.w.store, "staff.sign_in_failed").length).toBe(before);
    expect((await signIn("theo@maple.test", "198.51.100.9")).statusCode).toBe(401);
  });
});

describe("no scrypt for a stranger", () => {
  // (A miss waits about as long as scrypt takes, without the work: timing is not asserted here, on a shared machine.)
  it("a sign-in for an unknown email or an account without a password runs no scrypt; a wrong password for a real account does", async () => {
    const s = await setup();
    await activatePortal(s.w, s.w.p.alice, "Right password 1");
    let runs = scryptCount();
    expect((await s.form("/p/maple-therapy/sign-in", { email: "nobody@client.test", password: "x" }, "192.0.2.1")).statusCode).toBe(401);
    expect((await s.form("/p/maple-therapy/sign-in", { email: "bruno@client.test", password: "x" }, "192.0.2.1")).statusCode).toBe(401);
    expect((await s.form("/p/maple-therapy/staff/sign-in", { email: "nobody@maple.test", password: "x" }, "192.0.2.1")).statusCode).toBe(401);
    expect(scryptCount()).toBe(runs);
    expect((await s.form("/p/maple-therapy/sign-in", { email: "alice@client.test", password: "Wrong password 1" }, "192.0.2.2")).statusCode).toBe(401);
    expect(scryptCount()).toBe(runs + 1);
    runs = scryptCount();
    // Made-up, malformed and dead links are refused before the password is hashed.
    const post = (url: string, payload: unknown) => s.app.inject({ method: "POST", url, payload: payload as object, remoteAddress: "192.0.2.3" });
    expect((await post("/api/v1/portal/signup", { token: "A".repeat(43), password: "Good password 1" })).statusCode).toBe(422);
    expect((await post("/api/v1/portal/signup", { token: "é".repeat(43), password: "Good password 1" })).statusCode).toBe(422);
    expect((await post("/api/v1/portal/reset", { token: "not a token at all", password: "Good password 1" })).statusCode).toBe(422);
    await sendPortalInvite(s.w.deps, s.w.p.owner, s.w.p.bruno.id);
    const live = linkIn(lastMailTo(s.w.store, "bruno@client.test")!.text_body).token;
    await sendPortalInvite(s.w.deps, s.w.p.owner, s.w.p.bruno.id); // the first link is dead now
    expect((await post("/api/v1/portal/signup", { token: live, password: "Good password 1" })).statusCode).toBe(422);
    expect((await s.form(`/p/maple-therapy/staff/welcome/${"B".repeat(43)}`, { password: "Good password 1", confirm: "Good password 1" }, "192.0.2.4")).statusCode).toBe(410);
    expect(scryptCount()).toBe(runs);
  });
});

describe("secrets with odd bytes", () => {
  it("a CSRF token, an API token or a link token of unusual bytes or length is a 4xx, never a 500", async () => {
    const s = await setup();
    // Same length in characters as the real token, twice its bytes: timingSafeEqual used to throw on that.
    const forms = await Promise.all(["é".repeat(s.csrf.length), "\u{1F600}".repeat(20), "x", "\0".repeat(43)].map((bad) =>
      s.app.inject({ method: "POST", url: "/p/maple-therapy/sign-in", headers: { cookie: s.cookie, "content-type": "application/x-www-form-urlencoded" },
        payload: new URLSearchParams({ _csrf: bad, email: "a@b.test", password: "x" }).toString() })));
    expect(forms.map((r) => r.statusCode)).toEqual([403, 403, 403, 403]);
    for (const auth of ["Bearer tele_" + "ÿ".repeat(43), "Bearer " + "x".repeat(5000), "Bearer tele_" + "A".repeat(43), "Basic abc"]) {
      const res = await s.app.inject({ method: "GET", url: "/api/v1/me", headers: { authorization: auth }, remoteAddress: "192.0.2.77" });
      expect(res.statusCode, auth.slice(0, 20)).toBe(401);
    }
    for (const path of [`/j/${"é".repeat(43)}`, `/s/${"%FF".repeat(43)}`, `/p/maple-therapy/invite/${"\u{1F600}".repeat(30)}`]) {
      const res = await s.app.inject({ method: "GET", url: path, remoteAddress: "192.0.2.78" });
      expect(res.statusCode, path).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, path).toBeLessThan(500);
    }
  });
});

describe("API: token failures, the setup token, portal links", () => {
  it("an address sending wrong API tokens is refused with 429 before any lookup, then again after the window", async () => {
    const s = await setup();
    const me = (token: string, ip = "192.0.2.9") => s.app.inject({ method: "GET", url: "/api/v1/me", headers: { authorization: `Bearer ${token}` }, remoteAddress: ip });
    for (let i = 0; i < 6; i++) expect((await me(`tele_${String(i).repeat(43)}`)).statusCode).toBe(401);
    const limited = await me(s.w.p.token);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers["retry-after"]).toBe("60");
    expect(limited.json()).toMatchObject({ code: "rate_limited", status: 429 });
    expect((await me(s.w.p.token, "192.0.2.10")).statusCode).toBe(200);
    s.w.advance(60_000);
    expect((await me(s.w.p.token)).statusCode).toBe(200);
  });

  it("another process's refusal of an address reaches this one within a second; a failure here is counted at once", async () => {
    const s = await setup();
    // A second app over the same store: another server process on one database.
    const other = buildApp(s.w.deps, { limits: LIMITS });
    const me = (app: typeof other, token: string) => app.inject({ method: "GET", url: "/api/v1/me", headers: { authorization: `Bearer ${token}` }, remoteAddress: "192.0.2.77" });
    expect((await me(s.app, s.w.p.token)).statusCode).toBe(200); // this process now trusts the address for a second
    for (let i = 0; i < 6; i++) expect((await me(other, `tele_${String(i).repeat(43)}`)).statusCode).toBe(401);
    expect((await me(other, s.w.p.token)).statusCode).toBe(429);
    expect((await me(s.app, s.w.p.token)).statusCode).toBe(200); // within the second it trusted
    await new Promise((r) => setTimeout(r, 1100));
    expect((await me(s.app, s.w.p.token)).statusCode).toBe(429);
    // A wrong token here forgets what this process trusted: the very next request reads the count.
    const t = await setup();
    const ip = "192.0.2.78";
    const mine = (token: string) => t.app.inject({ method: "GET", url: "/api/v1/me", headers: { authorization: `Bearer ${token}` }, remoteAddress: ip });
    expect((await mine(t.w.p.token)).statusCode).toBe(200);
    for (let i = 0; i < 6; i++) expect((await mine(`tele_${String(i).repeat(43)}`)).statusCode).toBe(401);
    expect((await mine(t.w.p.token)).statusCode).toBe(429);
  });

  it("POST /practices with a wrong setup token, and portal sign-up with one link, are limited with Retry-After", async () => {
    const s = await setup();
    const create = () => s.app.inject({ method: "POST", url: "/api/v1/practices", headers: { authorization: "Bearer guess" }, remoteAddress: "192.0.2.20",
      payload: { name: "X", state: "NY", timeZone: "America/New_York", ownerName: "O", ownerEmail: "o@x.test" } });
    for (let i = 0; i < 6; i++) expect((await create()).statusCode).toBe(403);
    const limited = await create();
    expect(limited.statusCode).toBe(429);
    expect(limited.headers["retry-after"]).toBe("60");
    const signup = (ip: string) => s.app.inject({ method: "POST", url: "/api/v1/portal/signup", remoteAddress: ip, payload: { token: "C".repeat(43), password: "Good password 1" } });
    for (let i = 0; i < 3; i++) expect((await signup(`192.0.2.${30 + i}`)).statusCode).toBe(422);
    expect((await signup("192.0.2.40")).statusCode).toBe(429);
  });

  it("link pages: an address trying dead links gets 429 after the limit, while a working link from elsewhere still works", async () => {
    const s = await setup();
    const open = (path: string, ip: string) => s.app.inject({ method: "GET", url: path, remoteAddress: ip });
    for (let i = 0; i < 6; i++) expect((await open(`/j/${String(i).repeat(43)}`, "192.0.2.60")).statusCode).toBe(404);
    const limited = await open(`/p/maple-therapy/invite/${"D".repeat(43)}`, "192.0.2.60");
    expect(limited.statusCode).toBe(429);
    expect(limited.headers["retry-after"]).toBe("60");
    await sendPortalInvite(s.w.deps, s.w.p.owner, s.w.p.alice.id);
    const { url } = linkIn(lastMailTo(s.w.store, "alice@client.test")!.text_body);
    expect((await open(new URL(url).pathname, "192.0.2.61")).statusCode).toBe(200);
  });
});
