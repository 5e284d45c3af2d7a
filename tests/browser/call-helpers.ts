/**
 * Shared steps for the built-in call's browser tests: a world with a therapist and a signed-up
 * client, an appointment whose window is open, both people on the session page, and what
 * `RTCPeerConnection.getStats()` says on each (the page keeps its pc at window.__telePc).
 */
import type { BrowserContext, Page } from "playwright-core";
import { expect } from "vitest";
import { Tele } from "../../src/sdk/index.js";
import type { startSmtp, E2eWorld } from "../helpers/e2e.js";
import { currentStreams, type SignalRelay } from "../../src/server/domain/sessions/relay.js";
import { answerLocation } from "../helpers/location.js";

export const PASSWORD = "dana's long password";

/** A therapist with Teletherapy and a client with a portal password, in `w`. */
export async function people(w: E2eWorld, smtp: Awaited<ReturnType<typeof startSmtp>>, tag: string) {
  const sdk = new Tele({ url: w.server.url, token: w.ownerToken });
  const tina = `tina.${tag}@maple.test`;
  const dana = `dana.${tag}@client.test`;
  await sdk.staff.add({ name: "Tina Therapist", email: tina, roles: ["therapist"] });
  await sdk.staff.enableTeletherapy(tina);
  await sdk.clients.add({ name: "Dana Client", email: dana, state: "NJ" });
  await sdk.clients.invite(dana);
  const invite = await smtp.waitFor((m) => m.to === dana && m.text.includes("/invite/"));
  await sdk.portal.signup({ token: /\/invite\/([A-Za-z0-9_-]{43})/.exec(invite.text)![1]!, password: PASSWORD });
  return { sdk, tina, dana };
}

/** A telehealth appointment starting in 5 minutes (its window is open). */
export async function bookNow(sdk: Tele, therapist: string, client: string): Promise<string> {
  const start = new Date(Math.floor((Date.now() + 5 * 60_000) / 1000) * 1000).toISOString();
  return (await sdk.appointments.create({ therapist, client, start, durationMinutes: 50, allowPast: true, allowOverlap: true, telehealth: true })).id;
}

