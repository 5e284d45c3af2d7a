/**
 * The consent step (issue 12, R26) in real headless Chromium against the real server on a loopback
 * port, mail through real SMTP on loopback: a client pressing Join is sent to the consent page
 * first (the full text, their typed name, I agree), signs, and lands in the session; the practice
 * changes its text, and the same client is asked again and signs again. The page passes axe-core
 * (WCAG 2.2 AA) before and with an error, fits a phone, and staff are never asked.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Tele } from "../../src/sdk/index.js";
import { checkPage } from "../helpers/a11y.js";
import { expectAccessible } from "../helpers/axe.js";
import { expectPageHeaders, launchBrowser, screenshotDir, type TestBrowser } from "../helpers/browser.js";
import { ROOT, startSmtp, startWorld, type E2eWorld } from "../helpers/e2e.js";

const MIN = 60_000;
const SHOTS = screenshotDir(ROOT);
const TEXT_1 = "Consent to telehealth\n\nI agree to receive therapy by secure video with Maple Therapy.\nIf the call drops, my therapist will phone me.";
const TEXT_2 = `${TEXT_1}\n\nSessions are never recorded.`;

describe("telehealth consent in Chromium", () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let w: E2eWorld;
  let tb: TestBrowser;
  let sdk: Tele;
  let base: string;
  let apt = "";
  let gina: Page;
  const sessionUrl = () => `${base}/p/${w.slug}/appointments/${apt}/session`;

  beforeAll(async () => {
    [smtp, tb] = await Promise.all([startSmtp(), launchBrowser()]);
    w = await startWorld({ smtpUrl: smtp.url });
    base = w.server.url;
    sdk = new Tele({ url: base, token: w.ownerToken });
    await sdk.staff.add({ name: "Tina Therapist", email: "tina@maple.test", roles: ["therapist"] });
    await sdk.staff.enableTeletherapy("tina@maple.test");
    const client = await sdk.clients.add({ name: "Gina Client", email: "gina@client.test", state: "NJ" });
    apt = (await sdk.appointments.create({ therapist: "tina@maple.test", client: client.id, start: new Date(Math.floor((Date.now() + 10 * MIN) / 1000) * 1000).toISOString(), durationMinutes: 50, telehealth: true })).id;
    await sdk.clients.invite(client.id);
    const mail = await smtp.waitFor((m) => m.to === "gina@client.test" && m.text.includes("/invite/"));
    await sdk.portal.signup({ token: /\/invite\/([A-Za-z0-9_-]+)/.exec(mail.text)![1]!, password: "gina's passphrase" });
    await sdk.consent.set(TEXT_1);
    gina = await (await tb.context()).newPage();
    await gina.goto(`${base}/p/${w.slug}`);
    await gina.getByLabel("Email address", { exact: true }).fill("gina@client.test");
    await gina.getByLabel("Password", { exact: true }).fill("gina's passphrase");
    await gina.getByRole("button", { name: "Sign in" }).click();
    await gina.waitForURL(`${base}/p/${w.slug}/dashboard`);
  }, 120_000);
  afterAll(async () => {
    await tb?.close();
    await w?.close();
    await smtp?.close();
  });

  /** On the consent page: types `name` and presses I agree. */
  async function sign(page: Page, name: string) {
    await page.getByLabel("Type your full name to sign").fill(name);
    await page.getByRole("button", { name: "I agree" }).click();
  }

  it("Join leads to the consent page first: the whole text in its own region, accessible; an empty name is said next to the field", async () => {
    await gina.getByRole("link", { name: "Join session" }).click();
    await gina.waitForURL((u) => u.pathname === `/p/${w.slug}/consent`);
    expect(new URL(gina.url()).searchParams.get("next")).toBe(new URL(sessionUrl()).pathname);
    expectPageHeaders(await gina.reload());
    expect(await gina.getByRole("heading", { level: 1 }).textContent()).toBe("Consent to telehealth");
    const region = gina.getByRole("region", { name: "Maple Therapy: telehealth consent, version 1" });
    expect(await region.locator(".consent-body").innerText()).toBe(TEXT_1);
    await expectAccessible(gina, "the consent page");
    await checkPage(gina, "the consent page"); // also target sizes, focus rings, and no sideways scrolling at 320 px

    await gina.getByRole("button", { name: "I agree" }).click();
    await gina.getByText("Type your full name to sign.", { exact: true }).waitFor();
    const field = gina.getByLabel("Type your full name to sign");
    expect(await field.getAttribute("aria-invalid")).toBe("true");
    const described = (await field.getAttribute("aria-describedby"))!.split(" ");
    expect(await gina.locator(`[id="${described[0]}"]`).textContent()).toBe("Type your full name to sign.");
    await checkPage(gina, "the consent page with an error");
    mkdirSync(SHOTS, { recursive: true });
    await gina.screenshot({ path: join(SHOTS, "client-consent-error.png"), fullPage: true });
    expect((await sdk.clients.get("gina@client.test")).consent).toEqual({ status: "none" });
  });

  it("signing sends the client on into the session; the client record shows version 1", async () => {
    await sign(gina, "Gina Client");
    await gina.waitForURL(sessionUrl());
    expect(await gina.getByRole("heading", { level: 1 }).textContent()).toBe("Telehealth session");
    expect((await sdk.clients.get("gina@client.test")).consent).toMatchObject({ status: "current", version: 1 });
    const rows = (await sdk.audit.list({ action: "client.consent.accept" })).items;
    expect(rows).toHaveLength(1);
    await gina.reload();
    expect(gina.url()).toBe(sessionUrl()); // not asked twice for the same version
  });

  it("after the practice changes the text, the client is asked again, says so, and signs again", async () => {
    expect((await sdk.consent.set(TEXT_2)).version).toBe(2);
    expect((await sdk.clients.get("gina@client.test")).consent.status).toBe("outdated");
    await gina.goto(sessionUrl());
    await gina.waitForURL((u) => u.pathname === `/p/${w.slug}/consent`);
    await gina.getByText("Maple Therapy has changed its telehealth consent since you signed it").waitFor();
    expect(await gina.getByRole("region", { name: "Maple Therapy: telehealth consent, version 2" }).locator(".consent-body").innerText()).toBe(TEXT_2);
    await sign(gina, "gina client");
    await gina.waitForURL(sessionUrl());
    expect((await sdk.clients.get("gina@client.test")).consent).toMatchObject({ status: "current", version: 2 });
    expect((await sdk.audit.list({ action: "client.consent.accept" })).items).toHaveLength(2);
  });

  it("fits a phone: no sideways scrolling, a finger-sized I agree", async () => {
    await sdk.consent.set(`${TEXT_2}\n\nA long-word-that-must-wrap-${"x".repeat(120)}`);
    const phone = await tb.context({ phone: true });
    await phone.addCookies(await gina.context().cookies());
    const small = await phone.newPage();
    await small.goto(sessionUrl());
    await small.waitForURL((u) => u.pathname === `/p/${w.slug}/consent`);
    const box = (await small.getByRole("button", { name: "I agree" }).boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(360);
    expect(box.height).toBeGreaterThanOrEqual(44);
    expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await expectAccessible(small, "the consent page on a phone");
    await small.screenshot({ path: join(SHOTS, "client-consent-phone.png"), scale: "css", fullPage: true });
    await phone.close();
  });

  it("staff are never asked: the therapist's sign-in link opens the session page itself", async () => {
    const tinaToken = (await sdk.staff.createToken("tina@maple.test")).token;
    const link = await new Tele({ url: base, token: tinaToken }).appointments.signInLink(apt);
    const page = await (await tb.context()).newPage();
    await page.goto(link.url);
    expect(page.url()).toBe(sessionUrl());
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Telehealth session");
  });
});
