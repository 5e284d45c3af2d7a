/**
 * The built-in call (R29) across two server processes on one data dir (issue 13): the client's page
 * is served by process A, the provider's by process B (two real `tele server start` processes on one
 * SQLite file), so every signalling message between them travels through the database and the bus.
 * Real headless Chromium with the fake camera and microphone: both pages reach "connected" and
 * decode frames, and End session on B closes the client's page on A.
 */
import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Tele } from "../../src/sdk/index.js";
import { launchBrowser, type TestBrowser } from "../helpers/browser.js";
import { startSmtp, startTele, tele, tempDir, type E2eWorld } from "../helpers/e2e.js";
import { answerLocation } from "../helpers/location.js";
import { bookNow, callState, clientPage, expectPlaying, framesFlow, people, providerPage } from "./call-helpers.js";

describe("the built-in call with each side on its own server process", () => {
  let dir: string;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let tb: TestBrowser;
  const children: ChildProcess[] = [];
  let a: E2eWorld;
  let b: E2eWorld;

  beforeAll(async () => {
    dir = tempDir();
    [smtp, tb] = await Promise.all([startSmtp(), launchBrowser({ media: true })]);
    const configDir = join(dir, "config");
    const init = await tele(["init", "--practice", "Maple Therapy", "--state", "NY", "--timezone", "America/New_York",
      "--owner-name", "Olive Owner", "--owner-email", "owner@maple.test", "--data-dir", join(dir, "data"), "--json"], { TELE_CONFIG_DIR: configDir });
    expect(init.code, init.stderr).toBe(0);
    const { token, practice } = init.json<{ token: string; practice: { slug: string } }>();
    const start = async (): Promise<E2eWorld> => {
      const s = await startTele(["server", "start", "--data-dir", join(dir, "data"), "--port", "0", "--json"],
        { TELE_CONFIG_DIR: configDir, TELE_LOG_LEVEL: "warn", TELE_SMTP_URL: smtp.url });
      children.push(s.child);
      // The call helpers read a world's URL, slug and owner token only.
      return { server: { url: JSON.parse(s.firstLine).url }, slug: practice.slug, ownerToken: token } as unknown as E2eWorld;
    };
    [a, b] = [await start(), await start()];
  }, 60_000);
  afterAll(async () => {
    await tb?.close();
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGTERM");
    await smtp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Dana's page on `clientOn`, Tina's on `providerOn`: connected, frames both ways, End session closes both; returns ms from Tina's page to both connected. */
  async function call(clientOn: E2eWorld, providerOn: E2eWorld, tag: string): Promise<number> {
    const who = await people(a, smtp, tag);
    const id = await bookNow(who.sdk, who.tina, who.dana);
    const dana = await tb.context();
    const tina = await tb.context();
    const danaPage = await clientPage(dana, clientOn, who.dana);
    await danaPage.goto(`${clientOn.server.url}/p/${clientOn.slug}/appointments/${id}/session`);
    await answerLocation(danaPage);
    await callState(danaPage, "alone");

    // Tina's sign-in link comes from `providerOn`, so her page, its stream and its signals are all that process's.
    const api = new Tele({ url: providerOn.server.url, token: a.ownerToken });
    const began = Date.now();
    const tinaPage = await providerPage(tina, api, id);
    expect(new URL(tinaPage.url()).origin).toBe(providerOn.server.url);
    await Promise.all([callState(danaPage, "connected"), callState(tinaPage, "connected")]);
    const took = Date.now() - began;
    const [d, t] = await Promise.all([framesFlow(danaPage), framesFlow(tinaPage)]);
    expect(d.audioPacketsReceived).toBeGreaterThan(0);
    expect(t.audioPacketsReceived).toBeGreaterThan(0);
    await Promise.all([expectPlaying(danaPage), expectPlaying(tinaPage)]);
    // Each page says who is here from the other's stream (on the other process, when there are two).
    await danaPage.locator('[data-side="provider"][data-here="yes"]').waitFor();
    await tinaPage.locator('[data-side="client"][data-here="yes"]').waitFor();

    await tinaPage.getByRole("button", { name: "End session" }).click();
    await Promise.all([callState(danaPage, "ended", 10_000), callState(tinaPage, "ended", 10_000)]);
    expect((await api.appointments.get(id)).session).toMatchObject({ state: "completed", video: "builtin", audioOnly: false });
    await dana.close();
    await tina.close();
    return took;
  }

  it("the client's page on A and the provider's on B connect and see each other, as both on A do; End session on B closes both", async () => {
    const one = await call(a, a, "single");
    const two = await call(a, b, "multi");
    console.log(`provider's page opened → both "connected": one process ${one} ms, two processes ${two} ms`);
  }, 180_000);
});
