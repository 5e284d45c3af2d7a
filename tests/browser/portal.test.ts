/**
 * The client portal in real headless Chromium against the real server on a loopback port, with
 * mail delivered through a real SMTP server on loopback: invite → sign-up → dashboard (R10, R13,
 * R15), the join button flipping by itself, expired and reused links (R11), password reset,
 * the neutral sign-in answer, CSRF, and the security headers of every page.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Tele } from "../../src/sdk/index.js";
import { formatInZone, localDateInZone } from "../../src/sdk/schemas/time.js";
import { hashSecret, newId, newSecret } from "../../src/server/domain/shared/crypto.js";
import { expectPageHeaders, launchBrowser, screenshotDir, type TestBrowser } from "../helpers/browser.js";
import { ROOT, startSmtp, startWorld, tele, type E2eWorld } from "../helpers/e2e.js";

type Smtp = Awaited<ReturnType<typeof startSmtp>>;
const MIN = 60_000;
const TZ = "America/New_York";
const SHOTS = screenshotDir(ROOT);


describe("client portal in Chromium", () => {
  let smtp: Smtp;
  let w: E2eWorld;
  let tb: TestBrowser;
  let sdk: Tele;
  let base: string;
  const apt: Record<string, string> = {};
  const starts: Record<string, number> = {};
  let danaInvite = "";
  let danaPage: Page;

  /** The next mail to `to` whose text holds a `kind` link and that arrived after `after` mails. */
  async function linkMail(to: string, kind: "invite" | "reset", after: number): Promise<string> {
    const m = await smtp.waitFor((x) => smtp.received.indexOf(x) >= after && x.to === to && x.text.includes(`/${kind}/`));
    return new RegExp(`(http://\\S+/p/${w.slug}/${kind}/[A-Za-z0-9_-]+)`).exec(m.text)![1]!;
  }

  /** Books `client` at `start` (epoch ms, whole seconds) with the teletherapist. */
  async function book(name: string, client: string, start: number, telehealth: boolean) {
    starts[name] = Math.floor(start / 1000) * 1000;
    const a = await sdk.appointments.create({ therapist: "tina@maple.test", client, start: new Date(starts[name]!).toISOString(), durationMinutes: 50, allowPast: true, allowOverlap: true, telehealth });
    apt[name] = a.id;
  }

  /** Fills and sends a new-password form (sign-up or reset). */
  async function choosePassword(page: Page, password: string, button: string) {
    await page.getByLabel("New password", { exact: true }).fill(password);
    await page.getByLabel("Type the new password again").fill(password);
    await page.getByRole("button", { name: button }).click();
  }

  beforeAll(async () => {
    [smtp, tb] = await Promise.all([startSmtp(), launchBrowser()]);
    w = await startWorld({ smtpUrl: smtp.url });
    mkdirSync(SHOTS, { recursive: true });
    base = w.server.url;
    sdk = new Tele({ url: base, token: w.ownerToken });
    await sdk.staff.add({ name: "Tina Therapist", email: "tina@maple.test", roles: ["therapist"] });
    await sdk.staff.enableTeletherapy("tina@maple.test");
    for (const [name, state] of [["Dana", "NJ"], ["Erin", "NY"], ["Fay", "OH"]]) {
      await sdk.clients.add({ name: `${name} Client`, email: `${name.toLowerCase()}@client.test`, state });
    }
    const now = Date.now();
    await book("open", "dana@client.test", now + 10 * MIN, true);
    await book("later", "dana@client.test", now + 3 * 60 * MIN, true);
    await book("inPerson", "dana@client.test", now + 24 * 60 * MIN, false);
    await book("erins", "erin@client.test", now + 10 * MIN, true);
  });
  afterAll(async () => {
    await tb?.close();
    await w?.close();
    await smtp?.close();
  });

  it("invite email → sign-up → dashboard: Join inside the window, the opening time outside it, only the client's own", async () => {
    const invited = await tele(["clients", "invite", "dana@client.test", "--json"], w.env);
    expect(invited.code, invited.stderr).toBe(0);
    danaInvite = await linkMail("dana@client.test", "invite", 0);
    expect(danaInvite.startsWith(`${base}/p/${w.slug}/invite/`)).toBe(true);

    const ctx = await tb.context();
    danaPage = await ctx.newPage();
    expectPageHeaders(await danaPage.goto(danaInvite));
    await expect(danaPage.getByRole("heading", { name: "Create your account" }).isVisible()).resolves.toBe(true);
    await choosePassword(danaPage, "correct horse battery", "Create account");
    await danaPage.waitForURL(`${base}/p/${w.slug}/dashboard`);
    expectPageHeaders(await danaPage.reload());

    const card = (name: string) => danaPage.locator(`[data-appointment="${apt[name]}"]`);
    const joinLink = card("open").getByRole("link", { name: "Join session" });
    expect(await joinLink.getAttribute("href")).toBe(`/p/${w.slug}/appointments/${apt.open}/session`);
    expect(await card("open").textContent()).toContain(formatInZone(starts.open!, TZ, { zone: true }));
    expect(await card("open").textContent()).toContain("Tina Therapist");
    const opens = formatInZone(starts.later! - 15 * MIN, TZ, { zone: true });
    // The time alone, or the whole date when the window opens on the day before (a late-evening run).
    const sameDay = localDateInZone(starts.later! - 15 * MIN, TZ) === localDateInZone(starts.later!, TZ);
    expect(await card("later").textContent()).toContain(`You can join from ${sameDay ? opens.slice(opens.indexOf(", ") + 2) : opens}`);
    expect(await card("later").getByRole("link").count()).toBe(0);
    expect(await card("inPerson").textContent()).toContain("In person");
    expect(await card("inPerson").getByRole("link").count()).toBe(0);
    expect(await danaPage.locator("li.appointment").count()).toBe(3);
    expect(await danaPage.content()).not.toContain(apt.erins!);

    await danaPage.screenshot({ path: join(SHOTS, "client-dashboard-desktop.png") });
    const phone = await tb.context({ phone: true });
    await phone.addCookies(await ctx.cookies());
    const small = await phone.newPage();
    await small.goto(`${base}/p/${w.slug}/dashboard`);
    const box = (await small.locator(`[data-appointment="${apt.open}"]`).getByRole("link", { name: "Join session" }).boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(360);
    expect(box.height).toBeGreaterThanOrEqual(44); // a finger-sized target
    expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await small.screenshot({ path: join(SHOTS, "client-dashboard-phone.png"), scale: "css" });
    await phone.close();
  });

  it("turns the opening time into a Join button by itself when the window opens, without a reload", async () => {
    await book("soon", "dana@client.test", Date.now() + 15 * MIN + 6_000, true);
    await danaPage.reload();
    const card = danaPage.locator(`[data-appointment="${apt.soon}"]`);
    expect(await card.textContent()).toContain("You can join from");
    await danaPage.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    const joinLink = card.getByRole("link", { name: "Join session" });
    await joinLink.waitFor({ timeout: 20_000 });
    expect(Date.now()).toBeGreaterThanOrEqual(starts.soon! - 15 * MIN - 1_000); // not before the window opened
    expect(await joinLink.getAttribute("href")).toBe(`/p/${w.slug}/appointments/${apt.soon}/session`);
    expect(await danaPage.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  });

  it("a reused invite and an expired one show the plain expired page, whose form emails a fresh link", async () => {
    const page = await (await tb.context()).newPage();
    const reused = await page.goto(danaInvite);
    expect(reused!.status()).toBe(410);
    expectPageHeaders(reused);
    expect(await page.getByRole("heading").first().textContent()).toBe("This link has expired or was already used");
    const before = smtp.received.length;
    await page.getByLabel("Your email address").fill("dana@client.test");
    await page.getByRole("button", { name: "Email me a new link" }).click();
    await page.getByText("If that address belongs to a client of Maple Therapy, we've emailed a new link").waitFor();
    await linkMail("dana@client.test", "reset", before); // Dana has an account: a reset link, not an invite

    // Fay's invite expired a minute ago (written directly: the server's clock is the real one).
    const token = newSecret();
    const fay = await sdk.clients.get("fay@client.test");
    const now = Date.now();
    const practice = (await w.server.store.practices.bySlug(w.slug))!;
    await w.server.store.tx((r) => r.links.insert({ id: newId("lnk"), practiceId: practice.id, kind: "portal_invite", subjectId: fay.id, tokenHash: hashSecret(token), expiresAt: now - MIN, usedAt: null, revokedAt: null, createdAt: now - 49 * 60 * MIN }));
    const tampered = danaInvite.slice(0, -2) + (danaInvite.endsWith("AA") ? "BB" : "AA");
    expect((await page.goto(tampered))!.status()).toBe(410);
    const expired = await page.goto(`${base}/p/${w.slug}/invite/${token}`);
    expect(expired!.status()).toBe(410);
    const sent = smtp.received.length;
    await page.getByLabel("Your email address").fill("fay@client.test");
    await page.getByRole("button", { name: "Email me a new link" }).click();
    const fresh = await linkMail("fay@client.test", "invite", sent);
    expectPageHeaders(await page.goto(fresh));
    await choosePassword(page, "Fay's own passphrase", "Create account");
    await page.waitForURL(`${base}/p/${w.slug}/dashboard`);
    expect(await page.getByText("You have no upcoming appointments.").isVisible()).toBe(true);
  });

  it("password reset from the forgot page, end to end; then only the new password signs in", async () => {
    const page = await (await tb.context()).newPage();
    expectPageHeaders(await page.goto(`${base}/p/${w.slug}`));
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    const before = smtp.received.length;
    await page.getByLabel("Your email address").fill("dana@client.test");
    await page.getByRole("button", { name: "Email me a new link" }).click();
    await page.getByText("If that address belongs to a client of Maple Therapy, we've emailed a new link").waitFor();
    const reset = await linkMail("dana@client.test", "reset", before);
    expectPageHeaders(await page.goto(reset));
    await choosePassword(page, "a brand new passphrase", "Set new password");
    await page.waitForURL(`${base}/p/${w.slug}/dashboard`);
    expect((await page.goto(reset))!.status()).toBe(410); // single use

    // The reset ended Dana's other browser session.
    await danaPage.reload();
    expect(danaPage.url()).toBe(`${base}/p/${w.slug}`);

    await page.goto(`${base}/p/${w.slug}/dashboard`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByText("You have signed out.").waitFor();
    const signIn = async (email: string, password: string) => {
      await page.getByLabel("Email address", { exact: true }).fill(email);
      await page.getByLabel("Password", { exact: true }).fill(password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForLoadState();
    };
    for (const [email, password] of [["dana@client.test", "correct horse battery"], ["nobody@client.test", "a brand new passphrase"]]) {
      await signIn(email!, password!);
      expect(await page.getByRole("alert").textContent()).toBe("That email and password don't match. Check them and try again.");
    }
    await signIn("dana@client.test", "a brand new passphrase");
    expect(page.url()).toBe(`${base}/p/${w.slug}/dashboard`);
  });

  it("each client sees only their own appointments", async () => {
    const before = smtp.received.length;
    await sdk.clients.invite("erin@client.test");
    const token = (await linkMail("erin@client.test", "invite", before)).split("/").pop()!;
    await sdk.portal.signup({ token, password: "erin's passphrase" });
    const page = await (await tb.context()).newPage();
    await page.goto(`${base}/p/${w.slug}`);
    await page.getByLabel("Email address", { exact: true }).fill("erin@client.test");
    await page.getByLabel("Password", { exact: true }).fill("erin's passphrase");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${base}/p/${w.slug}/dashboard`);
    const ids = await page.locator("li.appointment").evaluateAll((els) => els.map((e) => e.getAttribute("data-appointment")));
    expect(ids).toEqual([apt.erins]);
    // Erin opening Dana's session page by its address: refused, and nothing of Dana's is shown.
    const own = await page.goto(`${base}/p/${w.slug}/appointments/${apt.erins}/session`);
    expect(own!.status()).toBe(200);
    const other = await page.goto(`${base}/p/${w.slug}/appointments/${apt.open}/session`);
    expect(other!.status()).toBe(403);
    expect(await page.textContent("body")).not.toContain("Dana");
  });

  it("a form without its CSRF token gets a 403 page and signs nobody in; an unknown practice is a 404 page", async () => {
    const page = await (await tb.context()).newPage();
    await page.goto(`${base}/p/${w.slug}`);
    await page.locator('input[name="_csrf"]').evaluate((el) => el.remove());
    await page.getByLabel("Email address", { exact: true }).fill("dana@client.test");
    await page.getByLabel("Password", { exact: true }).fill("a brand new passphrase");
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith("/sign-in")),
      page.getByRole("button", { name: "Sign in" }).click(),
    ]);
    expect(res.status()).toBe(403);
    expectPageHeaders(res);
    await page.getByRole("heading", { name: "This form has expired" }).waitFor();
    await page.goto(`${base}/p/${w.slug}/dashboard`);
    expect(page.url()).toBe(`${base}/p/${w.slug}`);
    const missing = await page.goto(`${base}/p/no-such-practice`);
    expect(missing!.status()).toBe(404);
    expectPageHeaders(missing);
  });
});
