/**
 * WCAG 2.2 AA on every page and state, in real headless Chromium against the real server on
 * loopback (mail through a real SMTP server): axe-core finds no critical or serious violation at
 * 1280 and 360 px, every focus indicator has 3:1 against its surroundings, every button and
 * link-button is at least 24 × 24 px, nothing scrolls sideways at 320 px, and focus goes to the new
 * view's heading when the call starts and when the session ends. One browser; contexts are reused.
 */
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Tele } from "../../src/sdk/index.js";
import { hashSecret, newId, newSecret } from "../../src/server/domain/shared/crypto.js";
import { checkPage, focused } from "../helpers/a11y.js";
import { launchBrowser, type TestBrowser } from "../helpers/browser.js";
import { startSmtp, startWorld, type E2eWorld } from "../helpers/e2e.js";
import { answerLocation } from "../helpers/location.js";

const MIN = 60_000;
// Long enough to overflow a 320 px screen unless the pages wrap them.
const THEO = { name: "Theodora Maximiliana Longname-Fitzgerald", email: "theodora.maximiliana.longname-fitzgerald@maple-therapy-and-counselling.test" };

describe("accessibility of every page (WCAG 2.2 AA) in Chromium", () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let w: E2eWorld;
  let tb: TestBrowser;
  let sdk: Tele;
  let base: string;
  let anon: Page;
  let dana: Page;
  let tina: Page;
  const apt: Record<string, string> = {};
  const contexts: BrowserContext[] = [];
  const url = (path: string) => `${base}/p/${w.slug}${path}`;
  const sessionUrl = (name: string) => url(`/appointments/${apt[name]}/session`);

  /** The first link in the next mail to `to` that matches `re` and arrived after `after` mails. */
  async function mailedLink(to: string, re: RegExp, after = 0): Promise<string> {
    const m = await smtp.waitFor((x) => smtp.received.indexOf(x) >= after && x.to === to && re.test(x.text));
    return re.exec(m.text)![0]!;
  }
  async function newPage(): Promise<Page> {
    const ctx = await tb.context();
    contexts.push(ctx);
    return ctx.newPage();
  }
  /** Goes to `path` and expects `status` with `heading` as the page's h1. */
  async function visit(page: Page, target: string, status: number, heading: string | RegExp): Promise<void> {
    const res = await page.goto(target.startsWith("http") ? target : url(target));
    expect(res!.status(), target).toBe(status);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toMatch(heading);
  }
  /** Sets a staff member's password through the emailed invite (checking that page when `check`); returns their dashboard. */
  async function staffWithPassword(email: string, password: string, check: boolean): Promise<Page> {
    const page = await newPage();
    await visit(page, await mailedLink(email, new RegExp(`${base}/p/${w.slug}/staff/welcome/[A-Za-z0-9_-]{43}`)), 200, /^Welcome, /);
    if (check) await checkPage(page, "staff password page (long name and email)");
    await page.getByLabel("New password", { exact: true }).fill(password);
    await page.getByLabel("New password again").fill(password);
    await page.getByRole("button", { name: "Set password and sign in" }).click();
    await page.waitForURL(url("/staff"));
    return page;
  }

  beforeAll(async () => {
    [smtp, tb] = await Promise.all([startSmtp(), launchBrowser()]);
    // Zoom chosen but not set up: the page says video is not set up (the built-in call is checked in call.test.ts).
    w = await startWorld({ smtpUrl: smtp.url, serverEnv: { TELE_VIDEO: "zoom" } });
    base = w.server.url;
    sdk = new Tele({ url: base, token: w.ownerToken });
    await sdk.staff.add({ name: "Tina Therapist", email: "tina@maple.test", roles: ["therapist"] });
    await sdk.staff.add({ name: THEO.name, email: THEO.email, roles: ["therapist"] });
    for (const t of ["tina@maple.test", THEO.email]) await sdk.staff.enableTeletherapy(t);
    for (const [name, state] of [["Dana Client", "NJ"], ["Erin Client", "NY"]]) {
      await sdk.clients.add({ name, email: `${name.split(" ")[0]!.toLowerCase()}@client.test`, state });
    }
    await sdk.clients.invite("dana@client.test");
    const token = (await mailedLink("dana@client.test", /\/invite\/[A-Za-z0-9_-]{43}/)).split("/").pop()!;
    await sdk.portal.signup({ token, password: "dana's long password" });
    const at = (ms: number) => new Date(Math.floor((Date.now() + ms) / 1000) * 1000).toISOString();
    const book = async (name: string, therapist: string, client: string, inMs: number, telehealth = true) =>
      (apt[name] = (await sdk.appointments.create({ therapist, client, start: at(inMs), durationMinutes: 50, allowPast: true, allowOverlap: true, telehealth })).id);
    await book("live", "tina@maple.test", "dana@client.test", 5 * MIN);
    await book("waiting", "tina@maple.test", "erin@client.test", 10 * MIN);
    await book("later", "tina@maple.test", "dana@client.test", 3 * 60 * MIN);
    await book("inPerson", "tina@maple.test", "dana@client.test", 26 * 60 * MIN, false);
    await book("theos", THEO.email, "erin@client.test", 3 * 60 * MIN);
    anon = await newPage();
  });
  afterAll(async () => {
    await tb?.close();
    await w?.close();
    await smtp?.close();
  });

  it("client portal: sign-in, forgot, link sent, reset, invite (sign-up), expired link, dashboard", async () => {
    await visit(anon, "", 200, "Sign in to your client portal");
    await checkPage(anon, "portal sign-in");
    await visit(anon, "/forgot", 200, "Forgot your password?");
    await checkPage(anon, "forgot password");
    const sent = smtp.received.length;
    await anon.getByLabel("Your email address").fill("dana@client.test");
    await anon.getByRole("button", { name: "Email me a new link" }).click();
    await anon.getByRole("heading", { name: "Check your email" }).waitFor();
    await checkPage(anon, "link sent");
    await visit(anon, await mailedLink("dana@client.test", new RegExp(`${base}/p/${w.slug}/reset/[A-Za-z0-9_-]{43}`), sent), 200, "Choose a new password");
    await checkPage(anon, "reset password");
    await sdk.clients.invite("erin@client.test");
    const invite = await mailedLink("erin@client.test", new RegExp(`${base}/p/${w.slug}/invite/[A-Za-z0-9_-]{43}`));
    await visit(anon, invite, 200, "Create your account");
    await checkPage(anon, "sign-up (invite)");
    await visit(anon, invite.slice(0, -3) + "AAA", 410, "This link has expired or was already used");
    await checkPage(anon, "expired link");

    dana = await newPage();
    await dana.goto(url(""));
    await dana.getByLabel("Email address", { exact: true }).fill("dana@client.test");
    await dana.getByLabel("Password", { exact: true }).fill("dana's long password");
    await dana.getByRole("button", { name: "Sign in" }).click();
    await dana.waitForURL(url("/dashboard"));
    expect(await dana.getByRole("link", { name: "Join session" }).count()).toBe(1);
    expect(await dana.getByText(/^You can join from/).count()).toBe(1);
    await checkPage(dana, "client dashboard (Join, and You can join from…)");
  });

  it("staff: sign-in, password page, dashboard with and without the alert, appointment page", async () => {
    await visit(anon, "/staff/sign-in", 200, "Staff sign-in");
    await checkPage(anon, "staff sign-in");
    tina = await staffWithPassword("tina@maple.test", "tina's long password", false);
    await tina.locator("#session-alert").waitFor({ state: "visible" });
    await checkPage(tina, "provider dashboard with the alert");
    const theo = await staffWithPassword(THEO.email, "theo's long password", true);
    expect(await theo.locator("#session-alert").isVisible()).toBe(false);
    await checkPage(theo, "provider dashboard without the alert (long name)");
    await visit(tina, `/staff/appointments/${apt.live}`, 200, "Appointment with Dana Client");
    await checkPage(tina, "appointment page");
    await visit(tina, `/staff/appointments/${apt.theos}`, 403, "Not allowed");
    await checkPage(tina, "403 page");
  });

  it("session page: waiting, live and ended for both sides; focus moves to the new view's heading", async () => {
    await visit(dana, sessionUrl("live"), 200, "Telehealth session");
    await checkPage(dana, "session, the client's location step (R27)");
    await answerLocation(dana);
    await dana.getByRole("heading", { name: "Waiting for Tina Therapist" }).waitFor();
    await dana.locator('[data-video-state="not-configured"]').waitFor({ state: "attached" });
    expect(await dana.locator("[data-video-problem-box]").isVisible()).toBe(true);
    await checkPage(dana, "session, client waiting, video not set up (problem box)");
    await visit(tina, sessionUrl("waiting"), 200, "Telehealth session");
    await tina.getByRole("heading", { name: "Waiting for your client, Erin" }).waitFor();
    await checkPage(tina, "session, provider waiting");

    // The call starts (the provider arrives): the client's page moves focus to its new heading, but
    // a second tab of hers, where she is on a link outside the room, keeps its focus there.
    const busy = await dana.context().newPage();
    await busy.goto(sessionUrl("live"));
    await busy.getByRole("link", { name: "Back to your dashboard" }).focus();
    await tina.goto(sessionUrl("live"));
    await tina.getByRole("heading", { name: "You're in the session with Dana" }).waitFor();
    await dana.getByRole("heading", { name: "You're in the session with Tina Therapist" }).waitFor({ timeout: 10_000 });
    await dana.waitForFunction(() => document.activeElement?.matches('[data-view="live"] h2'));
    expect(await focused(dana)).toEqual({ tag: "h2", text: "You're in the session with Tina Therapist" });
    expect(await dana.locator("#session-status").textContent()).toBe("You're in the session with Tina Therapist");
    await busy.waitForFunction(() => document.getElementById("session-status")?.textContent === "You're in the session with Tina Therapist");
    expect(await focused(busy)).toEqual({ tag: "a", text: "Back to your dashboard" });
    await busy.close();
    await checkPage(dana, "session, client live");
    await checkPage(tina, "session, provider live");

    // End session from the keyboard: focus lands on "This session has ended" on both pages.
    await tina.getByRole("button", { name: "End session" }).focus();
    await tina.keyboard.press("Enter");
    await tina.getByRole("heading", { name: "This session has ended" }).waitFor({ timeout: 10_000 });
    await tina.waitForFunction(() => document.activeElement?.matches('[data-view="ended"] h2'));
    expect(await focused(tina)).toEqual({ tag: "h2", text: "This session has ended" });
    await dana.waitForFunction(() => document.activeElement?.matches('[data-view="ended"] h2'), undefined, { timeout: 10_000 });
    expect(await dana.locator("#session-status").textContent()).toBe("This session has ended");
    await checkPage(tina, "session, provider ended");
    await checkPage(dana, "session, client ended");
  });

  it("join-link pages (used, expired) and the error pages (404, 403, 410, 413, 429)", async () => {
    const join = await mailedLink("dana@client.test", new RegExp(`${base}/j/[A-Za-z0-9_-]{43}`));
    await visit(dana, join, 410, "This join link does not work"); // the session it was for has ended
    await checkPage(dana, "join link, used");
    const token = newSecret();
    const practice = (await w.server.store.practices.bySlug(w.slug))!;
    const client = await sdk.clients.get("dana@client.test");
    await w.server.store.tx((r) => r.links.insert({ id: newId("lnk"), practiceId: practice.id, kind: "join", subjectId: client.id, appointmentId: apt.later!,
      tokenHash: hashSecret(token), expiresAt: Date.now() - MIN, usedAt: null, revokedAt: null, createdAt: Date.now() - 60 * MIN }));
    await visit(dana, `${base}/j/${token}`, 410, "This join link does not work");
    await checkPage(dana, "join link, expired");
    await visit(anon, `${base}/p/no-such-practice`, 404, "Not found");
    await checkPage(anon, "404 page");

    // 413: a form far larger than a page takes.
    await anon.goto(url("/staff/sign-in"));
    await anon.locator('input[name="_csrf"]').evaluate((el: HTMLInputElement) => (el.value = "x".repeat(70_000)));
    await anon.getByLabel("Email").fill("someone@maple.test");
    await anon.getByLabel("Password").fill("a password");
    const [big] = await Promise.all([anon.waitForNavigation(), anon.getByRole("button", { name: "Sign in" }).click()]);
    expect(big!.status()).toBe(413);
    await checkPage(anon, "413 page");

    // 429: past the sign-in limit for one account (ten a quarter-hour), the last attempt from the page's form.
    await anon.goto(url(""));
    const csrf = await anon.locator('input[name="_csrf"]').inputValue();
    for (let i = 0; i < 10; i++) await anon.request.post(url("/sign-in"), { form: { _csrf: csrf, email: "nobody@client.test", password: "not the password" } });
    await anon.getByLabel("Email address").fill("nobody@client.test");
    await anon.getByLabel("Password").fill("not the password");
    const [limited] = await Promise.all([anon.waitForNavigation(), anon.getByRole("button", { name: "Sign in" }).click()]);
    const status = limited!.status();
    const retryAfter = Number(limited!.headers()["retry-after"]);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect(status).toBe(429);
    expect(await anon.getByRole("heading", { level: 1 }).textContent()).toBe("Too many attempts");
    await checkPage(anon, "429 page");
  });
});
