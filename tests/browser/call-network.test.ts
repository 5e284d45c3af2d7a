/**
 * The built-in call (R29) through a real coturn on loopback, relay only: the server mints each
 * participant's TURN credential with coturn's shared secret, media goes through the relay, a
 * stale credential is refused, and when the relay dies and comes back the call shows
 * Reconnecting… and recovers by itself. Also: a refused camera still gives an audio call, and
 * nobody but the two participants can signal into the session or open its stream.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac } from "node:crypto";
import { createServer } from "node:net";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../helpers/browser.js";
import { startSmtp, startWorld, type E2eWorld } from "../helpers/e2e.js";
import { bookNow, callState, clientPage, expectPlaying, framesFlow, people, providerPage, stats } from "./call-helpers.js";
import { answerLocation } from "../helpers/location.js";

const SECRET = "turn-test-secret-0123456789";

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  });
});

/** Debian's coturn on loopback with the shared-secret scheme; resolves once it listens. */
function coturn(port: number): Promise<ChildProcess> {
  const p = spawn("/usr/bin/turnserver", ["-n", "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1", `--listening-port=${port}`,
    "--use-auth-secret", `--static-auth-secret=${SECRET}`, "--realm=tele.test", "--no-tls", "--no-dtls", "--allow-loopback-peers",
    "--no-cli", "--fingerprint", "--log-file=stdout"], { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    const t = setTimeout(() => reject(new Error(`coturn did not start: ${out.slice(-500)}`)), 10_000);
    p.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (/Total General servers|IPv4. UDP listener opened on/.test(out)) {
        clearTimeout(t);
        resolve(p);
      }
    });
    p.on("exit", (code) => reject(new Error(`coturn exited (${code}): ${out.slice(-500)}`)));
  });
}

/** Whether a relay-only pc in `page` gathers a relay candidate with this credential. */
function gathersRelay(page: Page, url: string, username: string, credential: string): Promise<boolean> {
  return page.evaluate(async ({ url, username, credential }) => {
    const pc = new RTCPeerConnection({ iceServers: [{ urls: url, username, credential }], iceTransportPolicy: "relay" });
    let relay = false;
    pc.onicecandidate = (e) => { if (e.candidate?.type === "relay") relay = true; };
    pc.createDataChannel("probe");
    await pc.setLocalDescription();
    await new Promise<void>((r) => {
      const t = setTimeout(r, 8000);
      pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === "complete") { clearTimeout(t); r(); } };
    });
    pc.close();
    return relay;
  }, { url, username, credential });
}

