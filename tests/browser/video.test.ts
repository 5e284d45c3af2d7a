/**
 * The session page's video code (video.js) in real headless Chromium against the real server,
 * with the Zoom SDK module swapped for a recording stand-in at the network edge (Zoom cannot be
 * reached from here; tests/browser/session.test.ts runs the real SDK up to that edge). What is
 * checked is our side of the contract: init with this server's lib folder as an absolute URL, join
 * with the token the server signed, camera and microphone only from clicks, the other person's video
 * attached when it starts, Try again after a failed join, leave(true) from the provider's End session
 * and leave() on the client's page; on a weak connection each of the SDK's events (connection-change,
 * network-quality-change, auto-play-audio-failed, device-change) shows on the page, and audio only
 * stops the video both ways. Without Zoom credentials the page says video is not set up.
 */
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Tele } from "../../src/sdk/index.js";
import { expectAccessible } from "../helpers/axe.js";
import { launchBrowser, type TestBrowser } from "../helpers/browser.js";
import { startSmtp, startWorld, type E2eWorld } from "../helpers/e2e.js";
import { calls, FAKE_SDK, names } from "../helpers/zoom-stand-in.js";
import { answerLocation } from "../helpers/location.js";

const MIN = 60_000;
const ZOOM = { ZOOM_SDK_KEY: "fake_sdk_key", ZOOM_SDK_SECRET: "fake_sdk_secret_0123456789" };

const videoState = (page: Page, state: string) => page.locator(`[data-video-state="${state}"]`).waitFor({ state: "attached", timeout: 10_000 });

