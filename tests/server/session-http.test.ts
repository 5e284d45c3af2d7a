/**
 * The session lifecycle over real HTTP (R16, R18): the real server on a loopback port, event
 * streams read with fetch, the provider-joined email through a real SMTP server, and the `tele`
 * binary for the listing. The provider is the practice's owner, signed in through `tele sessions open`'s link.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Tele } from "../../src/sdk/index.js";
import { startSmtp, startWorld, tele, type E2eWorld } from "../helpers/e2e.js";
import { events } from "../helpers/sse.js";

type Smtp = Awaited<ReturnType<typeof startSmtp>>;
let w: E2eWorld;
let smtp: Smtp;
let sdk: Tele;
const statuses: number[] = [];

/** A fetch that never follows redirects, keeps the status for the "never a 500" check, and sends `cookie`. */
async function call(path: string, o: { cookie?: string; method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}) {
  const res = await fetch(w.server.url + path, {
    method: o.method ?? (o.form ? "POST" : "GET"), redirect: "manual",
    headers: { ...(o.cookie ? { cookie: o.cookie } : {}), ...(o.form ? { "content-type": "application/x-www-form-urlencoded" } : {}), ...o.headers },
    body: o.form ? new URLSearchParams(o.form).toString() : undefined,
  });
  statuses.push(res.status);
  return res;
}

const cookieOf = (res: Response, name: string) => {
  const c = res.headers.getSetCookie().find((s) => s.startsWith(`${name}=`) && !s.startsWith(`${name}=;`));
  return c ? c.split(";")[0]! : undefined;
};
const csrfIn = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)![1]!;

/** A telehealth appointment for `client` that starts in 5 minutes (its window is open). */
async function bookNow(client: string) {
  const start = new Date(Date.now() + 5 * 60_000).toISOString();
  return sdk.appointments.create({ therapist: "tess@maple.test", client, start, durationMinutes: 50, allowPast: true, allowOverlap: true, telehealth: true });
}

/** The owner signed in to the browser through `tele sessions open`'s single-use link. */
async function providerCookie(appointmentId: string) {
  const link = new URL((await sdk.appointments.signInLink(appointmentId)).url);
  const res = await call(link.pathname + link.search);
  expect(res.status).toBe(303);
  return cookieOf(res, "tele_session")!;
}

/** The client signed in through the portal form; `next` is passed on as the page would. */
async function clientSignIn(next?: string) {
  const page = await call(`/p/${w.slug}${next ? `?next=${encodeURIComponent(next)}` : ""}`);
  const body = await page.text();
  if (next) expect(body).toContain(`<input type="hidden" name="next" value="${next}">`);
  const res = await call(`/p/${w.slug}/sign-in`, {
    cookie: cookieOf(page, "tele_csrf"),
    form: { _csrf: csrfIn(body), email: "dana@client.test", password: "client password 1", ...(next ? { next } : {}) },
  });
  expect(res.status).toBe(303);
  return { cookie: cookieOf(res, "tele_session")!, location: res.headers.get("location") };
}

const streamOf = (id: string, cookie: string) => call(`/p/${w.slug}/appointments/${id}/session/events`, { cookie });
const joinToken = (text: string) => /\/j\/([A-Za-z0-9_-]{43})/.exec(text)![1]!;

beforeAll(async () => {
  smtp = await startSmtp();
  w = await startWorld({ smtpUrl: smtp.url });
  sdk = new Tele({ url: w.server.url, token: w.ownerToken });
  await sdk.staff.add({ name: "Tess Therapist", email: "tess@maple.test", roles: ["therapist"] });
  await sdk.staff.enableTeletherapy("tess@maple.test");
  await sdk.clients.add({ name: "Dana Client", email: "dana@client.test", state: "NJ" });
  await sdk.clients.invite("dana@client.test");
  const invite = /\/invite\/([A-Za-z0-9_-]+)/.exec((await smtp.waitFor((m) => m.to === "dana@client.test")).text)![1]!;
  await sdk.portal.signup({ token: invite, password: "client password 1" });
}, 60_000);
afterAll(async () => {
  await w?.close();
  await smtp?.close();
});

