/**
 * POST /webhooks/zoom through fastify's inject with raw bodies, signed here with node:crypto
 * independently of the code under test.
 */
import { createHmac } from "node:crypto";
import { Writable } from "node:stream";
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { join } from "node:path";
import { SqliteStore } from "../../src/server/db/sqlite/store.js";
import { buildApp } from "../../src/server/http/app.js";
import { RecentKeys, registerZoomWebhook, storedDeliveryLog, type VideoEvent } from "../../src/server/http/routes/zoom-webhook.js";
import { tempDir } from "../helpers/server.js";

const SECRET = "whsec_test_0123456789abcdef";
const NOW = Date.UTC(2026, 2, 2, 15, 0, 0);
const SESSION = `tele-${"ab".repeat(32)}`;

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function setup(o: { secret?: string | null; onEvent?: (e: VideoEvent) => void | Promise<void> } = {}) {
  const events: VideoEvent[] = [];
  const logs: Record<string, unknown>[] = [];
  const stream = new Writable({ write: (chunk, _enc, done) => (logs.push(JSON.parse(String(chunk))), done()) });
  app = Fastify({ logger: { level: "info", stream } });
  // The app's own JSON parser, to show the webhook's raw-body parser does not leak out of its scope.
  app.post("/echo", async (req) => ({ got: req.body }));
  registerZoomWebhook(app, { clock: () => NOW }, {
    secret: o.secret === null ? undefined : (o.secret ?? SECRET),
    onEvent: o.onEvent ?? ((e) => void events.push(e)),
  });
  await app.ready();
  return { app, events, logs, warnings: () => logs.filter((l) => l.level === 40) };
}

/** Headers Zoom would send for `body` at `ts` (epoch seconds). */
function signed(body: string, ts = Math.floor(NOW / 1000), secret = SECRET) {
  const sig = `v0=${createHmac("sha256", secret).update(`v0:${ts}:${body}`).digest("hex")}`;
  return { "content-type": "application/json; charset=utf-8", "x-zm-request-timestamp": String(ts), "x-zm-signature": sig };
}

const post = (body: string, headers: Record<string, string>) => app!.inject({ method: "POST", url: "/webhooks/zoom", payload: body, headers });

function zoomBody(event: string, object: Record<string, unknown>, eventTs = NOW - 1000) {
  return JSON.stringify({ event, event_ts: eventTs, payload: { account_id: "acct_1", object: { id: "z1", session_id: "sess/ABC==", session_name: SESSION, ...object } } });
}
const started = (eventTs?: number) => zoomBody("session.started", { start_time: "2026-03-02T14:59:00Z" }, eventTs);
const ended = () => zoomBody("session.ended", { start_time: "2026-03-02T14:00:00Z", end_time: "2026-03-02T14:58:30Z" });
const joined = () => zoomBody("session.user_joined", { user: { id: "16778240", name: "Cara Client", join_time: "2026-03-02T14:59:10Z", user_key: "cli_0001Lm4NbV8cYe2s" } });
const left = () => zoomBody("session.user_left", { user: { id: "16778240", name: "Cara Client", leave_time: "2026-03-02T14:59:50Z", leave_reason: "left" } });

function expectRefused(res: Awaited<ReturnType<typeof post>>, status: number, code: string) {
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  expect({ status: res.statusCode, code: res.json().code }).toEqual({ status, code });
}

describe("signed deliveries", () => {
  it("200, and onEvent gets the parsed event: kind, session name, time; the user key but never the display name", async () => {
    const w = await setup();
    for (const body of [started(), joined(), left(), ended()]) expect((await post(body, signed(body))).statusCode).toBe(200);
    expect(w.events).toEqual([
      { kind: "started", sessionName: SESSION, at: Date.parse("2026-03-02T14:59:00Z") },
      { kind: "user_joined", sessionName: SESSION, at: Date.parse("2026-03-02T14:59:10Z"), userKey: "cli_0001Lm4NbV8cYe2s" },
      { kind: "user_left", sessionName: SESSION, at: Date.parse("2026-03-02T14:59:50Z") },
      { kind: "ended", sessionName: SESSION, at: Date.parse("2026-03-02T14:58:30Z") },
    ]);
    expect(JSON.stringify(w.events)).not.toContain("Cara");
  });

  it("checks the raw bytes: a body whose re-serialised JSON would differ still verifies", async () => {
    const w = await setup();
    const body = `{ "event_ts": ${NOW - 5},\n  "event": "session.started", "payload": {"object": {"start_time": "2026-03-02T14:59:00Z", "session_name": "${SESSION.toUpperCase()}", "session_id": "s\\u0031"}}}`;
    expect((await post(body, signed(body))).statusCode).toBe(200);
    expect(w.events).toEqual([{ kind: "started", sessionName: SESSION, at: Date.parse("2026-03-02T14:59:00Z") }]);
  });

  it("leaves the app's JSON parser alone on other routes", async () => {
    await setup();
    const res = await app!.inject({ method: "POST", url: "/echo", payload: { a: 1 } });
    expect(res.json()).toEqual({ got: { a: 1 } });
  });

  it("answers endpoint.url_validation with the plain token and its HMAC-SHA256 (hex)", async () => {
    const w = await setup();
    const body = JSON.stringify({ event: "endpoint.url_validation", event_ts: NOW, payload: { plainToken: "qgg8vlvZRS6UYooatFL8Aw" } });
    const res = await post(body, signed(body));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ plainToken: "qgg8vlvZRS6UYooatFL8Aw", encryptedToken: createHmac("sha256", SECRET).update("qgg8vlvZRS6UYooatFL8Aw").digest("hex") });
    expect(w.events).toEqual([]);
    // The challenge is signed too; an unsigned one is refused like any other delivery.
    expectRefused(await post(body, { "content-type": "application/json" }), 401, "webhook_signature_missing");
  });

  it("acknowledges other Zoom events with 200 and does not pass them on", async () => {
    const w = await setup();
    const body = zoomBody("session.recording_started", { start_time: "2026-03-02T14:59:00Z" });
    expect((await post(body, signed(body))).statusCode).toBe(200);
    expect(w.events).toEqual([]);
  });
});

