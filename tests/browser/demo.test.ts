/**
 * Issue 10, end to end: the real `tele demo` process, read as a person reads it. Its printed
 * addresses and demo passwords sign the client in at the portal (Join session) and the therapist
 * in at the staff sign-in (Begin session), in two tabs of one real Chromium window; both tabs get
 * the other's video over tele's own call. And `/`: the demo's links, the page headers, axe; on any
 * other server, a plain page that names no practice.
 */
import type { ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAccessible } from "../helpers/axe.js";
import { expectPageHeaders, launchBrowser, type TestBrowser } from "../helpers/browser.js";
import { exited, startTele, startWorld, tempDir } from "../helpers/e2e.js";
import { callState, expectPlaying, framesFlow } from "./call-helpers.js";
import { answerLocation } from "../helpers/location.js";

interface Person { url: string; email: string; password: string }

/** One person's address and credentials from the demo's "open these two addresses" lines. */
function printed(out: string, who: "client" | "therapist", button: string): Person {
  const m = new RegExp(`the ${who}:\\s+(\\S+)\\n\\s+sign in as (\\S+), password (\\S+), then press ${button}`).exec(out);
  if (!m) throw new Error(`the demo printed no ${who} lines:\n${out}`);
  return { url: m[1]!, email: m[2]!, password: m[3]! };
}

async function signIn(ctx: BrowserContext, p: Person, emailLabel: string, landing: RegExp): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(p.url);
  await page.getByLabel(emailLabel, { exact: true }).fill(p.email);
  await page.getByLabel("Password", { exact: true }).fill(p.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(landing);
  return page;
}

describe("tele demo: a session to see, in two tabs", () => {
  const dir = tempDir();
  let demo: { child: ChildProcess; stdout: () => string; stderr: () => string };
  let tb: TestBrowser;
  let base: string;

  beforeAll(async () => {
    const env = { TELE_CONFIG_DIR: join(dir, "config"), TELE_LOG_LEVEL: "info" }; // info: the log may not hold the passwords either
    [demo, tb] = await Promise.all([
      startTele(["demo", "--port", "0", "--data-dir", join(dir, "data")], env, "Press Ctrl-C"),
      launchBrowser({ media: true }),
    ]);
    base = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(demo.stdout())![1]!;
  }, 30_000);
  afterAll(async () => {
    await tb?.close();
    if (demo?.child.exitCode === null) demo.child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("the printed client presses Join session, the printed therapist Begin session, and each tab plays the other's video", async () => {
    const client = printed(demo.stdout(), "client", "Join session");
    const therapist = printed(demo.stdout(), "therapist", "Begin session");
    expect(client.url).toBe(`${base}/p/lakeside-demo`);
    expect(therapist.url).toBe(`${base.replace("127.0.0.1", "localhost")}/p/lakeside-demo/staff/sign-in`);
    expect(demo.stdout()).toContain("video: tele's own 1:1 call between the two tabs");

    const tabs = await tb.context(); // one window: the two addresses keep their sign-ins apart
    const clientTab = await signIn(tabs, client, "Email address", /\/p\/lakeside-demo\/dashboard$/);
    await clientTab.getByRole("link", { name: "Join session" }).click();
    await clientTab.waitForURL(/\/appointments\/apt_[^/]+\/session$/);
    await answerLocation(clientTab); // R27, before the waiting room
    const therapistTab = await signIn(tabs, therapist, "Email", /\/p\/lakeside-demo\/staff$/);
    await therapistTab.getByRole("link", { name: "Begin session" }).first().click();
    await therapistTab.waitForURL(clientTab.url().replace("127.0.0.1", "localhost"));

    await Promise.all([callState(clientTab, "connected"), callState(therapistTab, "connected")]);
    await Promise.all([framesFlow(clientTab), framesFlow(therapistTab)]);
    await Promise.all([expectPlaying(clientTab), expectPlaying(therapistTab)]);
    for (const tab of [clientTab, therapistTab]) {
      expect(await tab.locator('[data-tile="peer"] video').evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);
    }
    // The client is still signed in as the client after the therapist signed in, in the same window.
    await clientTab.reload();
    await callState(clientTab, "connected");
    await tabs.close();
  }, 60_000);

  it("the passwords are printed once and nowhere else: not in the log, the mail, or the database (scrypt hashes there)", async () => {
    const { password: c } = printed(demo.stdout(), "client", "Join session");
    const { password: t } = printed(demo.stdout(), "therapist", "Begin session");
    expect(demo.stderr()).not.toContain(c);
    expect(demo.stderr()).not.toContain(t);
    const mailDir = join(dir, "data", "mail");
    for (const f of readdirSync(mailDir)) expect(readFileSync(join(mailDir, f), "utf8")).not.toMatch(new RegExp(`${c}|${t}`));
    const db = new Database(join(dir, "data", "tele.db"), { readonly: true });
    const hashes = [
      db.prepare("SELECT password_hash AS h FROM staff WHERE email = 'tara@lakeside.example'").get(),
      db.prepare("SELECT password_hash AS h FROM clients WHERE email = 'avery@client.example'").get(),
    ] as { h: string }[];
    db.close();
    for (const { h } of hashes) expect(h).toMatch(/^scrypt\$/);
  });

  it("/ links the demo practice's portal and staff sign-in, with the page headers, and passes axe", async () => {
    const page = await (await tb.context()).newPage();
    const res = await page.goto(`${base}/`);
    expect(res!.status()).toBe(200);
    expectPageHeaders(res);
    expect(await page.getByRole("link", { name: "Client portal" }).getAttribute("href")).toBe("/p/lakeside-demo");
    expect(await page.getByRole("link", { name: "Staff sign-in" }).getAttribute("href")).toBe("/p/lakeside-demo/staff/sign-in");
    await expectAccessible(page, "the demo's / page");
    await page.getByRole("link", { name: "Staff sign-in" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    await page.context().close();
  });

  it("/ on a server that was not told a practice names none, and passes axe", async () => {
    const w = await startWorld();
    try {
      const page = await (await tb.context()).newPage();
      const res = await page.goto(`${w.server.url}/`);
      expect(res!.status()).toBe(200);
      expectPageHeaders(res);
      expect(await page.content()).not.toMatch(/Maple|maple-therapy/);
      expect(await page.locator("main a").count()).toBe(0);
      await expectAccessible(page, "the plain / page");
      await page.context().close();
    } finally {
      await w.close();
    }
  });

  it("stops cleanly on Ctrl-C", async () => {
    const done = exited(demo.child);
    demo.child.kill("SIGINT");
    expect(await done).toBe(0);
  });
});