describe("video.js on the session page", () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let w: E2eWorld;
  let bare: E2eWorld;
  let tb: TestBrowser;
  let sdk: Tele;

  /** A client of `world` with a portal password. */
  async function client(world: E2eWorld, api: Tele, email: string) {
    await api.clients.add({ name: "Dana Client", email, state: "NJ" });
    await api.clients.invite(email);
    const invite = await smtp.waitFor((m) => m.to === email && m.text.includes("/invite/"));
    await api.portal.signup({ token: /\/invite\/([A-Za-z0-9_-]{43})/.exec(invite.text)![1]!, password: "dana's long password" });
  }

  async function telehealthNow(api: Tele, therapist: string, clientEmail: string) {
    const start = new Date(Math.floor((Date.now() + 5 * MIN) / 1000) * 1000).toISOString();
    return (await api.appointments.create({ therapist, client: clientEmail, start, durationMinutes: 50, allowPast: true, allowOverlap: true, telehealth: true })).id;
  }

  /** A context whose requests for the SDK module get the stand-in. */
  async function fakeZoomContext(): Promise<BrowserContext> {
    const ctx = await tb.context();
    await ctx.route("**/vendor/zoom/*/index.esm.js", (route) => route.fulfill({ status: 200, contentType: "text/javascript; charset=utf-8", body: FAKE_SDK }));
    return ctx;
  }

  async function signIn(ctx: BrowserContext, world: E2eWorld, email: string): Promise<Page> {
    const page = await ctx.newPage();
    await page.goto(`${world.server.url}/p/${world.slug}`);
    await page.getByLabel("Email address", { exact: true }).fill(email);
    await page.getByLabel("Password", { exact: true }).fill("dana's long password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${world.server.url}/p/${world.slug}/dashboard`);
    return page;
  }

  beforeAll(async () => {
    [smtp, tb] = await Promise.all([startSmtp(), launchBrowser()]);
    [w, bare] = await Promise.all([startWorld({ smtpUrl: smtp.url, serverEnv: ZOOM }), startWorld({ smtpUrl: smtp.url, serverEnv: { TELE_VIDEO: "zoom" } })]);
    sdk = new Tele({ url: w.server.url, token: w.ownerToken });
    await sdk.staff.add({ name: "Tina Therapist", email: "tina@maple.test", roles: ["therapist"] });
    await sdk.staff.enableTeletherapy("tina@maple.test");
    await client(w, sdk, "dana@client.test");
  });
  afterAll(async () => {
    await tb?.close();
    await w?.close();
    await bare?.close();
    await smtp?.close();
  });

  it("joins with the server's token, media only from clicks, attaches the other video, retries, and leave(true) ends it for the provider", async () => {
    const id = await telehealthNow(sdk, "tina@maple.test", "dana@client.test");
    const url = `${w.server.url}/p/${w.slug}/appointments/${id}/session`;

    // Dana: the first join fails (as offline), Try again joins.
    const dana = await fakeZoomContext();
    await dana.addInitScript(() => ((window as unknown as { zoomJoinFailures: number }).zoomJoinFailures = 1));
    const danaPage = await signIn(dana, w, "dana@client.test");
    const firstToken = danaPage.waitForResponse((r) => r.url().endsWith("/session/video"));
    await danaPage.goto(url);
    await answerLocation(danaPage); // R27, before the waiting room
    const served = await (await firstToken).json();
    await videoState(danaPage, "failed");
    expect(await danaPage.locator("[data-video]").getAttribute("data-video-problem")).toBe("unreachable");
    expect(await danaPage.locator("[data-video]").getAttribute("data-video-error")).toBe("connection error");
    expect(await names(danaPage)).toEqual(["createClient", "init", "join", "destroyClient"]);
    const [, language, lib, options] = (await calls(danaPage))[1]!;
    expect(language).toBe("en-US");
    expect(lib).toBe(`${w.server.url}${served.sdk.dependentAssets}`); // absolute, on this server
    expect(options).toEqual({ leaveOnPageUnload: true });
    expect((await calls(danaPage))[2]).toEqual(["join", served.sessionName, served.token, "Client"]);

    const retryToken = danaPage.waitForResponse((r) => r.url().endsWith("/session/video"));
    await danaPage.getByRole("button", { name: "Try again" }).click();
    const again = await (await retryToken).json();
    await videoState(danaPage, "joined");
    expect(await danaPage.locator("[data-video-problem-box]").isVisible()).toBe(false);
    expect((await calls(danaPage)).find((c, i) => c[0] === "join" && i > 3)).toEqual(["join", again.sessionName, again.token, "Client"]);
    // The other participant already had video on: attached in the peer tile at 360p. No camera or microphone yet.
    await danaPage.locator('[data-tile="peer"] video-player[data-user="2"]').waitFor({ state: "attached" });
    expect(await calls(danaPage)).toContainEqual(["attachVideo", 2, 2]);
    expect(await names(danaPage)).not.toContain("startVideo");
    expect(await names(danaPage)).not.toContain("startAudio");

    // Camera and microphone from the buttons.
    await danaPage.getByRole("button", { name: "Turn camera on" }).click();
    await danaPage.locator('[data-tile="self"] video-player[data-user="1"]').waitFor({ state: "attached" });
    expect(await names(danaPage)).toContain("startVideo");
    await danaPage.getByRole("button", { name: "Turn camera off" }).waitFor();
    await danaPage.getByRole("button", { name: "Turn microphone on" }).click();
    await danaPage.getByRole("button", { name: "Turn microphone off" }).click();
    await danaPage.getByRole("button", { name: "Turn microphone on" }).waitFor();
    const media = (await names(danaPage)).filter((n) => /Audio$/.test(n));
    expect(media).toEqual(["startAudio", "muteAudio"]);

    // The other side's video stops and starts: detached, then attached again.
    await danaPage.evaluate(() => (window as unknown as { zoomEmit: (e: string, p: unknown) => void }).zoomEmit("peer-video-state-change", { action: "Stop", userId: 2 }));
    await danaPage.locator('[data-tile="peer"] video-player').waitFor({ state: "detached" });
    await danaPage.evaluate(() => (window as unknown as { zoomEmit: (e: string, p: unknown) => void }).zoomEmit("peer-video-state-change", { action: "Start", userId: 2 }));
    await danaPage.locator('[data-tile="peer"] video-player[data-user="2"]').waitFor({ state: "attached" });

    // Tina joins as host; her End session ends the video for both: leave(true) on hers, leave() on Dana's.
    const tina = await fakeZoomContext();
    const tinaPage = await tina.newPage();
    const tinaToken = tinaPage.waitForResponse((r) => r.url().endsWith("/session/video"));
    await tinaPage.goto((await sdk.appointments.signInLink(id)).url);
    expect((await (await tinaToken).json()).role).toBe("host");
    await videoState(tinaPage, "joined");
    expect((await calls(tinaPage)).find((c) => c[0] === "join")![3]).toBe("Provider");
    await tinaPage.getByRole("button", { name: "End session" }).click();
    await videoState(tinaPage, "left");
    await videoState(danaPage, "left");
    expect((await calls(tinaPage)).filter((c) => c[0] === "leave")).toEqual([["leave", true]]);
    expect((await calls(danaPage)).filter((c) => c[0] === "leave")).toEqual([["leave", false]]);
    expect(await danaPage.locator("[data-video-stage]").isVisible()).toBe(false);
    await dana.close();
    await tina.close();
  });

  it("a refused camera says where to allow it; a lost connection shows what happened and Try again; presence carries on", async () => {
    const id = await telehealthNow(sdk, "tina@maple.test", "dana@client.test");
    const ctx = await fakeZoomContext();
    const page = await signIn(ctx, w, "dana@client.test");
    await page.goto(`${w.server.url}/p/${w.slug}/appointments/${id}/session`);
    await answerLocation(page); // R27, before the waiting room
    await videoState(page, "joined");
    await page.evaluate(() => ((window as unknown as { zoomCameraRefused: boolean }).zoomCameraRefused = true));
    await page.getByRole("button", { name: "Turn camera on" }).click();
    await page.waitForFunction(() => document.querySelector("[data-video-status]")?.textContent?.startsWith("Your camera could not start"));
    expect(await page.getByRole("button", { name: "Turn camera on" }).isEnabled()).toBe(true);
    await page.evaluate(() => (window as unknown as { zoomEmit: (e: string, p: unknown) => void }).zoomEmit("connection-change", { state: "Closed", reason: "network" }));
    await videoState(page, "failed");
    expect(await page.locator("[data-video-problem-box]").textContent()).toContain("The video connection was lost");
    expect(await page.getByRole("heading", { name: "Waiting for Tina Therapist" }).isVisible()).toBe(true);
    await page.getByRole("button", { name: "Try again" }).click();
    await videoState(page, "joined");
    await ctx.close();
  });

  it("on a weak connection: Reconnecting…, the quality indicator, Tap to hear, the chosen and unplugged camera, audio only, the camera-off placeholder", async () => {
    const id = await telehealthNow(sdk, "tina@maple.test", "dana@client.test");
    const ctx = await fakeZoomContext();
    const page = await signIn(ctx, w, "dana@client.test");
    await page.goto(`${w.server.url}/p/${w.slug}/appointments/${id}/session`);
    await answerLocation(page); // R27, before the waiting room
    await videoState(page, "joined");
    const emit = (event: string, payload?: unknown) =>
      page.evaluate(([e, p]) => (window as unknown as { zoomEmit: (e: string, p: unknown) => void }).zoomEmit(e as string, p), [event, payload] as const);
    const placeholder = page.locator("[data-peer-placeholder]");
    const peerVideo = page.locator('[data-tile="peer"] video-player[data-user="2"]');

    // The other camera is on (attached): no placeholder; when it stops, the placeholder says so.
    await peerVideo.waitFor({ state: "attached" });
    expect(await placeholder.isVisible()).toBe(false);
    await emit("peer-video-state-change", { action: "Stop", userId: 2 });
    await placeholder.waitFor({ state: "visible" });
    expect(await placeholder.textContent()).toBe("Tina Therapist's camera is off");
    await emit("peer-video-state-change", { action: "Start", userId: 2 });
    await placeholder.waitFor({ state: "hidden" });

    // connection-change: Reconnecting shows Reconnecting… (a status), Connected hides it; the call stays joined.
    const reconnecting = page.getByRole("status").filter({ hasText: "Reconnecting…" });
    await emit("connection-change", { state: "Reconnecting", reason: "failover" });
    await reconnecting.waitFor();
    expect(await page.locator("[data-video]").getAttribute("data-video-state")).toBe("joined");
    await emit("connection-change", { state: "Connected" });
    await page.locator("[data-reconnecting]").waitFor({ state: "hidden" });

    // network-quality-change: this person's worse direction, 0–5; other people's are not shown.
    const quality = page.locator("[data-quality]");
    expect(await quality.isVisible()).toBe(false);
    await emit("network-quality-change", { userId: 1, type: "uplink", level: 4 });
    expect(await quality.textContent()).toBe("Connection: 4 of 5");
    await emit("network-quality-change", { userId: 1, type: "downlink", level: 1 });
    await emit("network-quality-change", { userId: 2, type: "uplink", level: 0 });
    expect(await quality.textContent()).toBe("Connection: 1 of 5");
    expect(await quality.getAttribute("data-level")).toBe("1");
    expect(await page.locator("[data-video-status]").textContent()).toBe("Your connection is weak. If the picture freezes, press Switch to audio only.");
    expect(await quality.isVisible()).toBe(true);

    // auto-play-audio-failed: Tap to hear, which goes once tapped.
    const tap = page.getByRole("button", { name: "Tap to hear" });
    expect(await tap.isVisible()).toBe(false);
    await emit("auto-play-audio-failed");
    await tap.click();
    await tap.waitFor({ state: "hidden" });
    expect(await page.locator("[data-video-status]").textContent()).toBe("You can hear the call now.");

    // The device check's choice is used when the camera starts; unplugged, the call moves to the camera left.
    await page.evaluate(() => document.dispatchEvent(new CustomEvent("tele:devices-chosen", { detail: { cameraId: "cam-2", micId: "mic-1" } })));
    await page.getByRole("button", { name: "Turn camera on" }).click();
    await page.getByRole("button", { name: "Turn camera off" }).waitFor();
    expect(await calls(page)).toContainEqual(["startVideo", { cameraId: "cam-2" }]);
    await page.getByRole("button", { name: "Turn microphone on" }).click();
    await page.getByRole("button", { name: "Turn microphone off" }).waitFor();
    expect(await calls(page)).toContainEqual(["startAudio", { microphoneId: "mic-1" }]);
    await page.evaluate(() => {
      const win = window as unknown as { zoomActiveCamera: string; zoomCameras: unknown[] };
      win.zoomActiveCamera = "cam-2";
      win.zoomCameras = [{ deviceId: "cam-1", label: "Front camera" }];
    });
    await emit("device-change");
    await page.waitForFunction(() => document.querySelector("[data-video-status]")?.textContent === "Your camera was unplugged, so the call uses Front camera now.");
    expect(await calls(page)).toContainEqual(["switchCamera", "cam-1"]);

    // Audio only: the camera stops, the other video is no longer received, the sound stays; and back.
    await expectAccessible(page, "video stage with its weak-network parts", "[data-video]");
    const before = (await calls(page)).length;
    await page.getByRole("button", { name: "Switch to audio only" }).click();
    await page.getByRole("button", { name: "Turn video back on" }).waitFor();
    const during = (await calls(page)).slice(before);
    expect(during.map((c) => c[0])).toEqual(["stopVideo", "detachVideo", "detachVideo"]);
    expect(during.filter((c) => c[0] === "detachVideo").map((c) => c[1])).toEqual([1, 2]);
    await peerVideo.waitFor({ state: "detached" });
    expect(await placeholder.textContent()).toBe("Audio only: video is off to save your connection.");
    expect(await page.getByRole("button", { name: "Turn camera on" }).count()).toBe(0); // hidden while audio only
    expect(await page.getByRole("button", { name: "Turn microphone off" }).isVisible()).toBe(true);
    // Their camera stopping and starting meanwhile attaches nothing.
    await emit("peer-video-state-change", { action: "Start", userId: 2 });
    expect(await peerVideo.count()).toBe(0);
    await page.getByRole("button", { name: "Turn video back on" }).click();
    await page.getByRole("button", { name: "Switch to audio only" }).waitFor();
    await peerVideo.waitFor({ state: "attached" });
    await page.getByRole("button", { name: "Turn camera off" }).waitFor(); // it was on before, so it is on again
    expect(await names(page)).not.toContain("stopAudio");
    expect(await placeholder.isVisible()).toBe(false);

    // The connection closes: the weak-network parts go with the stage.
    await emit("connection-change", { state: "Reconnecting" });
    await emit("connection-change", { state: "Closed", reason: "network" });
    await videoState(page, "failed");
    expect(await page.locator("[data-reconnecting]").isVisible()).toBe(false);
    expect(await quality.isVisible()).toBe(false);
    await ctx.close();
  });

  it("without Zoom credentials the default is tele's own call: the page loads video-builtin.js, nothing of Zoom's, and is admitted", async () => {
    const plain = await startWorld({ smtpUrl: smtp.url });
    try {
      const api = new Tele({ url: plain.server.url, token: plain.ownerToken });
      await api.staff.add({ name: "Tina Therapist", email: "tina@plain.test", roles: ["therapist"] });
      await api.staff.enableTeletherapy("tina@plain.test");
      await client(plain, api, "dana@plain.test");
      const id = await telehealthNow(api, "tina@plain.test", "dana@plain.test");
      const ctx = await tb.context();
      const asked: string[] = [];
      ctx.on("request", (r) => asked.push(new URL(r.url()).pathname));
      const page = await signIn(ctx, plain, "dana@plain.test");
      const admitted = page.waitForResponse((r) => r.url().endsWith("/session/video"));
      const res = await page.goto(`${plain.server.url}/p/${plain.slug}/appointments/${id}/session`);
      await answerLocation(page);
      expect((await (await admitted).json()).provider).toBe("builtin");
      expect(asked.some((u) => /^\/assets\/video-builtin\.[0-9a-f]+\.js$/.test(u) || /video-builtin\.[0-9a-f]+\.js$/.test(u))).toBe(true);
      expect(asked.filter((u) => u.includes("video-zoom") || u.includes("/vendor/zoom/"))).toEqual([]);
      expect(res!.headers()["content-security-policy"]).not.toContain("unsafe-eval");
      expect(await page.locator("[data-video-problem-box]").isVisible()).toBe(false);
      await ctx.close();
    } finally {
      await plain.close();
    }
  });

  it("TELE_VIDEO=zoom without Zoom credentials: the page says video is not set up, asks for no token, and the waiting room still works", async () => {
    const api = new Tele({ url: bare.server.url, token: bare.ownerToken });
    await api.staff.add({ name: "Tina Therapist", email: "tina@bare.test", roles: ["therapist"] });
    await api.staff.enableTeletherapy("tina@bare.test");
    await client(bare, api, "dana@bare.test");
    const id = await telehealthNow(api, "tina@bare.test", "dana@bare.test");
    const ctx = await tb.context();
    const asked: string[] = [];
    ctx.on("request", (r) => { if (r.url().includes("/session/video") || r.url().includes("/vendor/zoom/")) asked.push(r.url()); });
    const page = await signIn(ctx, bare, "dana@bare.test");
    await page.goto(`${bare.server.url}/p/${bare.slug}/appointments/${id}/session`);
    await answerLocation(page);
    await page.getByRole("heading", { name: "Waiting for Tina Therapist" }).waitFor();
    await videoState(page, "not-configured");
    const box = page.locator("[data-video-problem-box]");
    expect(await box.textContent()).toContain("Video is not set up yet");
    expect(await box.textContent()).toContain("contact Maple Therapy and tell them"); // no contact set: the name alone
    expect(await page.getByRole("button", { name: "Try again" }).isVisible()).toBe(false);
    expect(asked).toEqual([]);
    // Presence still works: the provider arrives and the page moves into the session.
    const tina = await tb.context();
    await (await tina.newPage()).goto((await api.appointments.signInLink(id)).url);
    await page.getByRole("heading", { name: "You're in the session with Tina Therapist" }).waitFor({ timeout: 10_000 });
    await ctx.close();
    await tina.close();
  });
});