describe("refusals", () => {
  it("401 for a wrong signature, a wrong secret, or a body changed after signing; nothing reaches onEvent", async () => {
    const w = await setup();
    const body = started();
    const h = signed(body);
    expectRefused(await post(body, { ...h, "x-zm-signature": `v0=${"0".repeat(64)}` }), 401, "webhook_signature_invalid");
    expectRefused(await post(body, { ...h, "x-zm-signature": "v0=short" }), 401, "webhook_signature_invalid");
    expectRefused(await post(body, signed(body, Math.floor(NOW / 1000), "another-secret")), 401, "webhook_signature_invalid");
    expectRefused(await post(body.replace("14:59:00", "14:59:01"), h), 401, "webhook_signature_invalid");
    expectRefused(await post(body, { ...h, "x-zm-request-timestamp": String(Math.floor(NOW / 1000) - 1) }), 401, "webhook_signature_invalid");
    expect(w.events).toEqual([]);
  });

  it("401 when either header is missing", async () => {
    const w = await setup();
    const body = started();
    const { "x-zm-signature": _s, ...noSig } = signed(body);
    const { "x-zm-request-timestamp": _t, ...noTs } = signed(body);
    expectRefused(await post(body, noSig), 401, "webhook_signature_missing");
    expectRefused(await post(body, noTs), 401, "webhook_signature_missing");
    expectRefused(await post(body, { "content-type": "application/json" }), 401, "webhook_signature_missing");
    expect(w.events).toEqual([]);
  });

  it("401 for a correctly signed delivery more than 5 minutes old or ahead; 4 minutes either way is fine", async () => {
    const w = await setup();
    const body = started();
    const sec = Math.floor(NOW / 1000);
    expectRefused(await post(body, signed(body, sec - 6 * 60)), 401, "webhook_timestamp_stale");
    expectRefused(await post(body, signed(body, sec + 6 * 60)), 401, "webhook_timestamp_stale");
    expect(w.events).toEqual([]);
    expect((await post(body, signed(body, sec - 4 * 60))).statusCode).toBe(200);
    const other = started(NOW - 7);
    expect((await post(other, signed(other, sec + 4 * 60))).statusCode).toBe(200);
    expect(w.events).toHaveLength(2);
  });

  it("400 for a signed body that is not JSON, or a session event without its documented fields", async () => {
    const w = await setup();
    for (const body of ["{not json", ""]) expectRefused(await post(body, signed(body)), 400, "invalid_request");
    const noTime = zoomBody("session.started", {});
    expectRefused(await post(noTime, signed(noTime)), 400, "invalid_request");
    const noEnvelope = JSON.stringify({ hello: "world" });
    expectRefused(await post(noEnvelope, signed(noEnvelope)), 400, "invalid_request");
    expect(w.events).toEqual([]);
  });

  it("logs every refusal at warn with its reason and request id, and nothing of the body", async () => {
    const w = await setup();
    const body = joined();
    await post(body, { ...signed(body), "x-zm-signature": `v0=${"1".repeat(64)}` });
    await post("{bad", signed("{bad"));
    const warns = w.warnings();
    expect(warns.map((l) => l.code)).toEqual(["webhook_signature_invalid", "invalid_request"]);
    for (const l of warns) expect(l).toMatchObject({ msg: "zoom webhook refused", webhook: "zoom", requestId: expect.any(String) });
    const logged = JSON.stringify(w.logs);
    for (const secretish of ["Cara", SESSION, "cli_0001", "v0=1111"]) expect(logged).not.toContain(secretish);
  });

  it("503 video_not_configured for every delivery while ZOOM_WEBHOOK_SECRET is unset", async () => {
    const w = await setup({ secret: null });
    const body = started();
    expectRefused(await post(body, signed(body)), 503, "video_not_configured");
    expect(w.events).toEqual([]);
  });
});

