/**
 * The Zoom Video SDK in real headless Chromium, loaded from this server only: `init` against the
 * served `lib` folder, the camera and microphone check, and what `join` does when Zoom cannot be
 * reached. The page is served with the session page's headers (ZOOM_SESSION_PAGE_HEADERS) plus a
 * report-uri, so any CSP violation, from the page or the SDK's workers, is reported back here.
 */
import type { AddressInfo } from "node:net";
import Fastify, { type FastifyInstance } from "fastify";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerVideoAssets } from "../../src/server/video/assets.js";
import { ZOOM_SESSION_PAGE_HEADERS, ZoomVideoProvider } from "../../src/server/video/zoom.js";
import { launchBrowser, type TestBrowser } from "../helpers/browser.js";

/** The site's strict page headers, as every other page gets them (src/server/web/security.ts). */
const SITE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const SITE_PERMISSIONS = "camera=(), microphone=(), geolocation=()";

const zoom = new ZoomVideoProvider({ sdkKey: "test-key", sdkSecret: "test-secret" });
const config = zoom.clientConfig();

/** The page's module: init, then optionally the device check or a join; the outcome lands in window.probe. */
const PROBE = `
import ZoomVideo from ${JSON.stringify(config.sdkModule)};
const cfg = ${JSON.stringify(config)};
const q = new URLSearchParams(location.search);
const withTimeout = (p, ms, what) => Promise.race([p, new Promise((_, rej) => setTimeout(() => rej({ reason: what + " timed out" }), ms))]);
const describe = (e) => (e && e.message) || JSON.stringify(e);
window.probe = (async () => {
  const out = { isolated: window.crossOriginIsolated };
  const client = ZoomVideo.createClient();
  const t0 = performance.now();
  try {
    const value = await withTimeout(client.init(cfg.language, new URL(cfg.dependentAssets, location.href).href, cfg.initOptions), 15000, "init");
    out.init = { ok: true, value, ms: Math.round(performance.now() - t0) };
  } catch (e) { out.init = { ok: false, error: describe(e) }; return out; }
  if (q.has("devices")) {
    const video = document.createElement("video");
    video.muted = true; video.playsInline = true; document.body.append(video);
    try {
      const track = ZoomVideo.createLocalVideoTrack();
      await track.start(video);
      await new Promise((r) => setTimeout(r, 1000));
      out.camera = { ok: true, width: video.videoWidth, height: video.videoHeight };
      await track.stop();
    } catch (e) { out.camera = { ok: false, error: describe(e) }; }
    try {
      const mic = ZoomVideo.createLocalAudioTrack();
      await mic.start();
      out.microphone = { ok: true, volume: typeof mic.getCurrentVolume() };
      await mic.stop();
    } catch (e) { out.microphone = { ok: false, error: describe(e) }; }
  }
  if (q.has("token")) {
    const t1 = performance.now();
    try { await withTimeout(client.join(q.get("topic"), q.get("token"), "Test participant"), 15000, "join"); out.join = { ok: true }; }
    catch (e) { out.join = { ok: false, type: e && e.type, reason: e && e.reason, ms: Math.round(performance.now() - t1) }; }
  }
  return out;
})();
`;

let server: FastifyInstance;
let base: string;
let chrome: TestBrowser;
let reports: Record<string, unknown>[] = [];

beforeAll(async () => {
  server = Fastify();
  registerVideoAssets(server);
  server.addContentTypeParser(["application/csp-report", "application/reports+json"], { parseAs: "string" }, (_r, body, done) => done(null, body));
  server.post("/csp-report", async (req) => {
    const body = JSON.parse(req.body as string);
    reports.push(body["csp-report"] ?? body);
    return {};
  });
  server.get("/session", async (req, reply) => {
    const site = (req.query as Record<string, string>).headers === "site";
    const csp = site ? SITE_CSP : ZOOM_SESSION_PAGE_HEADERS["content-security-policy"];
    if (!site) for (const [k, v] of Object.entries(ZOOM_SESSION_PAGE_HEADERS)) reply.header(k, v);
    else reply.header("permissions-policy", SITE_PERMISSIONS).header("cross-origin-opener-policy", "same-origin");
    reply.header("content-security-policy", `${csp}; report-uri /csp-report`);
    return reply.type("text/html; charset=utf-8").send(`<!doctype html><html lang="en"><title>session</title><script type="module" src="/probe.js"></script></html>`);
  });
  server.get("/probe.js", async (_req, reply) => reply.type("text/javascript; charset=utf-8").send(PROBE));
  server.get("/favicon.ico", async (_req, reply) => reply.code(204).send());
  await server.listen({ host: "127.0.0.1", port: 0 });
  base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  chrome = await launchBrowser({ media: true });
});

