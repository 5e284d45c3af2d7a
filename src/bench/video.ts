/**
 * The built-in call's figures (R29), on the real server in this process and real headless Chromium:
 *   - the session page's weight before video: its HTML, stylesheet and scripts, gzipped (what a phone
 *     downloads before the call starts), beside the staff sign-in page's;
 *   - from both present (the client's page turns live) to the first remote frame on the client's
 *     page, median of 5, beside two RTCPeerConnections in one page connected directly (no server).
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium, type Browser, type Page } from "playwright-core";
import { readServerConfig } from "../server/config.js";
import { startServer } from "../server/main.js";
import { Tele } from "../sdk/index.js";
import { tempDir } from "./harness.js";
import { median, type Figure } from "./stats.js";

const CHROMIUM = process.env.TELE_CHROMIUM ?? "/usr/bin/chromium";
const PASSWORD = "bench client password";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"];

/** Gzipped bytes of a page's HTML and the same-origin scripts and stylesheets it names, in KB. */
async function pageWeight(page: Page, url: string): Promise<number> {
  const res = await page.goto(url);
  const html = await res!.text();
  const assets = await page.evaluate(() => {
    const doc = (globalThis as any).document; // in the page (the server's tsconfig has no DOM types)
    return [...doc.querySelectorAll("script[src]")].map((s: any) => s.src as string)
      .concat([...doc.querySelectorAll('link[rel="stylesheet"]')].map((l: any) => l.href as string));
  });
  let bytes = gzipSync(html).length;
  for (const a of assets) bytes += gzipSync(Buffer.from(await (await page.request.get(a)).body())).length;
  return bytes / 1024;
}

/** Two pcs in one page with the fake camera, connected directly: start to first decoded frame, ms. */
function directCall(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const g = globalThis as any; // in the page
    const t0 = performance.now();
    const media = await g.navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    const a = new g.RTCPeerConnection();
    const b = new g.RTCPeerConnection();
    a.onicecandidate = (e: any) => void (e.candidate && b.addIceCandidate(e.candidate));
    b.onicecandidate = (e: any) => void (e.candidate && a.addIceCandidate(e.candidate));
    const video = g.document.createElement("video");
    video.muted = true;
    const frame = new Promise<number>((r) => video.addEventListener("loadeddata", () => r(performance.now()), { once: true }));
    b.ontrack = (e: any) => { video.srcObject = e.streams[0]; void video.play(); };
    media.getTracks().forEach((t: any) => a.addTrack(t, media));
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription);
    const at = await frame;
    a.close();
    b.close();
    media.getTracks().forEach((t: any) => t.stop());
    return at - t0;
  });
}

const SETUP = "bench-setup-token-0123456789";

export async function videoFigures(runs = 5): Promise<Figure[]> {
  const dataDir = tempDir("video");
  const server = await startServer(readServerConfig({ port: 0, dataDir }, { TELE_LOG_LEVEL: "warn", TELE_SETUP_TOKEN: SETUP }), { logger: false });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  try {
    return await measure(server.url, dataDir, browser, runs);
  } finally {
    await browser.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function measure(url: string, dataDir: string, browser: Browser, runs: number): Promise<Figure[]> {
  const init = await new Tele({ url }).practices.create({
    name: "Bench Practice", state: "NY", timeZone: "America/New_York", ownerName: "Bench Owner", ownerEmail: "owner@bench.example",
  }, SETUP);
  const sdk = new Tele({ url, token: init.token });
  const slug = init.practice.slug;
  const therapistEmail = "tess@bench.example";
  const clientEmail = "dana@bench.example";
  await sdk.staff.add({ name: "Tess Therapist", email: therapistEmail, roles: ["therapist"] });
  await sdk.staff.enableTeletherapy(therapistEmail);
  await sdk.clients.add({ name: "Dana Client", email: clientEmail, state: "NJ" });
  await sdk.clients.invite(clientEmail);
  let token = "";
  for (let i = 0; !token; i++) {
    try {
      token = inviteToken(dataDir, clientEmail);
    } catch (err) {
      if (i > 100) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await sdk.portal.signup({ token, password: PASSWORD });
  const server = { url };
  const start = new Date(Math.floor((Date.now() + 5 * 60_000) / 1000) * 1000).toISOString();
  const id = (await sdk.appointments.create({ therapist: therapistEmail, client: clientEmail, start, durationMinutes: 50, allowPast: true, allowOverlap: true, telehealth: true })).id;
  const sessionUrl = `${url}/p/${slug}/appointments/${id}/session`;

  const dana = await browser.newContext();
  const page = await dana.newPage();
  const signInWeight = await pageWeight(page, `${server.url}/p/${slug}`);
  await page.getByLabel("Email address", { exact: true }).fill(clientEmail);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${server.url}/p/${slug}/dashboard`);
  const sessionWeight = await pageWeight(page, sessionUrl);

  const frames: number[] = [];
  const direct: number[] = [];
  for (let i = 0; i < runs; i++) {
    direct.push(await directCall(page));
    await page.goto(sessionUrl);
    await page.locator('[data-video][data-call="alone"]').waitFor({ timeout: 20_000 });
    await page.evaluate(() => {
      const w = globalThis as any; // in the page
      const room = w.document.querySelector("[data-session-events]");
      new w.MutationObserver(() => { if (room.getAttribute("data-state") === "live") w.benchLive ??= performance.now(); })
        .observe(room, { attributes: true, attributeFilter: ["data-state"] });
      const v = w.document.querySelector("video[data-peer-video]");
      const seen = () => { if (v.videoWidth > 0) w.benchFrame ??= performance.now(); };
      v.addEventListener("loadeddata", seen);
      v.addEventListener("resize", seen);
    });
    const tina = await browser.newContext();
    await (await tina.newPage()).goto((await sdk.appointments.signInLink(id)).url);
    await page.waitForFunction(() => (globalThis as any).benchFrame !== undefined, undefined, { timeout: 20_000 });
    frames.push(await page.evaluate(() => (globalThis as any).benchFrame - (globalThis as any).benchLive));
    await tina.close();
  }
  await dana.close();
  return [
    { name: "session page before video (HTML+CSS+JS, gzip, built-in)", ms: sessionWeight, baselineName: "client sign-in page", baselineMs: signInWeight, targetMs: 60, runs: 1, unit: "KB" },
    { name: "both present → first remote frame (built-in, loopback)", ms: median(frames), baselineName: "two pcs in one page, direct", baselineMs: median(direct), targetMs: 2000, runs },
  ];
}

/** The first invite link in the mail the server wrote to its data dir (no SMTP in the bench). */
export function inviteToken(dataDir: string, email: string): string {
  const dir = join(dataDir, "mail");
  for (const f of readdirSync(dir)) {
    const text = readFileSync(join(dir, f), "utf8").replace(/=\r?\n/g, "");
    if (text.includes(email)) {
      const m = /\/invite\/([A-Za-z0-9_-]{43})/.exec(text);
      if (m) return m[1]!;
    }
  }
  throw new Error(`no invite for ${email} in ${dir}`);
}
