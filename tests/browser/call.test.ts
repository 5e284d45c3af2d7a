/**
 * The built-in video call (R29) in real headless Chromium: two contexts with the fake camera and
 * microphone, the real server (no Zoom credentials, so TELE_VIDEO defaults to builtin), media
 * straight between the two pages on loopback. Proven from each pc's getStats() and a playing <video>:
 * both directions flow; the microphone off stops outbound audio; the camera off shows the other side
 * the placeholder; a reload starts a fresh negotiation that works; End session closes both.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAccessible } from "../helpers/axe.js";
import { launchBrowser, screenshotDir, type TestBrowser } from "../helpers/browser.js";
import { ROOT, startSmtp, startWorld, type E2eWorld } from "../helpers/e2e.js";
import { bookNow, callState, callStates, clientPage, expectPlaying, framesFlow, people, providerPage, stats, traceCalls, traceRelay } from "./call-helpers.js";
import { answerLocation } from "../helpers/location.js";

describe("the built-in call between two browsers", () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let w: E2eWorld;
  let tb: TestBrowser;
  let who: Awaited<ReturnType<typeof people>>;

  beforeAll(async () => {
    [smtp, tb] = await Promise.all([startSmtp(), launchBrowser({ media: true })]);
    w = await startWorld({ smtpUrl: smtp.url });
    who = await people(w, smtp, "call");
  });
  afterAll(async () => {
    await tb?.close();
    await w?.close();
    await smtp?.close();
  });

  it("both see and hear each other; mic off stops audio; camera off shows the placeholder; a reload renegotiates; End session ends both", async () => {
    const server = traceRelay(w.server.sessions.relay);
    const id = await bookNow(who.sdk, who.tina, who.dana);
    const url = `${w.server.url}/p/${w.slug}/appointments/${id}/session`;
    const dana = await tb.context();
    const tina = await tb.context();
    await Promise.all([traceCalls(dana, "dana"), traceCalls(tina, "tina")]); // a failed callState prints what each page did
    const danaPage = await clientPage(dana, w, who.dana);
    const admitted = danaPage.waitForResponse((r) => r.url().endsWith("/session/video"));
    const res = await danaPage.goto(url);
    await answerLocation(danaPage); // R27, before the waiting room
    // The built-in page is relaxed only for camera and microphone: no eval, no blob: scripts, no isolation.
    const h = res!.headers();
    expect(h["content-security-policy"]).toMatch(/script-src 'self';/);
    expect(h["content-security-policy"]).not.toMatch(/unsafe-eval|blob:|zoom/);
    expect(h["cross-origin-embedder-policy"]).toBeUndefined();
    expect(h["permissions-policy"]).toContain("camera=(self), microphone=(self)");
    const admission = await (await admitted).json();
    expect(admission).toMatchObject({ provider: "builtin", side: "client", polite: true, iceTransportPolicy: "all" });
    expect(admission.signalUrl).toBe(`/p/${w.slug}/appointments/${id}/session/signal`);
    await callState(danaPage, "alone");

    const tinaPage = await providerPage(tina, who.sdk, id);
    await callStates([danaPage, tinaPage], "connected", { server });
    const [d, t] = await Promise.all([framesFlow(danaPage), framesFlow(tinaPage)]);
    expect(d.audioPacketsReceived).toBeGreaterThan(0);
    expect(t.audioPacketsReceived).toBeGreaterThan(0);
    expect(d.local).toBe("host"); // loopback, no TURN: straight between the two browsers
    await Promise.all([expectPlaying(danaPage), expectPlaying(tinaPage)]);
    await tinaPage.locator("[data-quality]").filter({ hasText: /Connection: [1-5] of 5/ }).waitFor({ timeout: 10_000 });
    expect(Number(await tinaPage.locator("[data-quality]").getAttribute("data-level"))).toBeGreaterThanOrEqual(1);
    await expectAccessible(tinaPage, "the provider's page in a live built-in call");
    // The README's picture of a live built-in call (refreshed with TELE_SCREENSHOTS=1).
    await tinaPage.screenshot({ path: join(screenshotDir(ROOT), "session-builtin-live-desktop.png"), scale: "css", fullPage: true });

    // The microphone off: no more audio packets go out from Dana; on again: they do.
    await danaPage.getByRole("button", { name: "Turn microphone off" }).click();
    await danaPage.getByRole("button", { name: "Turn microphone on" }).waitFor();
    await danaPage.waitForTimeout(500);
    const muted = (await stats(danaPage)).audioPacketsSent;
    await danaPage.waitForTimeout(1500);
    expect((await stats(danaPage)).audioPacketsSent).toBe(muted);
    await danaPage.getByRole("button", { name: "Turn microphone on" }).click();
    await danaPage.waitForFunction(async (n) => {
      const pc = (window as unknown as { __telePc: RTCPeerConnection }).__telePc;
      const sent = [...(await pc.getStats()).values()].filter((s) => s.type === "outbound-rtp" && s.kind === "audio").reduce((a, s) => a + s.packetsSent, 0);
      return sent > n + 10;
    }, muted, { timeout: 10_000 });

    // Dana's camera off: Tina sees the placeholder; on again: the picture comes back.
    const placeholder = tinaPage.locator("[data-peer-placeholder]");
    expect(await placeholder.isVisible()).toBe(false);
    await danaPage.getByRole("button", { name: "Turn camera off" }).click();
    await placeholder.waitFor({ state: "visible", timeout: 10_000 });
    expect(await placeholder.textContent()).toContain("Dana's camera is off");
    await danaPage.getByRole("button", { name: "Turn camera on" }).click();
    await placeholder.waitFor({ state: "hidden", timeout: 10_000 });
    await framesFlow(tinaPage);

    // Audio only (either side): video stops both ways, the session records it; back on, it returns.
    await tinaPage.getByRole("button", { name: "Switch to audio only" }).click();
    await tinaPage.getByRole("button", { name: "Turn video back on" }).waitFor();
    await danaPage.locator("[data-peer-placeholder]").waitFor({ state: "visible", timeout: 10_000 });
    await expect.poll(async () => (await who.sdk.appointments.get(id)).session?.audioOnly, { timeout: 5_000 }).toBe(true);
    await tinaPage.getByRole("button", { name: "Turn video back on" }).click();
    await danaPage.locator("[data-peer-placeholder]").waitFor({ state: "hidden", timeout: 10_000 });
    await expect.poll(async () => (await who.sdk.appointments.get(id)).session?.audioOnly, { timeout: 5_000 }).toBe(false);

    // Dana reloads: a new stream, a new pc on both sides, and media flows again by itself.
    await danaPage.reload();
    await callStates([danaPage, tinaPage], "connected", { server });
    await Promise.all([framesFlow(danaPage), framesFlow(tinaPage)]);

    // End session closes the call on both sides.
    await tinaPage.getByRole("button", { name: "End session" }).click();
    await Promise.all([callState(danaPage, "ended", 10_000), callState(tinaPage, "ended", 10_000)]);
    expect((await stats(danaPage)).state).toBe("closed");
    expect((await stats(tinaPage)).state).toBe("closed");
    expect(await danaPage.locator("[data-video-stage]").isVisible()).toBe(false);
    const session = (await who.sdk.appointments.get(id)).session;
    expect(session).toMatchObject({ state: "completed", video: "builtin", audioOnly: false });
    await dana.close();
    await tina.close();
  });
});