afterAll(async () => {
  await chrome?.close();
  await server?.close();
});

interface ProbeResult {
  isolated: boolean;
  init: { ok: boolean; value?: unknown; error?: string; ms?: number };
  camera?: { ok: boolean; width?: number; height?: number; error?: string };
  microphone?: { ok: boolean; error?: string };
  join?: { ok: boolean; type?: string; reason?: string; ms: number };
}

/** Opens the session page in a fresh context; returns the probe's result, every request and every worker. */
async function open(query: string, setup?: (ctx: BrowserContext) => Promise<void>) {
  reports = [];
  const ctx = await chrome.context();
  await setup?.(ctx);
  const requests: string[] = [];
  const workers: string[] = [];
  ctx.on("request", (r) => requests.push(r.url()));
  try {
    const page = await ctx.newPage();
    page.on("worker", (w) => workers.push(w.url()));
    await page.goto(`${base}/session?${query}`);
    const result = (await page.evaluate(() => (window as unknown as { probe: Promise<unknown> }).probe)) as ProbeResult;
    await page.waitForTimeout(500); // CSP reports are sent asynchronously
    return { result, requests, workers };
  } finally {
    await ctx.close();
  }
}

const offServer = (urls: string[]) => urls.filter((u) => !u.startsWith(`${base}/`) && !u.startsWith("blob:"));

describe("the Zoom Video SDK in Chromium", () => {
  it("init resolves from this server's files alone, under the session page's CSP, with no violation", async () => {
    const { result, requests, workers } = await open("");
    expect(result.init).toMatchObject({ ok: true, value: "" });
    expect(result.isolated).toBe(true);
    expect(requests).toContain(`${base}${config.sdkModule}`);
    expect(requests).toContain(`${base}${config.dependentAssets}/js_media.min.js`);
    expect(offServer(requests)).toEqual([]);
    expect(workers.some((w) => w.startsWith("blob:"))).toBe(true);
    expect(reports).toEqual([]);
  });

  it("under the site-wide CSP, init's blob: worker is refused: worker-src blob: is needed", async () => {
    const { result } = await open("headers=site");
    expect(result.init.ok).toBe(true); // init itself resolves; the media worker it needs does not start
    expect(reports).toContainEqual(expect.objectContaining({ "effective-directive": "worker-src", "blocked-uri": "blob" }));
  });

  it("the camera and microphone check works with camera=(self) microphone=(self), and not under the site-wide policy", async () => {
    const ok = await open("devices");
    expect(ok.result.camera).toMatchObject({ ok: true, width: expect.any(Number) });
    expect(ok.result.camera!.width).toBeGreaterThan(0);
    expect(ok.result.microphone).toEqual({ ok: true, volume: "number" });
    expect(offServer(ok.requests)).toEqual([]);
    expect(reports).toEqual([]);
    const denied = await open("devices&headers=site");
    expect(denied.result.camera).toEqual({ ok: false, error: "Permission denied" });
    expect(denied.result.microphone).toEqual({ ok: false, error: "Permission denied" });
  });

  it("when Zoom cannot be reached, join fails within seconds (the page can say so) and the CSP allowed the attempt", async () => {
    const topic = zoom.sessionName("apt_browser_test", "test-secret");
    const token = zoom.participantToken({ sessionName: topic, role: "participant", userKey: "cli_browser", issuedAt: Date.now(), expiresAt: Date.now() + 3600_000 });
    const { result, requests } = await open(`topic=${topic}&token=${encodeURIComponent(token)}`, async (ctx) => {
      await ctx.route(/^(https|wss):\/\//, (route) => route.abort("internetdisconnected"));
    });
    expect(result.init.ok).toBe(true);
    expect(result.join).toMatchObject({ ok: false, type: "JOIN_MEETING_FAILED", reason: "connection error" });
    expect(result.join!.ms).toBeLessThan(10_000);
    expect(offServer(requests)).toEqual(["https://zoom.us/wc/lsdk"]);
    expect(reports).toEqual([]);
  });
});
