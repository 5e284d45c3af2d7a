/**
 * Issue 4's faults over HTTP, against the real server (startServer on a loopback port over a SQLite
 * file, a real SMTP server for the join-link mail, Zoom webhooks signed here): a client opening the
 * provider's link, a join link from another practice, two provider tabs, a restart while live, and
 * Zoom deliveries repeated, out of order and at once. Each test makes its own practice, and every
 * status the server answers is checked to be below 500.
 */
import { createHmac } from "node:crypto";
import { rmSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Tele } from "../../src/sdk/index.js";
import { readServerConfig } from "../../src/server/config.js";
import { startServer, type RunningServer } from "../../src/server/main.js";
import { zoomVideoProvider } from "../../src/server/video/zoom.js";
import { startSmtp, tempDir } from "../helpers/e2e.js";
import { events } from "../helpers/sse.js";

const SETUP_TOKEN = "setup_faults_0123456789abcdef";
const WEBHOOK_SECRET = "whsec_faults_0123456789";
const PASSWORD = "client password 1";

let dataDir: string;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let server: RunningServer;
const statuses: { status: number; what: string }[] = [];

const start = () => startServer(readServerConfig({ port: 0, dataDir }, {
  TELE_SETUP_TOKEN: SETUP_TOKEN, TELE_SMTP_URL: smtp.url, TELE_MAIL_RETRY_MS: "100",
  TELE_VIDEO: "zoom", ZOOM_WEBHOOK_SECRET: WEBHOOK_SECRET, TELE_SESSION_SWEEP_MS: "100",
}), { logger: false });

