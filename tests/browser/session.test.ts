/**
 * The waiting room (R17, R18) in real headless Chromium, two browser contexts against the real
 * server on loopback, mail through a real SMTP server on loopback: the client waits first, the
 * provider signs in through `tele sessions open --print` (the real binary), both pages move into
 * the session by themselves, the provider-joined email's /j/ link works once, End session ends
 * both pages, and the used links are refused afterwards. Also the device check with fake devices
 * (preview, meter, device lists, the chosen-device event) and when the camera is refused, busy or missing.
 *
 * The server has Zoom credentials, so each page asks for its video token, loads the Zoom SDK from
 * this server and runs `init`; `join` cannot reach Zoom from here, and the page says so plainly.
 * The token each page received is checked as Zoom would check it.
 */
import { createHmac } from "node:crypto";
import { join } from "node:path";
import type { BrowserContext, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Tele } from "../../src/sdk/index.js";
import { expectAccessible } from "../helpers/axe.js";
import { answerLocation } from "../helpers/location.js";
import { launchBrowser, screenshotDir, type TestBrowser } from "../helpers/browser.js";
import { startSmtp, startWorld, tele, type E2eWorld } from "../helpers/e2e.js";

const MIN = 60_000;
type Marked = { notReloaded?: boolean };
const ZOOM = { ZOOM_SDK_KEY: "browser_test_key", ZOOM_SDK_SECRET: "browser_test_secret_0123456789" };
const SHOTS = screenshotDir(join(import.meta.dirname, "..", ".."));

/** The claims of the Video SDK JWT a page received, after checking its HS256 signature with the SDK secret. */
async function tokenClaims(res: Response) {
  expect(res.status()).toBe(200);
  const body = await res.json();
  const [head, payload, sig] = (body.token as string).split(".");
  expect(sig).toBe(createHmac("sha256", ZOOM.ZOOM_SDK_SECRET).update(`${head}.${payload}`).digest("base64url"));
  return { body, claims: JSON.parse(Buffer.from(payload!, "base64url").toString()) };
}
const videoResponse = (page: Page) => page.waitForResponse((r) => r.url().endsWith("/session/video") && r.request().method() === "POST");

/** Waits until the page's video panel reaches `state`, and returns what it says. */
async function videoSettles(page: Page, state: string) {
  await page.locator(`[data-video-state="${state}"]`).waitFor({ state: "attached", timeout: 20_000 });
  return page.locator("[data-video]");
}

