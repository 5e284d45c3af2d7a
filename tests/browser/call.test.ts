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
import type { Route } from "playwright-core";
import { bookNow, callState, callStates, callTrace, clientPage, expectPlaying, framesFlow, people, providerPage, stats, traceCalls, traceRelay } from "./call-helpers.js";
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

  /** Dana waits in the session, then Tina joins with her signals going through `signals` (page.route). */
  async function meet(signals: (offer: boolean, route: Route) => Promise<void>) {
    const id = await bookNow(who.sdk, who.tina, who.dana);
    const [dana, tina] = [await tb.context(), await tb.context()];
    await Promise.all([traceCalls(dana, "dana"), traceCalls(tina, "tina")]);
    await tina.route("**/session/signal", (route) => {
      const msg = route.request().postDataJSON()?.msg;
      return signals(msg?.type === "description" && msg.description.type === "offer", route);
    });
    const danaPage = await clientPage(dana, w, who.dana, `${w.server.url}/p/${w.slug}/appointments/${id}/session`);
    await callState(danaPage, "alone");
    const tinaPage = await providerPage(tina, who.sdk, id);
    return { danaPage, tinaPage, close: () => Promise.all([dana.close(), tina.close()]) };
  }

  it("a fresh pair starts with the provider's offer only: the client does not offer while that offer is on its way", async () => {
    // Tina's offer takes 1.5 s to reach the server; her media-state message gets there at once. The
    // client (polite) used to add its tracks on that message, offer too, and roll its offer back
    // when Tina's came: the collision after which Chromium's pc sometimes never gathered a candidate.
    const { danaPage, tinaPage, close } = await meet(async (offer, route) => {
      if (offer) await new Promise((ok) => setTimeout(ok, 1_500));
      await route.continue();
    });
    await callStates([danaPage, tinaPage], "connected");
    await Promise.all([framesFlow(danaPage), framesFlow(tinaPage)]);
    const [d, t] = [await callTrace(danaPage), await callTrace(tinaPage)];
    expect(d.filter((l) => / pc\d+ signaling /.test(l))[0]).toMatch(/signaling have-remote-offer$/);
    expect(d.filter((l) => /have-local-offer|POST .* description\/offer/.test(l))).toEqual([]);
    expect(t.filter((l) => /rtc signal .* description\/offer/.test(l))).toEqual([]);
    await close();
  });

  it("a fresh pair whose first offer is lost starts afresh by itself and connects", async () => {
    // The server refuses Tina's first offer (as it does for a stale stream): she waits for an answer that never comes.
    let refused = 0;
    const { danaPage, tinaPage, close } = await meet(async (offer, route) => {
      if (offer && refused++ === 0) return route.fulfill({ status: 409, contentType: "application/problem+json", body: '{"code":"peer_absent"}' });
      await route.continue();
    });
    await callStates([danaPage, tinaPage], "connected", { timeout: 25_000 });
    await Promise.all([framesFlow(danaPage), framesFlow(tinaPage)]);
    expect(refused).toBeGreaterThanOrEqual(2);
    const t = await callTrace(tinaPage);
    expect(t.some((l) => / pc2 made$/.test(l))).toBe(true); // a new pc, not the first one revived
    expect(t.some((l) => /POST .* hello: 204$/.test(l))).toBe(true);
    await close();
  });
});