beforeAll(async () => {
  dataDir = tempDir("tele-faults-");
  smtp = await startSmtp();
  server = await start();
}, 30_000);
beforeEach(() => void (statuses.length = 0));
afterAll(async () => {
  await server?.close();
  await smtp?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** A fetch that never follows redirects, keeps the status for the "never a 500" check, and sends `cookie`. */
async function call(path: string, o: { cookie?: string; method?: string; form?: Record<string, string>; headers?: Record<string, string>; body?: string } = {}) {
  const method = o.method ?? (o.form ? "POST" : "GET");
  const res = await fetch(server.url + path, {
    method, redirect: "manual",
    headers: { ...(o.cookie ? { cookie: o.cookie } : {}), ...(o.form ? { "content-type": "application/x-www-form-urlencoded" } : {}), ...o.headers },
    body: o.form ? new URLSearchParams(o.form).toString() : o.body,
  });
  statuses.push({ status: res.status, what: `${method} ${path.replace(/[A-Za-z0-9_-]{40,}/g, "…")}` });
  return res;
}

/** Every status the server has answered in this test is below 500. */
const noServerErrors = () => expect(statuses.filter((s) => s.status >= 500)).toEqual([]);

const cookieOf = (res: Response, name: string) => {
  const c = res.headers.getSetCookie().find((s) => s.startsWith(`${name}=`) && !s.startsWith(`${name}=;`));
  return c ? c.split(";")[0]! : undefined;
};
const csrfIn = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)![1]!;
const joinToken = (text: string) => /\/j\/([A-Za-z0-9_-]{43})/.exec(text)![1]!;
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

let practices = 0;

/**
 * A practice created over HTTP with the setup token: its owner (whose API token drives the SDK), a
 * therapist with Teletherapy, and a client with an active portal account (invited by real mail).
 */
async function makePractice(name: string) {
  const n = ++practices;
  const init = await new Tele({ url: server.url }).practices.create({
    name: `${name} ${n}`, state: "NY", timeZone: "America/New_York", ownerName: "Olive Owner", ownerEmail: `owner${n}@faults.test`,
  }, SETUP_TOKEN);
  const sdk = () => new Tele({ url: server.url, token: init.token }); // server.url changes across a restart
  const therapist = { name: `Tess Therapist ${n}`, email: `tess${n}@faults.test` };
  await sdk().staff.add({ ...therapist, roles: ["therapist"] });
  await sdk().staff.enableTeletherapy(therapist.email);
  const email = `dana${n}@client.test`;
  const client = await sdk().clients.add({ name: "Dana Client", email, state: "NJ" });
  await sdk().clients.invite(email);
  const invite = /\/invite\/([A-Za-z0-9_-]+)/.exec((await smtp.waitFor((m) => m.to === email && m.text.includes("/invite/"))).text)![1]!;
  await sdk().portal.signup({ token: invite, password: PASSWORD });
  const slug = init.practice.slug;

  /** A telehealth appointment that starts in 5 minutes (its window is open). */
  const bookNow = () => sdk().appointments.create({
    therapist: therapist.email, client: client.id, start: new Date(Date.now() + 5 * 60_000).toISOString(), durationMinutes: 50, allowOverlap: true, telehealth: true,
  });
  /** The owner's browser, signed in through `tele sessions open`'s single-use link. */
  const providerCookie = async (appointmentId: string) => {
    const link = new URL((await sdk().appointments.signInLink(appointmentId)).url);
    const res = await call(link.pathname + link.search);
    expect(res.status).toBe(303);
    return cookieOf(res, "tele_session")!;
  };
  /** The client's browser, signed in through the portal form; `next` is passed on as the page would. */
  const clientSignIn = async (next?: string) => {
    const page = await call(`/p/${slug}${next ? `?next=${encodeURIComponent(next)}` : ""}`);
    const res = await call(`/p/${slug}/sign-in`, {
      cookie: cookieOf(page, "tele_csrf"), form: { _csrf: csrfIn(await page.text()), email, password: PASSWORD, ...(next ? { next } : {}) },
    });
    expect(res.status).toBe(303);
    return { cookie: cookieOf(res, "tele_session")!, location: res.headers.get("location") };
  };
  const sessionPath = (id: string) => `/p/${slug}/appointments/${id}/session`;
  const stream = async (id: string, cookie: string) => {
    const controller = new AbortController();
    const res = await fetch(`${server.url}${sessionPath(id)}/events`, { headers: { cookie }, signal: controller.signal });
    statuses.push({ status: res.status, what: "GET …/session/events" });
    expect(res.status).toBe(200);
    return { ...events(res), close: () => controller.abort() };
  };
  /** Audit rows of `action` in this practice, through the owner's SDK (newest first). */
  const audits = async (action: string, recordId?: string) => (await sdk().audit.list({ action, recordId, limit: 500 })).items;
  return { init, sdk, slug, therapist, email, client, bookNow, providerCookie, clientSignIn, sessionPath, stream, audits };
}
type Practice = Awaited<ReturnType<typeof makePractice>>;

/** The provider joins (opening the event stream as staff), and the join link it emails the client is read off the SMTP server. */
async function providerJoins(p: Practice, appointmentId: string) {
  const earlier = new Set(smtp.received);
  const provider = await p.providerCookie(appointmentId);
  const s = await p.stream(appointmentId, provider);
  await s.next((e) => e.state === "waiting");
  const mail = await smtp.waitFor((m) => m.to === p.email && m.text.includes("/j/") && !earlier.has(m));
  return { provider, stream: s, token: joinToken(mail.text) };
}

/**
 * A Zoom delivery about an appointment's video session, signed with the webhook secret as Zoom
 * signs it (the signature's timestamp is always now). Zoom's retry of a delivery repeats its
 * `event_ts`; a different event_ts is a different delivery.
 */
function zoomDelivery(event: string, appointmentId: string, object: Record<string, unknown>, eventTs = Date.now()) {
  const sessionName = zoomVideoProvider({}).sessionName(appointmentId, WEBHOOK_SECRET);
  const body = JSON.stringify({ event, event_ts: eventTs, payload: { account_id: "acct_1", object: { id: "z1", session_id: `sess/${appointmentId}==`, session_name: sessionName, ...object } } });
  const ts = Math.floor(Date.now() / 1000);
  const sig = `v0=${createHmac("sha256", WEBHOOK_SECRET).update(`v0:${ts}:${body}`).digest("hex")}`;
  return call("/webhooks/zoom", { method: "POST", body, headers: { "content-type": "application/json", "x-zm-request-timestamp": String(ts), "x-zm-signature": sig } });
}

describe("a client opening the provider's link", () => {
  it("the staff sign-in link in a client's browser: 403, the link is dead, audited, and the client stays the client", async () => {
    const maple = await makePractice("Maple Therapy");
    const appt = await maple.bookNow();
    const client = await maple.clientSignIn();
    const link = new URL((await maple.sdk().appointments.signInLink(appt.id)).url);

    const refused = await call(link.pathname + link.search, { cookie: client.cookie });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("This sign-in link is for a staff member");
    expect(refused.headers.getSetCookie().filter((c) => c.startsWith("tele_session="))).toEqual([]);
    // The leaked link does not work for anyone afterwards, not even a browser signed in as nobody.
    expect((await call(link.pathname + link.search)).status).toBe(410);
    const [afterwards, row, ...more] = await maple.audits("staff.sign_in_link.refused");
    expect(more).toEqual([]);
    expect(row).toMatchObject({ actorType: "client", actorId: maple.client.id, recordType: "link", details: { reason: "wrong_person", consumed: true } });
    expect(afterwards).toMatchObject({ actorType: "anonymous", recordId: row!.recordId });
    expect(await maple.audits("staff.sign_in")).toEqual([]);

    // Still the client: the portal works with the same cookie, and the session page's stream says "client".
    expect((await call(`/p/${maple.slug}/dashboard`, { cookie: client.cookie })).status).toBe(200);
    const s = await maple.stream(appt.id, client.cookie);
    expect(await s.next(() => true)).toEqual({ state: "waiting", present: { provider: false, client: true } });
    s.close();

    // A client of another practice is refused the same way; a fresh link still works for a browser signed in as nobody.
    const birch = await makePractice("Birch Therapy");
    const foreign = await birch.clientSignIn();
    const link2 = new URL((await maple.sdk().appointments.signInLink(appt.id)).url);
    expect((await call(link2.pathname + link2.search, { cookie: foreign.cookie })).status).toBe(403);
    expect((await call(link2.pathname + link2.search)).status).toBe(410);
    expect((await call(`/p/${birch.slug}/dashboard`, { cookie: foreign.cookie })).status).toBe(200);
    const refusals = (await maple.audits("staff.sign_in_link.refused")).filter((r) => r.actorType === "client");
    expect(refusals.map((r) => [r.actorId, (r.details as { reason: string }).reason])).toEqual([[birch.client.id, "wrong_person"], [maple.client.id, "wrong_person"]]);
    expect(await maple.providerCookie(appt.id)).toMatch(/^tele_session=/);
    noServerErrors();
  }, 30_000);

  it("the provider's session URL opened by the client shows the client's view, and the client cannot end the session", async () => {
    const maple = await makePractice("Maple Therapy");
    const appt = await maple.bookNow();
    const provider = await maple.providerCookie(appt.id);
    const providerPage = await (await call(maple.sessionPath(appt.id), { cookie: provider })).text();
    expect(providerPage).toContain("data-end-session"); // the provider's own view, for contrast

    const client = await maple.clientSignIn();
    // R27: the client says where they are first, and only then gets the waiting room.
    const step = await (await call(maple.sessionPath(appt.id), { cookie: client.cookie })).text();
    expect(step).toContain("Where are you right now?");
    expect(step).not.toContain("data-session-events");
    const answered = await call(`${maple.sessionPath(appt.id)}/location`, { cookie: client.cookie, form: { _csrf: csrfIn(step), state: "NY", place: "home", phone: "555 010 0100" } });
    expect(answered.status).toBe(303);
    const page = await call(maple.sessionPath(appt.id), { cookie: client.cookie });
    expect(page.status).toBe(200);
    const body = await page.text();
    expect(body).toContain(`Waiting for ${maple.therapist.name}`);
    expect(body).not.toContain("End session");
    expect(body).not.toContain("data-end-session");
    expect(body).not.toContain("Waiting for your client");

    const csrf = csrfIn(await (await call(`/p/${maple.slug}/dashboard`, { cookie: client.cookie })).text());
    const end = await call(`${maple.sessionPath(appt.id)}/end`, { method: "POST", cookie: client.cookie, headers: { "x-csrf-token": csrf } });
    expect(end.status).toBe(403);
    expect(await maple.sdk().appointments.get(appt.id)).toMatchObject({ status: "scheduled" });
    expect(await maple.audits("session.complete")).toEqual([]);
    noServerErrors();
  }, 30_000);
});

describe("a join link from another practice", () => {
  it("another practice's client and a staff member are refused (403, audited); the link still works once for its client", async () => {
    const maple = await makePractice("Maple Therapy");
    const birch = await makePractice("Birch Therapy");
    const appt = await birch.bookNow();
    const { provider, stream, token } = await providerJoins(birch, appt.id);

    const mapleClient = await maple.clientSignIn();
    const foreign = await call(`/j/${token}`, { cookie: mapleClient.cookie });
    expect(foreign.status).toBe(403);
    expect(await foreign.text()).toContain("This join link was sent to someone else");
    expect((await call(`/p/${maple.slug}/dashboard`, { cookie: mapleClient.cookie })).status).toBe(200);
    // The link's own practice's staff member, signed in, is refused too.
    expect((await call(`/j/${token}`, { cookie: provider })).status).toBe(403);
    const refusals = await birch.audits("session.join_link.refused");
    expect(refusals.map((r) => [r.actorType, r.actorId, (r.details as { reason: string }).reason]).reverse()).toEqual([
      ["client", maple.client.id, "wrong_person"],
      ["staff", birch.init.owner.id, "wrong_person"],
    ]);
    expect(await maple.audits("session.join_link.refused")).toEqual([]);
    expect(stream.all.filter((e) => e.present?.client)).toEqual([]); // nobody joined as the client

    const owner = await birch.clientSignIn(`/j/${token}`);
    expect(owner.location).toBe(`/j/${token}`);
    const used = await call(`/j/${token}`, { cookie: owner.cookie });
    expect(used.status).toBe(303);
    expect(used.headers.get("location")).toBe(birch.sessionPath(appt.id));
    expect((await call(`/j/${token}`, { cookie: owner.cookie })).status).toBe(410);
    expect(await birch.audits("session.join_link.use")).toHaveLength(1);
    stream.close();
    noServerErrors();
  }, 30_000);
});

describe("two tabs of the provider", () => {
  it("the client sees the provider present while either tab is open; closing both means waiting, never completed", async () => {
    const maple = await makePractice("Maple Therapy");
    const appt = await maple.bookNow();
    const client = await maple.clientSignIn();
    const clientEvents = await maple.stream(appt.id, client.cookie);
    expect(await clientEvents.next(() => true)).toMatchObject({ state: "waiting", present: { provider: false, client: true } });

    const provider = await maple.providerCookie(appt.id);
    const tab1 = await maple.stream(appt.id, provider);
    expect(await clientEvents.next((e) => e.state === "live")).toMatchObject({ present: { provider: true, client: true } });
    const tab2 = await maple.stream(appt.id, provider);
    expect(await tab2.next(() => true)).toMatchObject({ state: "live", present: { provider: true, client: true } });

    tab1.close();
    await sleep(300);
    expect(clientEvents.all.filter((e) => e.state !== "live" || !e.present.provider)).toEqual([]);
    expect(await maple.sdk().appointments.get(appt.id)).toMatchObject({ session: { state: "live" } });
    expect(await maple.audits("session.leave")).toEqual([]);

    tab2.close();
    expect(await clientEvents.next((e) => e.state === "waiting")).toMatchObject({ present: { provider: false, client: true } });
    await sleep(300); // a few sweeps: nothing completes
    expect(await maple.sdk().appointments.get(appt.id)).toMatchObject({ status: "scheduled", session: { state: "waiting" } });
    expect((await maple.audits("session.leave")).map((r) => (r.details as { role: string }).role)).toEqual(["provider"]);
    expect((await maple.audits("session.join")).filter((r) => r.actorType === "staff")).toHaveLength(1);
    expect(await maple.audits("session.complete")).toEqual([]);
    clientEvents.close();
    noServerErrors();
  }, 30_000);
});

describe("a restart during a live session", () => {
  it("both sides are marked absent, nothing completes, and presence comes back live with the same start when the pages reconnect", async () => {
    const maple = await makePractice("Maple Therapy");
    const appt = await maple.bookNow();
    const { provider, stream: before } = await providerJoins(maple, appt.id);
    const client = await maple.clientSignIn();
    const clientBefore = await maple.stream(appt.id, client.cookie);
    const live = await before.next((e) => e.state === "live");
    await clientBefore.next((e) => e.state === "live");

    await server.close();
    expect(await before.closed()).toBe(true);
    expect(await clientBefore.closed()).toBe(true);
    server = await start();
    await sleep(300); // a few sweeps with nobody connected
    expect(await maple.sdk().appointments.get(appt.id)).toMatchObject({ status: "scheduled", session: { state: "waiting" } });
    expect(await maple.audits("session.presence_reset", appt.id)).toHaveLength(1);

    const providerAfter = await maple.stream(appt.id, provider);
    const clientAfter = await maple.stream(appt.id, client.cookie);
    expect(await providerAfter.next((e) => e.state === "live")).toEqual({ ...live, present: { provider: true, client: true } });
    await clientAfter.next((e) => e.state === "live");
    expect(await maple.audits("session.complete")).toEqual([]);
    expect(await maple.audits("session.join_link.issue")).toHaveLength(1); // rejoining after a restart sends no second email
    providerAfter.close();
    clientAfter.close();
    noServerErrors();
  }, 30_000);
});

describe("Zoom webhooks through the real server", () => {
  it("user_left and ended before started, started after ended, a retry and a late repeat: completed once, one session.complete", async () => {
    const maple = await makePractice("Maple Therapy");
    const appt = await maple.bookNow();
    const iso = (ms: number) => new Date(ms).toISOString();
    // Before anyone has joined there is no session to end: acknowledged, and nothing completes.
    expect((await zoomDelivery("session.ended", appt.id, { start_time: iso(Date.now()), end_time: iso(Date.now()) })).status).toBe(200);
    expect(await maple.sdk().appointments.get(appt.id)).toMatchObject({ status: "scheduled", session: { state: "open" } });

    const { stream } = await providerJoins(maple, appt.id);
    const left = await zoomDelivery("session.user_left", appt.id, { user: { id: "1", name: "Dana", leave_time: iso(Date.now()) } });
    expect(left.status).toBe(200);
    expect(await maple.sdk().appointments.get(appt.id)).toMatchObject({ status: "scheduled", session: { state: "waiting" } });
    expect(await maple.audits("session.video.user_left", appt.id)).toHaveLength(1);

    const endedTs = Date.now();
    const ended = { start_time: iso(endedTs - 60_000), end_time: iso(endedTs) };
    expect((await zoomDelivery("session.ended", appt.id, ended, endedTs)).status).toBe(200);
    expect(await stream.next((e) => e.state === "completed")).toMatchObject({ present: { provider: false, client: false } });
    expect(await stream.closed()).toBe(true);
    const done = await maple.sdk().appointments.get(appt.id);
    expect(done).toMatchObject({ status: "completed", session: { state: "completed" } });

    const late = [
      await zoomDelivery("session.started", appt.id, { start_time: iso(endedTs - 60_000) }),
      await zoomDelivery("session.user_joined", appt.id, { user: { id: "2", name: "Dana", join_time: iso(Date.now()), user_key: maple.client.id } }),
      await zoomDelivery("session.ended", appt.id, ended, endedTs), // Zoom's retry of the same delivery
      await zoomDelivery("session.ended", appt.id, { ...ended, end_time: iso(Date.now()) }, endedTs + 5000), // another one, later
    ];
    expect(late.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(await maple.sdk().appointments.get(appt.id)).toEqual(done);
    expect((await maple.audits("session.complete", appt.id)).map((r) => (r.details as { reason: string }).reason)).toEqual(["video_ended"]);
    expect(await maple.audits("session.video.started", appt.id)).toEqual([]);
    // A page opened afterwards is told it is over; nothing reopens it.
    const page = await maple.stream(appt.id, (await maple.clientSignIn()).cookie);
    expect(await page.next(() => true)).toMatchObject({ state: "completed" });
    expect(await page.closed()).toBe(true);
    noServerErrors();
  }, 30_000);

  it("ten different 'ended' deliveries at once and the provider's End together complete the session exactly once", async () => {
    const maple = await makePractice("Maple Therapy");
    const appt = await maple.bookNow();
    const { provider, stream } = await providerJoins(maple, appt.id);
    const csrf = csrfIn(await (await call(maple.sessionPath(appt.id), { cookie: provider })).text());
    const at = Date.now();
    const replies = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => zoomDelivery("session.ended", appt.id, {
        start_time: new Date(at - 60_000).toISOString(), end_time: new Date(at + i * 1000).toISOString(),
      }, at + i)),
      call(`${maple.sessionPath(appt.id)}/end`, { method: "POST", cookie: provider, headers: { "x-csrf-token": csrf } }),
    ]);
    expect(replies.map((r) => r.status)).toEqual(Array(11).fill(200));
    expect(await stream.next((e) => e.state === "completed")).toMatchObject({ present: { provider: false, client: false } });
    expect(await maple.audits("session.complete", appt.id)).toHaveLength(1);
    expect(await maple.sdk().appointments.get(appt.id)).toMatchObject({ status: "completed", session: { state: "completed" } });
    noServerErrors();
  }, 30_000);
});
