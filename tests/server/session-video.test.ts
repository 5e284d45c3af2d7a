/**
 * The session page's video token (R19) over real HTTP: the real server with Zoom credentials set,
 * the client signed in on the portal and the owner through `tele sessions open`'s link. The JWT
 * each page receives is checked as Zoom would: signature with the SDK secret, the claims, the role
 * by participant; and its session name is the one a Zoom webhook completes the session by.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Tele } from "../../src/sdk/index.js";
import { ZOOM_SESSION_PAGE_HEADERS } from "../../src/server/video/zoom.js";
import { startSmtp, startWorld, type E2eWorld } from "../helpers/e2e.js";
import { events } from "../helpers/sse.js";
import { auditRows } from "../helpers/server.js";
import {
  addPortalClient, bookTelehealth, call, clientCookie, providerCookie, sessionPage, signedZoomHook, statuses, storeOf, verify, videoToken,
} from "../helpers/video-session.js";

const KEY = "sdk_key_video_test";
const SECRET = "sdk_secret_video_test_0123456789";
const HOOK = "whsec_video_test_0123456789";

type Smtp = Awaited<ReturnType<typeof startSmtp>>;
let w: E2eWorld;
let bare: E2eWorld;
let smtp: Smtp;
let sdk: Tele;

const book = (client: string, startInMinutes = 5, o: { telehealth?: boolean; therapist?: string } = {}) => bookTelehealth(sdk, client, startInMinutes, o);
const addClient = (world: E2eWorld, api: Tele, name: string, email: string) => addPortalClient(world, api, smtp, name, email);
const zoomHook = (event: string, object: Record<string, unknown>) => signedZoomHook(w, HOOK, event, object);

let dana: { id: string };
let danaCookie: string;

beforeAll(async () => {
  smtp = await startSmtp();
  [w, bare] = await Promise.all([
    startWorld({ smtpUrl: smtp.url, serverEnv: { ZOOM_SDK_KEY: KEY, ZOOM_SDK_SECRET: SECRET, ZOOM_WEBHOOK_SECRET: HOOK } }),
    startWorld({ smtpUrl: smtp.url, serverEnv: { TELE_VIDEO: "zoom" } }), // Zoom chosen, its credentials missing
  ]);
  sdk = new Tele({ url: w.server.url, token: w.ownerToken });
  await sdk.staff.add({ name: "Tess Therapist", email: "tess@maple.test", roles: ["therapist"] });
  await sdk.staff.enableTeletherapy("tess@maple.test");
  dana = await addClient(w, sdk, "Dana Client", "dana@client.test");
  danaCookie = await clientCookie(w, "dana@client.test");
}, 60_000);
afterAll(async () => {
  await w?.close();
  await bare?.close();
  await smtp?.close();
});

describe("the video token the session page receives (R19)", () => {
  it("client: role_type 0, provider: role_type 1; HS256 with the SDK secret; same opaque session name; 30 min ≤ exp − iat ≤ 48 h, covering the session", async () => {
    const appt = await book(dana.id);
    const client = await sessionPage(w, appt.id, danaCookie);
    expect(client.body).toContain('data-video-configured="1"');
    const clientRes = await videoToken(w, appt.id, danaCookie, client.csrf);
    expect(clientRes.status).toBe(200);
    expect(clientRes.headers.get("cache-control")).toBe("no-store");
    const forClient = await clientRes.json();
    expect(forClient).toMatchObject({ provider: "zoom", role: "participant", userName: "Client" });
    expect(forClient.sdk).toMatchObject({ sdkModule: expect.stringMatching(/^\/vendor\/zoom\/[\d.]+\/index\.esm\.js$/), dependentAssets: expect.stringMatching(/^\/vendor\/zoom\/[\d.]+\/lib$/) });

    const { header, claims } = verify(forClient.token, SECRET);
    expect(header).toEqual({ alg: "HS256", typ: "JWT" });
    expect(claims).toMatchObject({ app_key: KEY, tpc: forClient.sessionName, role_type: 0, version: 1, user_key: expect.stringMatching(/^[0-9a-f]{36}$/) });
    expect(claims.tpc).toMatch(/^tele-[0-9a-f]{64}$/);
    const now = Date.now() / 1000;
    expect(claims.iat).toBeLessThanOrEqual(now);
    expect(claims.iat).toBeGreaterThan(now - 120);
    expect(claims.exp - claims.iat).toBeGreaterThanOrEqual(30 * 60);
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(48 * 3600);
    // Good until the latest the session can last: the scheduled end plus the practice's 60 auto-complete minutes.
    expect(claims.exp).toBeGreaterThanOrEqual(Date.parse(appt.end) / 1000 + 60 * 60);
    // Nothing of the person or the appointment goes to Zoom.
    const text = Buffer.from(forClient.token.split(".")[1], "base64url").toString();
    for (const leak of ["Dana", "dana@client.test", appt.id, "Maple"]) expect(text).not.toContain(leak);
    expect(() => verify(forClient.token, "another secret")).toThrow();

    const owner = await providerCookie(w, w.ownerToken, appt.id);
    const page = await sessionPage(w, appt.id, owner);
    const forOwner = await (await videoToken(w, appt.id, owner, page.csrf)).json();
    expect(forOwner).toMatchObject({ role: "host", userName: "Provider", sessionName: forClient.sessionName });
    expect(verify(forOwner.token, SECRET).claims).toMatchObject({ app_key: KEY, tpc: forClient.sessionName, role_type: 1, version: 1 });

    const issued = auditRows(storeOf(w), "session.video_token").filter((r) => r.record_id === appt.id);
    expect(issued.map((r) => [r.actor_type, JSON.parse(r.details!).role])).toEqual([["client", "participant"], ["staff", "host"]]);
    expect(issued.map((r) => r.details).join()).not.toContain(forClient.token.split(".")[2]);
  });

  it("the role comes from who is signed in: a page cannot ask to be host", async () => {
    const appt = await book(dana.id);
    const { csrf } = await sessionPage(w, appt.id, danaCookie);
    const res = await call(w, `/p/${w.slug}/appointments/${appt.id}/session/video?role=host`, {
      method: "POST", cookie: danaCookie, headers: { "x-csrf-token": csrf! },
    });
    expect(res.status).toBe(200);
    expect(verify((await res.json()).token, SECRET).claims.role_type).toBe(0);
  });

  it("the token's session name is the one the lifecycle stores: Zoom's session.ended for it completes our session", async () => {
    const appt = await book(dana.id);
    const { csrf } = await sessionPage(w, appt.id, danaCookie);
    const stream = await call(w, `/p/${w.slug}/appointments/${appt.id}/session/events`, { cookie: danaCookie });
    const ev = events(stream);
    await ev.next((e) => e.state === "waiting");
    const { sessionName } = await (await videoToken(w, appt.id, danaCookie, csrf)).json();
    const hook = await zoomHook("session.ended", { session_name: sessionName, start_time: new Date().toISOString(), end_time: new Date().toISOString() });
    expect(hook.status).toBe(200);
    await ev.next((e) => e.state === "completed");
    const [listed] = (await sdk.appointments.list({ client: dana.id })).items.filter((a) => a.id === appt.id);
    expect(listed?.session?.state).toBe("completed");
    // And once completed, no more tokens.
    const after = await videoToken(w, appt.id, danaCookie, csrf);
    expect(after.status).toBe(409);
    expect((await after.json()).code).toBe("session_not_open");
  });
});

describe("Zoom webhooks: unsigned deliveries are counted, signed repeats audited", () => {
  const deliver = (body: string, secret: string | undefined, ts = Math.floor(Date.now() / 1000)) =>
    call(w, "/webhooks/zoom", {
      method: "POST",
      headers: {
        "content-type": "application/json", "x-zm-request-timestamp": String(ts),
        ...(secret ? { "x-zm-signature": `v0=${createHmac("sha256", secret).update(`v0:${ts}:${body}`).digest("hex")}` } : {}),
      },
      body,
    });
  const started = (sessionName: string, id = "sess-" + Math.random()) => JSON.stringify({
    event: "session.started", event_ts: Date.now(),
    payload: { account_id: "a", object: { id: "z", session_id: id, session_name: sessionName, start_time: new Date().toISOString() } },
  });

  const counted = (kind: string) =>
    (storeOf(w).db.prepare("SELECT coalesce(sum(count), 0) AS n FROM refusal_counts WHERE practice_id = 'server' AND kind = ?").get(kind) as { n: number }).n;

  it("unsigned, wrongly signed or stale deliveries are 401 and counted, never audited; a signed repeat is audited in the session's practice", async () => {
    const appt = await book(dana.id);
    const { csrf } = await sessionPage(w, appt.id, danaCookie);
    const ev = events(await call(w, `/p/${w.slug}/appointments/${appt.id}/session/events`, { cookie: danaCookie }));
    await ev.next((e) => e.state === "waiting"); // Dana is in: the session (and its name) is on record
    const { sessionName } = await (await videoToken(w, appt.id, danaCookie, csrf)).json();
    const store = storeOf(w);
    const before = auditRows(store).length;
    expect((await deliver(started(sessionName), undefined)).status).toBe(401);
    expect((await deliver(started(sessionName), "not the secret")).status).toBe(401);
    expect((await deliver(started(sessionName), HOOK, Math.floor(Date.now() / 1000) - 600)).status).toBe(401);
    const signed = started(sessionName);
    expect((await deliver(signed, HOOK)).status).toBe(200);
    expect((await deliver(signed, HOOK)).status).toBe(200); // a replay within the 5 minutes: ignored
    const rows = auditRows(store).slice(before).filter((r) => r.action.startsWith("session.video.webhook_"));
    expect(rows.map((r) => [r.action, r.record_id, r.actor_type, JSON.parse(r.details!).code])).toEqual([
      ["session.video.webhook_repeated", appt.id, "anonymous", "webhook_duplicate"],
    ]);
    const earlier = { missing: counted("webhook.webhook_signature_missing"), invalid: counted("webhook.webhook_signature_invalid"), stale: counted("webhook.webhook_timestamp_stale") };
    await w.server.app.limits.flush();
    expect({ missing: counted("webhook.webhook_signature_missing"), invalid: counted("webhook.webhook_signature_invalid"), stale: counted("webhook.webhook_timestamp_stale") })
      .toEqual({ missing: earlier.missing + 1, invalid: earlier.invalid + 1, stale: earlier.stale + 1 });
    expect(rows.every((r) => r.request_id?.startsWith("req_") && r.ip === "127.0.0.1")).toBe(true);
    // The session itself is untouched by the refused ones: still open for Dana.
    expect((await videoToken(w, appt.id, danaCookie, csrf)).status).toBe(200);
  });

  it("a flood of unsigned deliveries adds no audit row at all, in any scope: one counter row per day and kind", async () => {
    const audit = () => (storeOf(w).db.prepare("SELECT count(*) AS n FROM audit_log").get() as { n: number }).n;
    await w.server.app.limits.flush();
    const before = { audit: audit(), counted: counted("webhook.webhook_signature_missing") };
    for (let i = 0; i < 40; i++) expect((await deliver(i % 2 ? "not json at all" : started("tele-" + "0".repeat(64)), undefined)).status).toBe(401);
    expect(audit()).toBe(before.audit);
    await w.server.app.limits.flush();
    expect(audit()).toBe(before.audit);
    expect(counted("webhook.webhook_signature_missing")).toBe(before.counted + 40);
    const rows = storeOf(w).db.prepare("SELECT count(*) AS n FROM refusal_counts WHERE kind = 'webhook.webhook_signature_missing'").get() as { n: number };
    expect(rows.n).toBe(1);
  });
});

describe("who gets a token, and when", () => {
  it("refused without sign-in (401), without the CSRF token (403), to another client (403), for an unknown appointment (404)", async () => {
    const appt = await book(dana.id);
    const { csrf } = await sessionPage(w, appt.id, danaCookie);
    expect((await videoToken(w, appt.id)).status).toBe(401);
    expect((await videoToken(w, appt.id, danaCookie)).status).toBe(403);
    expect((await videoToken(w, appt.id, danaCookie, "x".repeat(csrf!.length))).status).toBe(403);
    const eve = await addClient(w, sdk, "Eve Other", "eve@client.test");
    const eveCookie = await clientCookie(w, "eve@client.test");
    const eveCsrf = (await sessionPage(w, (await book(eve.id)).id, eveCookie)).csrf;
    const refused = await videoToken(w, appt.id, eveCookie, eveCsrf);
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toContain("Dana");
    expect((await videoToken(w, "apt_nope", danaCookie, csrf)).status).toBe(404);
  });

  it("only while the session can be joined: not before its window (409), not for an in-person appointment (409)", async () => {
    const later = await book(dana.id, 24 * 60);
    const { csrf } = await sessionPage(w, later.id, danaCookie);
    const early = await videoToken(w, later.id, danaCookie, csrf);
    expect(early.status).toBe(409);
    expect((await early.json()).code).toBe("session_not_open");
    const inPerson = await book(dana.id, 5, { telehealth: false });
    expect((await videoToken(w, inPerson.id, danaCookie, csrf)).status).toBe(409);
  });

  it("TELE_VIDEO=zoom without Zoom credentials: 503 video_not_configured with what to set, and the page says video is not set up", async () => {
    const api = new Tele({ url: bare.server.url, token: bare.ownerToken });
    await api.staff.add({ name: "Tess Therapist", email: "tess@bare.test", roles: ["therapist"] });
    await api.staff.enableTeletherapy("tess@bare.test");
    const c = await addClient(bare, api, "Fay Client", "fay@client.test");
    const appt = await api.appointments.create({ therapist: "tess@bare.test", client: c.id, start: new Date(Date.now() + 5 * 60_000).toISOString(), durationMinutes: 50, allowPast: true, allowOverlap: true, telehealth: true });
    const cookie = await clientCookie(bare, "fay@client.test");
    const page = await sessionPage(bare, appt.id, cookie);
    expect(page.body).toContain('data-video-configured="0"');
    expect(page.body).toContain("Video is not set up yet.");
    const res = await videoToken(bare, appt.id, cookie, page.csrf);
    expect(res.status).toBe(503);
    const problem = await res.json();
    expect(problem.code).toBe("video_not_configured");
    expect(problem.detail ?? problem.message).toContain("ZOOM_SDK_KEY");
  });
});

describe("the session page's headers", () => {
  it("the session page alone gets the video SDK's CSP, camera and microphone, and cross-origin isolation; the dashboard keeps the strict ones", async () => {
    const appt = await book(dana.id);
    const { res } = await sessionPage(w, appt.id, danaCookie);
    expect(res.status).toBe(200);
    for (const [name, value] of Object.entries(ZOOM_SESSION_PAGE_HEADERS)) expect(res.headers.get(name)).toBe(value);
    const dash = await call(w, `/p/${w.slug}/dashboard`, { cookie: danaCookie });
    expect(dash.status).toBe(200);
    expect(dash.headers.get("content-security-policy")).toContain("script-src 'self';");
    expect(dash.headers.get("permissions-policy")).toContain("camera=()");
    expect(dash.headers.get("cross-origin-embedder-policy")).toBeNull();
  });

  it("the SDK's files are served by this server with their types", async () => {
    const { sdk: cfg } = await (await videoToken(w, (await book(dana.id)).id, danaCookie, (await sessionPage(w, (await book(dana.id)).id, danaCookie)).csrf)).json();
    // Each body is read whole: an unread one would hold its connection open past the server's close.
    const mod = await call(w, cfg.sdkModule);
    expect([mod.status, mod.headers.get("content-type")]).toEqual([200, "text/javascript; charset=utf-8"]);
    expect((await mod.arrayBuffer()).byteLength).toBe(Number(mod.headers.get("content-length")));
    const worker = await call(w, `${cfg.dependentAssets}/js_media.min.js`);
    expect(worker.status).toBe(200);
    expect((await worker.arrayBuffer()).byteLength).toBeGreaterThan(0);
    const wasm = await call(w, `${cfg.dependentAssets}/audio.simd.wasm`);
    expect([wasm.status, wasm.headers.get("content-type")]).toEqual([200, "application/wasm"]);
    expect(WebAssembly.validate(new Uint8Array(await wasm.arrayBuffer()))).toBe(true);
    expect((await call(w, `${cfg.dependentAssets}/../../../package.json`)).status).toBe(404);
  });

  it("never answered 500", () => {
    expect(statuses.filter((s) => s >= 500 && s !== 503)).toEqual([]);
  });
});