/** Signs a client in through the portal form in `ctx` and opens `url`. */
export async function clientPage(ctx: BrowserContext, w: E2eWorld, email: string, url?: string): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(`${w.server.url}/p/${w.slug}`);
  await page.getByLabel("Email address", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${w.server.url}/p/${w.slug}/dashboard`);
  if (url) {
    await page.goto(url);
    await answerLocation(page); // R27: where the client is, before the waiting room
  }
  return page;
}

/** The provider's page, through the owner's single-use sign-in link for the appointment. */
export async function providerPage(ctx: BrowserContext, sdk: Tele, id: string): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto((await sdk.appointments.signInLink(id)).url);
  return page;
}

export async function callState(page: Page, state: string, timeout = 20_000): Promise<void> {
  try {
    await page.locator(`[data-video][data-call="${state}"]`).waitFor({ state: "attached", timeout });
  } catch {
    const now = await page.locator("[data-video]").getAttribute("data-call");
    const trace = await callTrace(page);
    throw new Error(`${page.url()}: the call is ${now}, not ${state}, after ${timeout} ms; ${JSON.stringify(await stats(page))}${trace.length ? `\n${trace.join("\n")}` : ""}`);
  }
}

/** What this page's pc reports: inbound frames and packets, outbound audio, the selected pair's candidate types. */
export interface CallStats {
  framesDecoded: number;
  audioPacketsReceived: number;
  audioPacketsSent: number;
  videoBytesSent: number;
  local: string | null;
  remote: string | null;
  state: string;
}

export function stats(page: Page): Promise<CallStats> {
  return page.evaluate(async () => {
    const pc = (window as unknown as { __telePc?: RTCPeerConnection }).__telePc;
    const out = { framesDecoded: 0, audioPacketsReceived: 0, audioPacketsSent: 0, videoBytesSent: 0, local: null as string | null, remote: null as string | null, state: pc?.connectionState ?? "none" };
    if (!pc) return out;
    const all = [...(await pc.getStats()).values()] as Record<string, any>[];
    for (const s of all) {
      if (s.type === "inbound-rtp" && s.kind === "video") out.framesDecoded += s.framesDecoded ?? 0;
      if (s.type === "inbound-rtp" && s.kind === "audio") out.audioPacketsReceived += s.packetsReceived ?? 0;
      if (s.type === "outbound-rtp" && s.kind === "audio") out.audioPacketsSent += s.packetsSent ?? 0;
      if (s.type === "outbound-rtp" && s.kind === "video") out.videoBytesSent += s.bytesSent ?? 0;
    }
    const transport = all.find((s) => s.type === "transport" && s.selectedCandidatePairId);
    const pair = all.find((s) => s.id === transport?.selectedCandidatePairId);
    out.local = all.find((s) => s.id === pair?.localCandidateId)?.candidateType ?? null;
    out.remote = all.find((s) => s.id === pair?.remoteCandidateId)?.candidateType ?? null;
    return out;
  });
}

/** Waits until frames are being decoded on `page` (more than before), and returns the stats then. */
export async function framesFlow(page: Page, timeout = 15_000): Promise<CallStats> {
  const start = Date.now();
  const first = await stats(page);
  for (;;) {
    await page.waitForTimeout(400);
    const now = await stats(page);
    if (now.framesDecoded > first.framesDecoded + 5 && now.state === "connected") return now;
    if (Date.now() - start > timeout) throw new Error(`no frames within ${timeout} ms on ${page.url()}: ${JSON.stringify(now)}`);
  }
}

/** The other person's <video> plays with a picture. */
export async function expectPlaying(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const v = document.querySelector("video[data-peer-video]") as HTMLVideoElement | null;
    return !!v && v.videoWidth > 0 && !v.paused && v.readyState >= 2;
  }, undefined, { timeout: 15_000 });
  expect(await page.locator("video[data-peer-video]").evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);
}

/**
 * Records, in every page of `ctx`, what the call's signalling did (ids only, no SDP): each `tele:rtc`
 * event the page handled, each signal it POSTed and the reply's status, and each pc's signalling and
 * connection states, each line starting with the time of day (so pages' and the server's lines sort
 * together). `callTrace(page)` reads it back; a failed `callState` prints it.
 */
export async function traceCalls(ctx: BrowserContext, label: string): Promise<void> {
  await ctx.addInitScript((label: string) => {
    const w = window as unknown as { __teleTrace: string[]; fetch: typeof fetch; RTCPeerConnection: typeof RTCPeerConnection };
    w.__teleTrace = [];
    const log = (s: string) => {
      w.__teleTrace.push(`${new Date().toISOString().slice(11, 23)} ${label} ${s}`);
      if (w.__teleTrace.length > 400) w.__teleTrace.shift();
    };
    const kind = (m: any) => (m?.type === "description" ? `description/${m.description.type}` : m?.type);
    const realFetch = w.fetch.bind(window);
    w.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input instanceof Request ? input.url : input);
      if (!url.endsWith("/session/signal")) return realFetch(input, init);
      const body = JSON.parse(String(init?.body ?? "{}"));
      const res = await realFetch(input, init);
      log(`POST ${body.from} → ${body.to} ${kind(body.msg)}: ${res.status}`);
      return res;
    };
    document.addEventListener("tele:rtc", (e) => {
      const d = (e as CustomEvent).detail;
      log(d.type === "peer" ? `rtc peer you=${d.you} peer=${d.peer}` : `rtc signal from=${d.from} ${kind(d.msg)}`);
    }, true);
    const Real = w.RTCPeerConnection;
    let n = 0;
    w.RTCPeerConnection = class extends Real {
      constructor(config?: RTCConfiguration) {
        super(config);
        const k = ++n;
        log(`pc${k} made`);
        this.addEventListener("signalingstatechange", () => log(`pc${k} signaling ${this.signalingState}`));
        this.addEventListener("connectionstatechange", () => log(`pc${k} connection ${this.connectionState}`));
      }
    } as typeof RTCPeerConnection;
  }, label);
}

/** What `traceCalls` recorded on this page. */
export function callTrace(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __teleTrace?: string[] }).__teleTrace ?? []).catch(() => []);
}

/**
 * Records what the server's relay did for the call: each stream attached or detached, who is
 * current after each announcement (in every process, from the database's stream rows), and each
 * signal it refused. Returns the live list (for `callStates`).
 */
export function traceRelay(relay: SignalRelay): string[] {
  const out: string[] = [];
  const log = (s: string) => out.length < 2000 && out.push(`${new Date().toISOString().slice(11, 23)} server ${s}`);
  const { attach, detach, announce, relay: send } = relay;
  relay.attach = (id, conn) => {
    const rtc = attach.call(relay, id, conn);
    if (rtc) log(`attach ${conn.role} ${id}`);
    return rtc;
  };
  relay.detach = (id) => {
    detach.call(relay, id);
    log(`detach ${id}`);
  };
  relay.announce = (appointmentId, rows) => {
    const now = currentStreams(rows);
    log(`current: client=${now.client?.id ?? "-"} provider=${now.provider?.id ?? "-"}`);
    announce.call(relay, appointmentId, rows);
  };
  relay.relay = async (practiceId, a, role, from, to, msg) => {
    const r = await send.call(relay, practiceId, a, role, from, to, msg);
    if (r !== "sent") log(`refused ${role} ${from} → ${to} ${(msg as { type?: string }).type}: ${r}`);
    return r;
  };
  return out;
}

/** Waits until every page's call is in `state`; if one is not in time, the error holds every page's trace and the server's. */
export async function callStates(pages: Page[], state: string, opts: { timeout?: number; server?: string[] } = {}): Promise<void> {
  const results = await Promise.allSettled(pages.map((p) => callState(p, state, opts.timeout)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (!failed) return;
  const traces = await Promise.all(pages.map(callTrace));
  const first = String((failed.reason as Error).message).split("\n")[0];
  throw new Error([first, ...results.map((r, i) => `page ${i + 1}: ${r.status === "fulfilled" ? state : "not " + state}`),
    ...[...traces.flat(), ...(opts.server ?? [])].sort()].join("\n"));
}