describe("the session over HTTP (R16, R18)", () => {
  it("client waits → provider joins and the client's stream hears it → emailed link works once, after sign-in when needed → end closes both → links refused → tele lists the session", async () => {
    const appt = await bookNow("dana@client.test");
    const client = await clientSignIn();
    expect(client.location).toBe(`/p/${w.slug}/dashboard`);
    const clientStream = await streamOf(appt.id, client.cookie);
    expect(clientStream.status).toBe(200);
    expect(clientStream.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const clientEvents = events(clientStream);
    expect(await clientEvents.next(() => true)).toEqual({ state: "waiting", present: { provider: false, client: true } });

    const provider = await providerCookie(appt.id);
    const providerEvents = events(await streamOf(appt.id, provider));
    const live = await clientEvents.next((e) => e.state === "live");
    expect(live).toMatchObject({ present: { provider: true, client: true } });
    expect(Date.parse(live.startedAt)).toBeGreaterThan(Date.now() - 60_000);
    await providerEvents.next((e) => e.state === "live");

    const mail = await smtp.waitFor((m) => m.to === "dana@client.test" && m.text.includes("/j/"));
    expect(mail.subject).toMatch(/^Your appointment on \w{3}, \w{3} \d{1,2} at \d{1,2}:\d{2} [AP]M has started$/);
    const token = joinToken(mail.text);
    expect(mail.text).toContain(`${w.server.url}/j/${token}`);

    // Not signed in: off to sign in, and the link is still unused.
    const anonymous = await call(`/j/${token}`);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("location")).toBe(`/p/${w.slug}?next=${encodeURIComponent(`/j/${token}`)}`);
    const signedIn = await clientSignIn(`/j/${token}`);
    expect(signedIn.location).toBe(`/j/${token}`);
    const used = await call(`/j/${token}`, { cookie: signedIn.cookie });
    expect(used.status).toBe(303);
    expect(used.headers.get("location")).toBe(`/p/${w.slug}/appointments/${appt.id}/session`);
    const again = await call(`/j/${token}`, { cookie: signedIn.cookie });
    expect(again.status).toBe(410);
    expect(await again.text()).toContain("This join link does not work");
    // A sign-in with a foreign `next` lands on the dashboard, not elsewhere.
    expect((await clientSignIn()).location).toBe(`/p/${w.slug}/dashboard`);

    // The provider leaves and comes back: the client hears both, without reconnecting.
    await providerEvents.cancel();
    expect(await clientEvents.next((e) => e.state === "waiting")).toMatchObject({ present: { provider: false, client: true } });
    const providerEvents2 = events(await streamOf(appt.id, provider));
    await clientEvents.next((e) => e.state === "live");

    // A client may not end it; the provider can, with the session's CSRF token.
    const clientCsrf = csrfIn(await (await call(`/p/${w.slug}/dashboard`, { cookie: client.cookie })).text());
    const byClient = await call(`/p/${w.slug}/appointments/${appt.id}/session/end`, { method: "POST", cookie: client.cookie, headers: { "x-csrf-token": clientCsrf } });
    expect(byClient.status).toBe(403);
    const signInLink = new URL((await sdk.appointments.signInLink(appt.id)).url);
    const providerCsrf = csrfIn(await (await call(`/p/${w.slug}/appointments/${appt.id}/session`, { cookie: provider })).text());
    const noCsrf = await call(`/p/${w.slug}/appointments/${appt.id}/session/end`, { method: "POST", cookie: provider });
    expect(noCsrf.status).toBe(403);
    const ended = await call(`/p/${w.slug}/appointments/${appt.id}/session/end`, { method: "POST", cookie: provider, headers: { "x-csrf-token": providerCsrf } });
    expect(ended.status).toBe(200);
    expect(await ended.json()).toMatchObject({ state: "completed" });
    for (const s of [clientEvents, providerEvents2]) {
      expect(await s.next((e) => e.state === "completed")).toMatchObject({ present: { provider: false, client: false } });
      expect(await s.closed()).toBe(true);
    }
    expect((await call(`/j/${token}`, { cookie: signedIn.cookie })).status).toBe(410);
    expect((await call(signInLink.pathname + signInLink.search)).status).toBe(410);
    const reopened = events(await streamOf(appt.id, client.cookie));
    expect(await reopened.next(() => true)).toMatchObject({ state: "completed" });
    expect(await reopened.closed()).toBe(true);

    const listed = await tele(["appointments", "list", "--telehealth", "--json"], w.env);
    expect(listed.code, listed.stderr).toBe(0);
    const row = listed.json<any[]>().find((a) => a.id === appt.id);
    expect(row.status).toBe("completed");
    expect(row.session).toMatchObject({ state: "completed" });
    expect(Date.parse(row.session.endedAt)).toBeGreaterThanOrEqual(Date.parse(row.session.startedAt));
    expect(row.session.providerPresentMs).toBeGreaterThan(0);
    expect(row.session.clientPresentMs).toBeGreaterThanOrEqual(row.session.providerPresentMs);
  }, 60_000);

  it("50 simultaneous uses of one join link: exactly one lands in the session, the rest are refused", async () => {
    const appt = await bookNow("dana@client.test");
    const earlier = new Set(smtp.received.filter((m) => m.text.includes("/j/")));
    const provider = await providerCookie(appt.id);
    const stream = events(await streamOf(appt.id, provider));
    await stream.next((e) => e.state === "waiting");
    const mail = await smtp.waitFor((m) => m.to === "dana@client.test" && m.text.includes("/j/") && !earlier.has(m));
    const token = joinToken(mail.text);
    const { cookie } = await clientSignIn();
    const results = await Promise.all(Array.from({ length: 50 }, () => call(`/j/${token}`, { cookie })));
    const codes = results.map((r) => r.status);
    expect(codes.filter((c) => c === 303)).toHaveLength(1);
    expect(codes.filter((c) => c === 410)).toHaveLength(49);
    expect(results.find((r) => r.status === 303)!.headers.get("location")).toBe(`/p/${w.slug}/appointments/${appt.id}/session`);
    await stream.cancel();
  }, 60_000);

  it("refuses streams to strangers and other clients' appointments, bad link tokens, and never answers 500", async () => {
    const appt = await bookNow("dana@client.test");
    expect((await streamOf(appt.id, "")).status).toBe(401);
    expect((await call(`/p/${w.slug}/appointments/${appt.id}/session/end`, { method: "POST" })).status).toBe(401);
    const { cookie } = await clientSignIn();
    expect((await streamOf("apt_nope", cookie)).status).toBe(404);
    const other = await sdk.clients.add({ name: "Eve Other", email: "eve@client.test", state: "NY" });
    const hers = await sdk.appointments.create({ therapist: "tess@maple.test", client: other.id, start: new Date(Date.now() + 5 * 60_000).toISOString(), durationMinutes: 50, allowPast: true, allowOverlap: true, telehealth: true });
    expect((await streamOf(hers.id, cookie)).status).toBe(403);
    expect((await call("/j/short")).status).toBe(404);
    expect((await call(`/j/${"A".repeat(43)}`)).status).toBe(404);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
  }, 30_000);
});