describe("the built-in call through TURN, and who may signal", () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let w: E2eWorld;
  let tb: TestBrowser;
  let micOnly: TestBrowser;
  let turn: ChildProcess | undefined;
  let port = 0;
  let who: Awaited<ReturnType<typeof people>>;

  beforeAll(async () => {
    port = await freePort();
    [smtp, tb, micOnly, turn] = await Promise.all([startSmtp(), launchBrowser({ media: true }), launchBrowser({ media: true, ask: true }), coturn(port)]);
    w = await startWorld({ smtpUrl: smtp.url, serverEnv: {
      TELE_TURN_URLS: `turn:127.0.0.1:${port}?transport=udp`, TELE_TURN_SECRET: SECRET, TELE_ICE_TRANSPORT_POLICY: "relay",
    } });
    who = await people(w, smtp, "turn");
  });
  afterAll(async () => {
    turn?.kill("SIGKILL");
    await tb?.close();
    await micOnly?.close();
    await w?.close();
    await smtp?.close();
  });

  it("relay only through coturn carries media; a stale credential is refused; the relay dying and coming back recovers by itself", async () => {
    const id = await bookNow(who.sdk, who.tina, who.dana);
    const url = `${w.server.url}/p/${w.slug}/appointments/${id}/session`;
    const dana = await tb.context();
    const danaPage = await clientPage(dana, w, who.dana);
    const admitted = danaPage.waitForResponse((r) => r.url().endsWith("/session/video"));
    await danaPage.goto(url);
    await answerLocation(danaPage); // R27, before the waiting room
    const admission = await (await admitted).json();
    expect(admission.iceTransportPolicy).toBe("relay");
    const ice = admission.iceServers.find((s: { credential?: string }) => s.credential);
    const [expiry, opaque] = (ice.username as string).split(":");
    expect(Number(expiry) * 1000).toBeGreaterThan(Date.now());
    expect(Number(expiry) * 1000).toBeLessThanOrEqual(Date.now() + 4 * 3600_000 + 5000); // short-lived
    expect(opaque).not.toContain((await who.sdk.clients.list()).items.find((c) => c.email === who.dana)!.id);
    expect(ice.credential).toBe(createHmac("sha1", SECRET).update(ice.username).digest("base64"));

    const tina = await tb.context();
    const tinaPage = await providerPage(tina, who.sdk, id);
    await Promise.all([callState(danaPage, "connected"), callState(tinaPage, "connected")]);
    const [d, t] = await Promise.all([framesFlow(danaPage), framesFlow(tinaPage)]);
    expect([d.local, t.local]).toEqual(["relay", "relay"]);
    expect(d.audioPacketsReceived).toBeGreaterThan(0);
    await expectPlaying(danaPage);

    // The same secret with an expiry in the past: coturn refuses it (no relay candidate); a fresh one works.
    const turnUrl = `turn:127.0.0.1:${port}?transport=udp`;
    const stale = `${Math.floor(Date.now() / 1000) - 60}:probe`;
    const fresh = `${Math.floor(Date.now() / 1000) + 600}:probe`;
    const sign = (u: string) => createHmac("sha1", SECRET).update(u).digest("base64");
    expect(await gathersRelay(tinaPage, turnUrl, stale, sign(stale))).toBe(false);
    expect(await gathersRelay(tinaPage, turnUrl, fresh, sign(fresh))).toBe(true);

    // The relay dies: both pages say Reconnecting…; it comes back on the same port: frames flow again by themselves.
    turn!.kill("SIGKILL");
    await Promise.all([callState(danaPage, "reconnecting"), callState(tinaPage, "reconnecting")]);
    expect(await danaPage.locator("[data-reconnecting]").textContent()).toBe("Reconnecting…");
    expect(await danaPage.locator("[data-reconnecting]").isVisible()).toBe(true);
    turn = await coturn(port);
    const back = Date.now();
    await Promise.all([callState(danaPage, "connected", 15_000), callState(tinaPage, "connected", 15_000)]);
    await Promise.all([framesFlow(danaPage, 15_000 - (Date.now() - back)), framesFlow(tinaPage, 15_000 - (Date.now() - back))]);
    expect(Date.now() - back).toBeLessThan(15_000);
    expect(await danaPage.locator("[data-reconnecting]").isVisible()).toBe(false);
    await dana.close();
    await tina.close();
  });

  it("a refused camera shows the guidance and the call still works audio-only", async () => {
    const id = await bookNow(who.sdk, who.tina, who.dana);
    const url = `${w.server.url}/p/${w.slug}/appointments/${id}/session`;
    const dana = await micOnly.context();
    await dana.grantPermissions(["microphone"], { origin: w.server.url });
    const danaPage = await clientPage(dana, w, who.dana, url);
    const help = danaPage.locator("[data-media-help]");
    await help.waitFor({ state: "visible", timeout: 15_000 });
    expect(await help.textContent()).toContain("Your camera is not allowed for this page");
    expect(await help.textContent()).toContain("Settings › Safari › Camera and Microphone → Allow");
    expect(await danaPage.locator("[data-video]").getAttribute("data-media-problem")).toBe("camera-refused");
    const tina = await tb.context();
    const tinaPage = await providerPage(tina, who.sdk, id);
    await callState(tinaPage, "connected");
    await callState(danaPage, "connected");
    await framesFlow(danaPage); // Dana still sees Tina
    await expect.poll(async () => (await stats(tinaPage)).audioPacketsReceived, { timeout: 10_000 }).toBeGreaterThan(20);
    await tinaPage.locator("[data-peer-placeholder]").waitFor({ state: "visible" });
    await dana.close();
    await tina.close();
  });

  it("only the two participants can signal or open the stream: another client, a signed-out browser, a stale sender, an oversized message", async () => {
    const id = await bookNow(who.sdk, who.tina, who.dana);
    const base = `${w.server.url}/p/${w.slug}/appointments/${id}/session`;
    const body = { from: "c_AAAAAAAAAAAAAAAA", to: "c_BBBBBBBBBBBBBBBB", msg: { type: "hello" } };

    const nobody = await tb.context();
    expect((await nobody.request.post(`${base}/signal`, { data: body })).status()).toBe(401);
    expect((await nobody.request.get(`${base}/events`)).status()).toBe(401);

    const eve = await tb.context();
    await who.sdk.clients.add({ name: "Eve Other", email: "eve@client.test", state: "NJ" });
    await who.sdk.clients.invite("eve@client.test");
    const invite = await smtp.waitFor((m) => m.to === "eve@client.test" && m.text.includes("/invite/"));
    await who.sdk.portal.signup({ token: /\/invite\/([A-Za-z0-9_-]{43})/.exec(invite.text)![1]!, password: "dana's long password" });
    await clientPage(eve, w, "eve@client.test");
    const eveSignal = await eve.request.post(`${base}/signal`, { data: body });
    expect(eveSignal.status()).toBe(403);
    expect((await eveSignal.json()).code).toBe("permission_denied");
    expect((await eve.request.get(`${base}/events`)).status()).toBe(403);

    // Dana herself: without the CSRF token, with a made-up connection id, with a body over 64 KB.
    const dana = await tb.context();
    const danaPage = await clientPage(dana, w, who.dana, base);
    await callState(danaPage, "alone");
    const csrf = (await danaPage.locator("[data-video]").getAttribute("data-csrf"))!;
    expect((await dana.request.post(`${base}/signal`, { data: body })).status()).toBe(403);
    const stale = await dana.request.post(`${base}/signal`, { data: body, headers: { "x-csrf-token": csrf } });
    expect(stale.status()).toBe(409);
    expect((await stale.json()).code).toBe("signal_stale");
    const bad = await dana.request.post(`${base}/signal`, { data: { ...body, msg: { type: "eval", code: "x" } }, headers: { "x-csrf-token": csrf } });
    expect(bad.status()).toBe(400);
    const big = { ...body, msg: { type: "description", description: { type: "offer", sdp: "x".repeat(70_000) } } };
    expect((await dana.request.post(`${base}/signal`, { data: big, headers: { "x-csrf-token": csrf } })).status()).toBe(413);
    for (const c of [nobody, eve, dana]) await c.close();
  });
});