describe("duplicates and order", () => {
  it("a replayed identical delivery, or Zoom's retry with a new timestamp, gets 200 but reaches onEvent once", async () => {
    const w = await setup();
    const body = joined();
    const h = signed(body);
    expect((await post(body, h)).statusCode).toBe(200);
    expect((await post(body, h)).statusCode).toBe(200);
    expect((await post(body, signed(body, Math.floor(NOW / 1000) + 30))).statusCode).toBe(200);
    expect(w.events).toHaveLength(1);
  });

  it("passes events on in delivery order, even when Zoom's order is wrong (the lifecycle decides)", async () => {
    const w = await setup();
    for (const body of [ended(), left(), joined(), started()]) expect((await post(body, signed(body))).statusCode).toBe(200);
    expect(w.events.map((e) => e.kind)).toEqual(["ended", "user_left", "user_joined", "started"]);
  });

  it("when onEvent fails the reply is a 500 and Zoom's retry is handled, not dropped as a duplicate", async () => {
    let calls = 0;
    await setup({ onEvent: () => { if (++calls === 1) throw new Error("database busy"); } });
    const body = started();
    expect((await post(body, signed(body))).statusCode).toBe(500);
    expect((await post(body, signed(body))).statusCode).toBe(200);
    expect(calls).toBe(2);
  });

  it("remembers a bounded number of deliveries, forgetting the oldest", () => {
    const keys = new RecentKeys(2);
    expect([keys.add("a"), keys.add("b"), keys.add("a"), keys.add("c"), keys.add("a"), keys.add("c")]).toEqual([true, true, false, true, true, false]);
  });
});

describe("in the server: unsigned deliveries cost a counter, and duplicates are remembered across a restart", () => {
  const built: { app: FastifyInstance; store: SqliteStore }[] = [];
  afterEach(async () => {
    for (const b of built.splice(0)) {
      await b.app.close();
      await b.store.close();
    }
  });

  /** The real app over a database file, with the webhook the way main.ts registers it. */
  async function server(file: string, events: VideoEvent[]) {
    const store = new SqliteStore(file);
    const deps = { store, clock: () => NOW, config: { publicUrl: "http://tele.test" } };
    const a = buildApp(deps, { limits: { accountAttempts: 3, addressAttempts: 5, windowMs: 60_000 } });
    registerZoomWebhook(a, deps, { secret: SECRET, onEvent: (e) => void events.push(e), deliveries: storedDeliveryLog(deps) });
    await a.ready();
    built.push({ app: a, store });
    return { app: a, store };
  }
  const deliver = (a: FastifyInstance, body: string, headers: Record<string, string>, ip = "198.51.100.20") =>
    a.inject({ method: "POST", url: "/webhooks/zoom", payload: body, headers, remoteAddress: ip });

  it("a delivery already applied is not applied again after the server restarts", async () => {
    const tmp = tempDir("tele-webhook-");
    try {
      const file = join(tmp.dir, "tele.db");
      const first: VideoEvent[] = [];
      const one = await server(file, first);
      const body = started();
      expect((await deliver(one.app, body, signed(body))).statusCode).toBe(200);
      expect(first).toHaveLength(1);
      await one.app.close();
      await one.store.close();
      built.splice(0);

      const again: VideoEvent[] = [];
      const two = await server(file, again);
      expect((await deliver(two.app, body, signed(body))).statusCode).toBe(200);
      expect(again).toEqual([]);
      const other = ended();
      expect((await deliver(two.app, other, signed(other))).statusCode).toBe(200);
      expect(again.map((e) => e.kind)).toEqual(["ended"]);
    } finally {
      tmp.cleanup();
    }
  });

  it("unsigned deliveries write no audit row; past the address limit they are 429 with Retry-After before any check", async () => {
    const tmp = tempDir("tele-webhook-");
    try {
      const { app: a, store } = await server(join(tmp.dir, "tele.db"), []);
      const audit = () => (store.db.prepare("SELECT count(*) AS n FROM audit_log").get() as { n: number }).n;
      const before = audit();
      const body = started();
      for (let i = 0; i < 5; i++) expect((await deliver(a, body, { ...signed(body), "x-zm-signature": "v0=" + "é".repeat(64) })).statusCode).toBe(401);
      const limited = await deliver(a, body, signed(body, undefined, "wrong secret"));
      expect(limited.statusCode).toBe(429);
      expect(limited.headers["retry-after"]).toBe("60");
      // Another address, correctly signed, still gets through.
      expect((await deliver(a, body, signed(body), "198.51.100.21")).statusCode).toBe(200);
      await a.limits.flush();
      expect(audit()).toBe(before);
      const counts = store.db.prepare("SELECT kind, count FROM refusal_counts ORDER BY kind").all();
      expect(counts).toEqual([{ kind: "rate_limited.webhook", count: 1 }, { kind: "webhook.webhook_signature_invalid", count: 5 }]);
    } finally {
      tmp.cleanup();
    }
  });
});
