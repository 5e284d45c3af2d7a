/**
 * The staff side in real headless Chromium against the real server on a loopback port, with the
 * real `tele` binary and mail through a real SMTP server on loopback: `tele sessions open --print`
 * → session page → dashboard alert → Begin session (R14), single-use links, a therapist kept out
 * of a colleague's appointment, password sign-in after the emailed invite, the Begin button
 * appearing by itself when a window opens, and the dashboard's screenshots.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Tele } from "../../src/sdk/index.js";
import { expectPageHeaders, launchBrowser, screenshotDir, type TestBrowser } from "../helpers/browser.js";
import { ROOT, startSmtp, startWorld, tele, type E2eWorld } from "../helpers/e2e.js";

const MIN = 60_000;
const SHOTS = screenshotDir(ROOT);


describe("staff side in Chromium", () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let w: E2eWorld;
  let tb: TestBrowser;
  let sdk: Tele;
  let base: string;
  let tinaEnv: Record<string, string>;
  let tina: BrowserContext;
  let tinaPage: Page;
  const apt: Record<string, string> = {};

  const sessionPath = (id: string) => `/p/${w.slug}/appointments/${id}/session`;
  const dashboard = () => `${base}/p/${w.slug}/staff`;

  async function book(name: string, therapist: string, client: string, start: number, telehealth: boolean) {
    const at = new Date(Math.floor(start / 1000) * 1000).toISOString();
    apt[name] = (await sdk.appointments.create({ therapist, client, start: at, durationMinutes: 50, allowPast: true, allowOverlap: true, telehealth })).id;
  }

  /** `tele sessions open ID --print` as Tina, with the real binary; returns the printed link. */
  async function printedLink(id: string): Promise<string> {
    const r = await tele(["sessions", "open", id, "--print"], tinaEnv);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^${base}/s/[A-Za-z0-9_-]{43}\\?a=${id}\\n$`));
    return r.stdout.trim();
  }

  beforeAll(async () => {
    [smtp, tb] = await Promise.all([startSmtp(), launchBrowser()]);
    w = await startWorld({ smtpUrl: smtp.url });
    mkdirSync(SHOTS, { recursive: true });
    base = w.server.url;
    sdk = new Tele({ url: base, token: w.ownerToken });
    const added = await tele(["staff", "add", "--name", "Tina Therapist", "--email", "tina@maple.test", "--role", "therapist", "--json"], w.env);
    expect(added.code, added.stderr).toBe(0);
    await sdk.staff.add({ name: "Theo Therapist", email: "theo@maple.test", roles: ["therapist"] });
    for (const t of ["tina@maple.test", "theo@maple.test"]) await sdk.staff.enableTeletherapy(t);
    for (const [name, state] of [["Dana Client", "NJ"], ["Erin Client", "NY"]]) {
      await sdk.clients.add({ name, email: `${name.split(" ")[0]!.toLowerCase()}@client.test`, state });
    }
    // Dana has an active portal account (R6), so the alert can say she is able to join.
    await sdk.clients.invite("dana@client.test");
    const invite = await smtp.waitFor((m) => m.to === "dana@client.test" && m.text.includes("/invite/"));
    await sdk.portal.signup({ token: /\/invite\/([A-Za-z0-9_-]{43})/.exec(invite.text)![1]!, password: "dana's long password" });
    const now = Date.now();
    await book("open", "tina@maple.test", "dana@client.test", now + 5 * MIN, true);
    await book("later", "tina@maple.test", "erin@client.test", now + 3 * 60 * MIN, true);
    await book("inPerson", "tina@maple.test", "erin@client.test", now + 26 * 60 * MIN, false);
    await book("theos", "theo@maple.test", "erin@client.test", now + 5 * MIN, true);
    const token = await tele(["staff", "token", "tina@maple.test", "--json"], w.env);
    expect(token.code, token.stderr).toBe(0);
    tinaEnv = { TELE_CONFIG_DIR: w.configDir, TELE_URL: base, TELE_TOKEN: token.json<{ token: string }>().token };
    tina = await tb.context();
  });
  afterAll(async () => {
    await tb?.close();
    await w?.close();
    await smtp?.close();
  });

  it("tele sessions open --print → signed in on the session page → dashboard alert → Begin session → present", async () => {
    tinaPage = await tina.newPage();
    const landed = await tinaPage.goto(await printedLink(apt.open!));
    expect(landed!.status()).toBe(200);
    expect(new URL(tinaPage.url()).pathname).toBe(sessionPath(apt.open!));
    expect(landed!.request().redirectedFrom()!.url()).toContain("/s/");
    expectPageHeaders(landed);
    expect(await tinaPage.getByRole("heading", { level: 1 }).textContent()).toBe("Telehealth session");

    const dash = await tinaPage.goto(dashboard());
    expectPageHeaders(dash);
    const alert = tinaPage.locator("#session-alert");
    await alert.waitFor({ state: "visible" });
    expect(await alert.innerText()).toContain("Dana Client");
    expect(await alert.innerText()).toContain("The client can join now.");
    expect(await alert.innerText()).not.toContain("Erin Client"); // the later session's window is not open
    expect(await tinaPage.getByText("Theo").count()).toBe(0); // only her own appointments
    await alert.getByRole("link", { name: "Begin session" }).click();
    await tinaPage.waitForURL(`${base}${sessionPath(apt.open!)}`);
    const details = await tinaPage.locator("main .card").textContent();
    expect(details).toMatch(/Practice:\s*Maple Therapy/);
    expect(details).toMatch(/Therapist:\s*Tina Therapist/);
    expect(details).toMatch(/Client:\s*Dana\b/);
    expect(details).toMatch(/When:.*\d\d:\d\d–\d\d:\d\d E[SD]T/);
    expect(await tinaPage.getByRole("list", { name: "Who is here" }).textContent()).toContain("Tina Therapist (therapist) — you");
  });

  it("the same link a second time is refused with a clear page", async () => {
    const link = await printedLink(apt.open!);
    const first = await (await tb.context()).newPage();
    expect((await first.goto(link))!.status()).toBe(200);
    const second = await (await tb.context()).newPage();
    const again = await second.goto(link);
    expect(again!.status()).toBe(410);
    expectPageHeaders(again);
    expect(await second.getByRole("heading", { level: 1 }).textContent()).toBe("This sign-in link does not work");
    expect(await second.getByRole("alert").textContent()).toContain("tele sessions open");
    expect(new URL(second.url()).pathname).toMatch(/^\/s\//); // not let in
  });

  it("a therapist can neither open a colleague's appointment (403 page) nor mint its link (exit 4)", async () => {
    const page = await tina.newPage();
    for (const path of [`/p/${w.slug}/staff/appointments/${apt.theos}`, sessionPath(apt.theos!)]) {
      const res = await page.goto(`${base}${path}`);
      expect(res!.status(), path).toBe(403);
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Not allowed");
      expect(await page.content()).not.toContain("Erin");
    }
    const r = await tele(["sessions", "open", apt.theos!, "--print"], tinaEnv);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("Error: only the appointment's therapist, an owner or a manager may open its session");
    await page.close();
  });

  it("the emailed staff invite sets a password; sign-out and the sign-in form with that password work", async () => {
    const mail = await smtp.waitFor((m) => m.to === "tina@maple.test" && m.text.includes("/staff/welcome/"));
    const welcome = new RegExp(`(${base}/p/${w.slug}/staff/welcome/[A-Za-z0-9_-]{43})`).exec(mail.text)![1]!;
    const page = await (await tb.context({ phone: true })).newPage();
    await page.goto(welcome);
    await page.getByLabel("New password", { exact: true }).fill("tina's long password");
    await page.getByLabel("New password again").fill("tina's long password");
    await page.getByRole("button", { name: "Set password and sign in" }).click();
    await page.waitForURL(dashboard());
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Your appointments");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByText("You have signed out.").waitFor();
    await page.getByLabel("Email").fill("tina@maple.test");
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("That email and password do not match an account here.").waitFor();
    await page.getByLabel("Password").fill("tina's long password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(dashboard());
    await page.locator("#session-alert").waitFor({ state: "visible" });
    expect((await page.goto(welcome))!.status()).toBe(410); // the invite worked once
    expect(await page.getByRole("alert").textContent()).toContain("Ask your practice's owner or manager to send a new invite.");
    // Setting the password ended Tina's other browser sessions (the one from the first test).
    await tinaPage.goto(dashboard());
    expect(new URL(tinaPage.url()).pathname).toBe(`/p/${w.slug}/staff/sign-in`);
  });

  it("the dashboard turns 'Session opens at' into Begin session by itself when the window opens", async () => {
    // Far enough ahead that a slow page load on a busy machine still sees the window closed first.
    const opensAt = Date.now() + 12_000;
    await book("soon", "tina@maple.test", "dana@client.test", opensAt + 15 * MIN, true);
    await tinaPage.goto(await printedLink(apt.open!));
    await tinaPage.goto(dashboard());
    const item = tinaPage.locator(".appointment", { has: tinaPage.locator(`a[href="${sessionPath(apt.soon!)}"]`) });
    expect(await item.getByText(/^Session opens at \d\d:\d\d E[SD]T$/).isVisible()).toBe(true);
    const alertEntry = tinaPage.locator("#session-alert").getByRole("link", { name: "Begin session" }).and(tinaPage.locator(`[href="${sessionPath(apt.soon!)}"]`));
    expect(await alertEntry.isVisible()).toBe(false);
    await tinaPage.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    await alertEntry.waitFor({ state: "visible", timeout: 25_000 });
    expect(Date.now()).toBeGreaterThanOrEqual(opensAt - 1_500); // not before the window opened
    expect(await item.getByRole("link", { name: "Begin session" }).isVisible()).toBe(true);
    expect(await item.getByText(/^Session opens at/).isVisible()).toBe(false);
    expect(await tinaPage.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  }, 60_000);

  it("screenshots: the provider dashboard with an open-window alert, on a phone and a desktop", async () => {
    for (const [phone, file] of [[true, "provider-dashboard-phone.png"], [false, "provider-dashboard-desktop.png"]] as const) {
      const page = await (await tb.context({ phone })).newPage();
      await page.goto(await printedLink(apt.open!));
      await page.goto(dashboard());
      const alert = page.locator("#session-alert");
      await alert.waitFor({ state: "visible" });
      const begin = (await alert.getByRole("link", { name: "Begin session" }).first().boundingBox())!;
      expect(begin.height).toBeGreaterThanOrEqual(44); // a finger-sized target
      const firstItem = (await page.locator(".appointment").first().boundingBox())!;
      expect((await alert.boundingBox())!.y).toBeLessThan(firstItem.y); // the alert comes first
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone ? 360 : 1280);
      expect(await page.getByText(/Times are in America\/New_York/).isVisible()).toBe(true);
      await page.screenshot({ path: join(SHOTS, file), scale: "css", fullPage: phone });
      await page.context().close();
    }
  });
});