describe("session page (waiting room) in Chromium", () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let w: E2eWorld;
  let tb: TestBrowser;
  let media: TestBrowser;
  let sdk: Tele;
  let base: string;
  let tinaEnv: Record<string, string>;
  let aptId = "";
  const sessionUrl = () => `${base}/p/${w.slug}/appointments/${aptId}/session`;

  /** Signs Dana in through the portal's form in `ctx`. */
  async function signInDana(ctx: BrowserContext): Promise<Page> {
    const page = await ctx.newPage();
    await page.goto(`${base}/p/${w.slug}`);
    await page.getByLabel("Email address", { exact: true }).fill("dana@client.test");
    await page.getByLabel("Password", { exact: true }).fill("dana's long password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${base}/p/${w.slug}/dashboard`);
    return page;
  }

  beforeAll(async () => {
    [smtp, tb, media] = await Promise.all([startSmtp(), launchBrowser(), launchBrowser({ media: true })]);
    w = await startWorld({ smtpUrl: smtp.url, serverEnv: ZOOM, initArgs: ["--contact", "(555) 010-0123"] });
    base = w.server.url;
    sdk = new Tele({ url: base, token: w.ownerToken });
    await sdk.staff.add({ name: "Tina Therapist", email: "tina@maple.test", roles: ["therapist"] });
    await sdk.staff.enableTeletherapy("tina@maple.test");
    await sdk.clients.add({ name: "Dana Client", email: "dana@client.test", state: "NJ" });
    await sdk.clients.invite("dana@client.test");
    const invite = await smtp.waitFor((m) => m.to === "dana@client.test" && m.text.includes("/invite/"));
    await sdk.portal.signup({ token: /\/invite\/([A-Za-z0-9_-]{43})/.exec(invite.text)![1]!, password: "dana's long password" });
    const start = new Date(Math.floor((Date.now() + 5 * MIN) / 1000) * 1000).toISOString();
    aptId = (await sdk.appointments.create({ therapist: "tina@maple.test", client: "dana@client.test", start, durationMinutes: 50, allowPast: true, allowOverlap: true, telehealth: true })).id;
    const token = await tele(["staff", "token", "tina@maple.test", "--json"], w.env);
    expect(token.code, token.stderr).toBe(0);
    tinaEnv = { TELE_CONFIG_DIR: w.configDir, TELE_URL: base, TELE_TOKEN: token.json<{ token: string }>().token };
  });
  afterAll(async () => {
    await tb?.close();
    await media?.close();
    await w?.close();
    await smtp?.close();
  });

  it("the device check: preview, microphone meter, device lists, a chosen device is announced, and the call takes the devices (360 px, axe)", async () => {
    const ctx = await media.context({ phone: true });
    await ctx.grantPermissions(["camera", "microphone"], { origin: base });
    const page = await signInDana(ctx);
    await page.goto(sessionUrl());
    await answerLocation(page); // R27, before the waiting room
    await expectAccessible(page, "device check before it runs", "[data-device-check]");
    await page.getByRole("button", { name: "Check camera and microphone" }).click();
    // The fake camera plays in the preview; the fake microphone's beep moves the meter.
    await page.waitForFunction(() => (document.querySelector("video[data-preview]") as HTMLVideoElement | null)?.videoWidth ?? 0 > 0, undefined, { timeout: 10_000 });
    expect(await page.locator("video[data-preview]").evaluate((v: HTMLVideoElement) => v.muted && v.playsInline && !v.paused)).toBe(true);
    const meter = page.getByRole("meter", { name: "Microphone level" });
    await page.waitForFunction(() => Number((document.querySelector("[data-mic-meter]") as HTMLMeterElement).value) > 0, undefined, { timeout: 10_000 });
    await page.getByRole("status").filter({ hasText: "Your camera and microphone work." }).waitFor({ timeout: 10_000 });
    expect(await meter.getAttribute("aria-valuetext")).toMatch(/Sound heard|Quiet/);
    // The browser names the devices once allowed: both lists are filled and labelled.
    const cameras = page.getByLabel("Camera", { exact: true });
    const mics = page.getByLabel("Microphone", { exact: true });
    expect(await cameras.locator("option").count()).toBeGreaterThan(0);
    expect(await mics.locator("option").count()).toBeGreaterThan(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await expectAccessible(page, "device check working", "[data-device-check]");
    await page.locator("[data-device-check]").screenshot({ path: join(SHOTS, "session-device-check-phone.png") });

    // Choosing a microphone tells the video script (tele:devices-chosen), and the preview follows it.
    await page.evaluate(() => document.addEventListener("tele:devices-chosen", (e) => ((window as unknown as { chosen: unknown }).chosen = (e as CustomEvent).detail)));
    const values = await mics.locator("option").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    const pick = values[values.length - 1]!;
    await mics.selectOption(pick);
    expect(await page.evaluate(() => (window as unknown as { chosen: unknown }).chosen)).toEqual({ cameraId: await cameras.inputValue(), micId: pick });
    await page.waitForFunction((id) => {
      const s = (document.querySelector("video[data-preview]") as HTMLVideoElement).srcObject as MediaStream | null;
      return s?.getAudioTracks()[0]?.getSettings().deviceId === id && s.getAudioTracks()[0]!.readyState === "live";
    }, pick, { timeout: 10_000 });

    // The call asks for the camera: every preview track is stopped and the preview goes.
    const tracks = await page.evaluate(() => {
      const s = (document.querySelector("video[data-preview]") as HTMLVideoElement).srcObject as MediaStream;
      (window as unknown as { held: MediaStreamTrack[] }).held = s.getTracks();
      document.dispatchEvent(new CustomEvent("tele:camera-release"));
      return s.getTracks().length;
    });
    expect(tracks).toBe(2);
    expect(await page.evaluate(() => (window as unknown as { held: MediaStreamTrack[] }).held.map((t) => t.readyState))).toEqual(["ended", "ended"]);
    expect(await page.locator("video[data-preview]").isVisible()).toBe(false);
    expect(await page.locator("[data-camera-result]").textContent()).toBe("The video call is using your camera and microphone now.");
    await ctx.close();
  });

  it("the device check when the camera is refused: plain words and the steps for the browser in use (axe)", async () => {
    // A real refusal: this Chromium asks, and the context allows only the microphone.
    const asking = await launchBrowser({ media: true, ask: true });
    try {
      const ctx = await asking.context();
      await ctx.grantPermissions(["microphone"], { origin: base });
      const page = await signInDana(ctx);
      await page.goto(sessionUrl());
      await answerLocation(page); // R27, before the waiting room
    await answerLocation(page); // R27, before the waiting room
      await page.getByRole("button", { name: "Check camera and microphone" }).click();
      const help = page.locator("[data-camera-help]");
      await help.waitFor();
      expect(await page.locator("[data-device-check]").getAttribute("data-device-problem")).toBe("refused");
      expect(await page.locator("[data-camera-result]").textContent()).toContain("Your browser did not allow the camera and microphone");
      expect(await help.getByRole("heading").textContent()).toBe("Your browser is not letting this page use the camera or microphone");
      // Headless Chromium on Linux: the desktop Chrome/Edge steps, and no one else's.
      expect(await help.locator('[data-browser="chrome"]').isVisible()).toBe(true);
      expect(await help.locator('[data-browser="chrome"]').textContent()).toContain("Site settings");
      expect(await help.locator("[data-browser]:visible").count()).toBe(1);
      expect(await page.locator("video[data-preview]").isVisible()).toBe(false);
      await expectAccessible(page, "device check refused", "[data-device-check]");
      await ctx.close();

      // The same refusal on an iPhone gets Safari's steps.
      const phone = await asking.browser.newContext({
        viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true,
        userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
      });
      const iphone = await signInDana(phone);
      await iphone.goto(sessionUrl());
      await answerLocation(iphone); // R27, before the waiting room
    await answerLocation(iphone); // R27, before the waiting room
      await iphone.getByRole("button", { name: "Check camera and microphone" }).click();
      await iphone.locator('[data-camera-help] [data-browser="ios-safari"]').waitFor();
      expect(await iphone.locator('[data-camera-help] [data-browser="ios-safari"]').textContent()).toContain("Website Settings");
      expect(await iphone.locator('[data-problem="refused"]').isVisible()).toBe(true);
      expect(await iphone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      await phone.close();
    } finally {
      await asking.close();
    }
  }, 90_000);

  it("the device check when there is no camera, or another app holds it: plain words for each (axe)", async () => {
    // No camera at all (this browser has no fake devices): the plain words for that.
    const bare = await tb.context();
    const none = await signInDana(bare);
    await none.goto(sessionUrl());
    await answerLocation(none); // R27, before the waiting room
    await none.getByRole("button", { name: "Check camera and microphone" }).click();
    await none.getByRole("heading", { name: "We could not find a camera or microphone" }).waitFor();
    expect(await none.locator("[data-device-check]").getAttribute("data-device-problem")).toBe("missing");
    // Another app holds the camera (Chrome's NotReadableError): that is said, and the other help goes.
    await none.evaluate(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("Could not start video source", "NotReadableError"));
    });
    await none.getByRole("button", { name: "Check camera and microphone" }).click();
    await none.getByRole("heading", { name: "Another app is using your camera or microphone" }).waitFor();
    expect(await none.locator('[data-problem="missing"]').isVisible()).toBe(false);
    expect(await none.locator("[data-camera-result]").textContent()).toContain("Another app may be using it");
    await expectAccessible(none, "device check busy", "[data-device-check]");
    await bare.close();
  });

  it("client waits → provider joins → both move into the session without a reload → join link once → End session ends both", async () => {
    const dana = await tb.context();
    const danaPage = await signInDana(dana);
    const cspErrors: string[] = [];
    const offServer: string[] = [];
    dana.on("request", (r) => { if (!r.url().startsWith(base) && !r.url().startsWith("blob:") && !r.url().startsWith("data:")) offServer.push(r.url()); });
    danaPage.on("console", (m) => { if (m.text().includes("Content Security Policy")) cspErrors.push(m.text()); });
    const danaToken = videoResponse(danaPage);
    const res = await danaPage.goto(sessionUrl());
    await answerLocation(danaPage); // R27, before the waiting room
    expect(res!.headers()["permissions-policy"]).toContain("camera=(self), microphone=(self)");
    const dashboardHeaders = (await danaPage.request.get(`${base}/p/${w.slug}/dashboard`)).headers();
    expect(dashboardHeaders["permissions-policy"]).toContain("camera=()"); // only the session page may ask
    await danaPage.getByRole("heading", { name: "Waiting for Tina Therapist" }).waitFor();
    expect(await danaPage.locator("main .card").textContent()).toMatch(/When:.*\d\d:\d\d–\d\d:\d\d E[SD]T.*America\/New_York/);
    expect(await danaPage.getByRole("button", { name: "End session" }).count()).toBe(0);
    await danaPage.evaluate(() => ((window as unknown as Marked).notReloaded = true));

    // Dana's page asked for her token (participant, role 0), ran init from this server's SDK files,
    // and, with Zoom out of reach, says so with what to try and whom to contact, in seconds.
    const forDana = await tokenClaims(await danaToken);
    expect(forDana.body).toMatchObject({ role: "participant", userName: "Client" });
    expect(forDana.claims).toMatchObject({ app_key: ZOOM.ZOOM_SDK_KEY, tpc: forDana.body.sessionName, role_type: 0, version: 1 });
    const danaVideo = await videoSettles(danaPage, "failed");
    expect(await danaVideo.getAttribute("data-video-problem")).toBe("unreachable");
    const problem = danaPage.locator("[data-video-problem-box]");
    expect(await problem.isVisible()).toBe(true);
    expect(await problem.textContent()).toContain("We could not connect to the video service (Zoom)");
    expect(await problem.textContent()).toContain("If it keeps failing, contact Maple Therapy at (555) 010-0123");
    expect(await danaPage.getByRole("button", { name: "Try again" }).isVisible()).toBe(true);
    expect(await danaPage.getByRole("list", { name: "Who is here" }).textContent()).toMatch(/Tina Therapist \(therapist\): not here/);
    await danaPage.screenshot({ path: join(SHOTS, "session-waiting-desktop.png"), fullPage: true });

    const mailsBefore = smtp.received.length;
    const r = await tele(["sessions", "open", aptId, "--print"], tinaEnv);
    expect(r.code, r.stderr).toBe(0);
    const signInLink = r.stdout.trim();
    expect(signInLink).toMatch(/\/s\/[A-Za-z0-9_-]{43}\?a=/);
    const tina = await tb.context();
    const tinaPage = await tina.newPage();
    const tinaToken = videoResponse(tinaPage);
    await tinaPage.goto(signInLink);
    expect(tinaPage.url()).toBe(sessionUrl());
    await tinaPage.evaluate(() => ((window as unknown as Marked).notReloaded = true));

    // The provider's stream makes the session live: both pages change by themselves.
    await danaPage.getByRole("heading", { name: "You're in the session with Tina Therapist" }).waitFor({ timeout: 10_000 });
    expect(await danaPage.getByRole("heading", { name: "Waiting for Tina Therapist" }).isVisible()).toBe(false);
    expect(await danaPage.evaluate(() => (window as unknown as Marked).notReloaded)).toBe(true);
    await tinaPage.getByRole("heading", { name: "You're in the session with Dana" }).waitFor({ timeout: 10_000 });
    expect(await tinaPage.evaluate(() => (window as unknown as Marked).notReloaded)).toBe(true);
    await danaPage.waitForFunction(() => document.getElementById("session-status")?.textContent === "You're in the session with Tina Therapist");
    // Who is here follows the stream: Dana's page now shows Tina here, without a reload.
    await danaPage.locator('[data-side="provider"][data-here="yes"]').waitFor({ timeout: 10_000 });

    // Tina's token: host (role 1) for the same session name; the role came from who is signed in.
    const forTina = await tokenClaims(await tinaToken);
    expect(forTina.body).toMatchObject({ role: "host", userName: "Provider", sessionName: forDana.body.sessionName });
    expect(forTina.claims).toMatchObject({ app_key: ZOOM.ZOOM_SDK_KEY, tpc: forDana.body.sessionName, role_type: 1, version: 1 });
    expect(await (await videoSettles(tinaPage, "failed")).getAttribute("data-video-problem")).toBe("unreachable");
    expect(await tinaPage.locator("[data-video-problem-box]").textContent()).toContain("check its Zoom settings");
    await tinaPage.screenshot({ path: join(SHOTS, "session-live-desktop.png"), fullPage: true });

    // The provider-joined email: its /j/ link works once in Dana's context.
    const mail = await smtp.waitFor((m) => smtp.received.indexOf(m) >= mailsBefore && m.to === "dana@client.test" && m.text.includes("/j/"));
    const joinLink = /(http:\/\/\S+\/j\/[A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
    const joinPage = await dana.newPage();
    await joinPage.goto(joinLink);
    expect(joinPage.url()).toBe(sessionUrl());
    await joinPage.getByRole("heading", { name: "You're in the session with Tina Therapist" }).waitFor();
    const again = await joinPage.goto(joinLink);
    expect(again!.status()).toBe(410);
    expect(await joinPage.getByRole("heading").first().textContent()).toBe("This join link does not work");

    // End session: fetch with the CSRF header, the provider stays on the page.
    await tinaPage.getByRole("button", { name: "End session" }).click();
    await tinaPage.getByRole("heading", { name: "This session has ended" }).waitFor({ timeout: 10_000 });
    await danaPage.getByRole("heading", { name: "This session has ended" }).waitFor({ timeout: 10_000 });
    expect(await tinaPage.evaluate(() => (window as unknown as Marked).notReloaded)).toBe(true);
    expect(await danaPage.evaluate(() => (window as unknown as Marked).notReloaded)).toBe(true);
    expect(await danaPage.getByRole("heading", { name: "You're in the session with Tina Therapist" }).isVisible()).toBe(false);
    // The ended view gives the actual times in the practice's zone; nobody is listed as here.
    expect(await danaPage.locator("[data-ended-times]").textContent()).toMatch(/^Started \d\d:\d\d, ended \d\d:\d\d \(\d+ min\)\.$/);
    expect(await danaPage.locator('[data-side][data-here="yes"]').count()).toBe(0);
    await videoSettles(danaPage, "left");
    expect(await danaPage.locator("[data-video-problem-box]").isVisible()).toBe(false);
    expect(cspErrors).toEqual([]);
    // The SDK's files came from this server; all that left it were join's attempts to reach Zoom's API.
    expect(offServer.length).toBeGreaterThan(0);
    expect(offServer.filter((u) => !u.startsWith("https://zoom.us/wc/"))).toEqual([]);
    await danaPage.setViewportSize({ width: 360, height: 740 });
    expect(await danaPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await danaPage.screenshot({ path: join(SHOTS, "session-ended-phone.png"), fullPage: true });

    // Afterwards the used links are refused.
    const check = await (await tb.context()).newPage();
    expect((await check.goto(signInLink))!.status()).toBe(410);
    expect(await check.getByRole("heading").first().textContent()).toBe("This sign-in link does not work");
    expect((await joinPage.goto(joinLink))!.status()).toBe(410);
    await dana.close();
    await tina.close();
  });
});
