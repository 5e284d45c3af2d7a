/**
 * The appointment's life in real headless Chromium against the real server on loopback, mail
 * through a real SMTP server (R24, issue 11). Presence is real: the session pages' event streams
 * in Chromium. Only the calendar is moved by hand: once the pages have left, the appointment's
 * times are written into the past (the server's clock is the real one), so that the server's own
 * auto-complete sweep (every 200 ms here) completes the session, as it would an hour after the end.
 *   - only the provider came → no_show; only the client came → cancelled provider_absent, and the
 *     owner is emailed (no client name); both came → completed;
 *   - while the client waits alone, the provider's dashboard says "Client waiting since 4:02 PM"
 *     without a reload, and stops saying it when the client leaves;
 *   - an open session page says the appointment was cancelled the moment it is cancelled (axe).
 */
import { answerLocation } from "../helpers/location.js";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SqliteStore } from "../../src/server/db/sqlite/store.js";
import { Tele } from "../../src/sdk/index.js";
import { expectAccessible } from "../helpers/axe.js";
import { launchBrowser, type TestBrowser } from "../helpers/browser.js";
import { startSmtp, startWorld, tele, type E2eWorld } from "../helpers/e2e.js";

const MIN = 60_000;

describe("the appointment's life in Chromium (R24)", () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let w: E2eWorld;
  let tb: TestBrowser;
  let sdk: Tele;
  let base: string;
  let tinaEnv: Record<string, string>;
  const sessionUrl = (id: string) => `${base}/p/${w.slug}/appointments/${id}/session`;
  const db = () => (w.server.store as SqliteStore).db;

  const book = async () => {
    const start = new Date(Math.floor((Date.now() + 5 * MIN) / 1000) * 1000).toISOString();
    return (await sdk.appointments.create({ therapist: "tina@maple.test", client: "dana@client.test", start, durationMinutes: 50, allowOverlap: true, telehealth: true })).id;
  };

  async function signInDana(ctx: BrowserContext): Promise<Page> {
    const page = await ctx.newPage();
    await page.goto(`${base}/p/${w.slug}`);
    await page.getByLabel("Email address", { exact: true }).fill("dana@client.test");
    await page.getByLabel("Password", { exact: true }).fill("dana's long password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${base}/p/${w.slug}/dashboard`);
    return page;
  }

  /** Tina signs in through `tele sessions open --print` (the real binary) and lands on the session page. */
  async function tinaOn(ctx: BrowserContext, id: string): Promise<Page> {
    const out = await tele(["sessions", "open", id, "--print", "--json"], tinaEnv);
    expect(out.code, out.stderr).toBe(0);
    const page = await ctx.newPage();
    await page.goto(out.json<{ url: string }>().url);
    await page.waitForURL(sessionUrl(id));
    return page;
  }

  /** Waits until the stored record says nobody is connected (the pages' streams have closed). */
  async function nobodyConnected(id: string) {
    for (let i = 0; i < 200; i++) {
      const rec = db().prepare(`SELECT provider_connected_at AS p, client_connected_at AS c FROM telehealth_sessions WHERE appointment_id = ?`).get(id) as { p: number | null; c: number | null };
      if (rec.p === null && rec.c === null) return;
      await new Promise((ok) => setTimeout(ok, 50));
    }
    throw new Error(`someone is still connected to ${id}`);
  }

  /** Moves the appointment two hours into the past (and its record past the reconnect grace); the sweep does the rest. */
  async function outcomeAfterSweep(id: string) {
    await nobodyConnected(id);
    const now = Date.now();
    db().prepare(`UPDATE appointments SET start_at = ?, end_at = ? WHERE id = ?`).run(now - 3 * 60 * MIN, now - 2 * 60 * MIN - 10 * MIN, id);
    db().prepare(`UPDATE telehealth_sessions SET updated_at = ? WHERE appointment_id = ?`).run(now - 5 * MIN, id);
    for (let i = 0; i < 200; i++) {
      const a = await sdk.appointments.get(id);
      if (a.status !== "scheduled") return a;
      await new Promise((ok) => setTimeout(ok, 50));
    }
    throw new Error(`${id} was not completed by the sweep`);
  }

  beforeAll(async () => {
    [smtp, tb] = await Promise.all([startSmtp(), launchBrowser()]);
    w = await startWorld({ smtpUrl: smtp.url, serverEnv: { TELE_SESSION_SWEEP_MS: "200" } });
    base = w.server.url;
    sdk = new Tele({ url: base, token: w.ownerToken });
    await sdk.staff.add({ name: "Tina Therapist", email: "tina@maple.test", roles: ["therapist"] });
    await sdk.staff.enableTeletherapy("tina@maple.test");
    await sdk.clients.add({ name: "Dana Client", email: "dana@client.test", state: "NJ" });
    await sdk.clients.invite("dana@client.test");
    const invite = await smtp.waitFor((m) => m.to === "dana@client.test" && m.text.includes("/invite/"));
    await sdk.portal.signup({ token: /\/invite\/([A-Za-z0-9_-]{43})/.exec(invite.text)![1]!, password: "dana's long password" });
    const token = await tele(["staff", "token", "tina@maple.test", "--json"], w.env);
    expect(token.code, token.stderr).toBe(0);
    tinaEnv = { TELE_CONFIG_DIR: w.configDir, TELE_URL: base, TELE_TOKEN: token.json<{ token: string }>().token };
  }, 120_000);
  afterAll(async () => {
    await tb?.close();
    await w?.close();
    await smtp?.close();
  });

  it("only the provider came: the session completes by itself as a no-show", async () => {
    const id = await book();
    const ctx = await tb.context();
    const page = await tinaOn(ctx, id);
    await page.getByRole("heading", { name: "Waiting for your client, Dana" }).waitFor();
    await ctx.close();
    expect(await outcomeAfterSweep(id)).toMatchObject({ status: "no_show", session: { state: "completed" } });
  }, 120_000);

  it("the client waited alone: the dashboard says since when without a reload; then cancelled provider_absent, the owner emailed", async () => {
    const id = await book();
    const staff = await tb.context();
    // The sign-in link lands on the session page; its stream is held back so that Tina is never present there.
    await staff.route("**/session/events", (r) => r.abort());
    const dash = await tinaOn(staff, id);
    await dash.goto(`${base}/p/${w.slug}/staff`);
    await dash.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    const line = dash.locator(`[data-waiting-for="${id}"]`);
    expect(await line.isHidden()).toBe(true);

    const client = await tb.context();
    const dana = await signInDana(client);
    await dana.goto(sessionUrl(id));
    await answerLocation(dana); // R27: where the client is, before the waiting room
    await dana.getByRole("heading", { name: "Waiting for Tina Therapist" }).waitFor();
    await line.waitFor({ state: "visible", timeout: 10_000 });
    const since = (db().prepare(`SELECT client_connected_at AS t FROM telehealth_sessions WHERE appointment_id = ?`).get(id) as { t: number }).t;
    const expected = new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", hour: "numeric", minute: "2-digit" }).format(new Date(since));
    expect(await line.textContent()).toBe(`Client waiting since ${expected}`);
    expect(await dash.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await expectAccessible(dash, "dashboard with a client waiting");

    await client.close();
    await line.waitFor({ state: "hidden", timeout: 10_000 });
    await staff.close();
    expect(await outcomeAfterSweep(id)).toMatchObject({ status: "cancelled", cancelReason: "provider_absent" });
    const mail = await smtp.waitFor((m) => m.to === "owner@maple.test" && m.subject.includes(id));
    expect(mail.subject).not.toContain("Dana");
    expect(mail.text).not.toContain("Dana");
  }, 120_000);

  it("both came: completed", async () => {
    const id = await book();
    const [staff, client] = [await tb.context(), await tb.context()];
    const dana = await signInDana(client);
    await dana.goto(sessionUrl(id));
    await answerLocation(dana); // R27: where the client is, before the waiting room
    const tina = await tinaOn(staff, id);
    await tina.getByRole("heading", { name: "You're in the session with Dana" }).waitFor();
    await dana.getByRole("heading", { name: "You're in the session with Tina Therapist" }).waitFor();
    await client.close();
    await staff.close();
    expect(await outcomeAfterSweep(id)).toMatchObject({ status: "completed", session: { state: "completed" } });
  }, 120_000);

  it("an open session page says the appointment was cancelled the moment it is (no reload, axe)", async () => {
    const id = await book();
    const client = await tb.context();
    const dana = await signInDana(client);
    await dana.goto(sessionUrl(id));
    await answerLocation(dana); // R27: where the client is, before the waiting room
    await dana.getByRole("heading", { name: "Waiting for Tina Therapist" }).waitFor();
    await dana.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    const out = await tele(["appointments", "cancel", id, "--reason", "therapist unwell"], w.env);
    expect(out.code, out.stderr).toBe(0);
    await dana.getByRole("heading", { name: "This appointment was cancelled" }).waitFor({ timeout: 10_000 });
    expect(await dana.locator('[data-view="waiting"]').isHidden()).toBe(true);
    expect(await dana.locator("#session-status").textContent()).toBe("This appointment was cancelled");
    expect(await dana.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await expectAccessible(dana, "session page after the appointment was cancelled");
    await dana.reload();
    await dana.getByText("This appointment was cancelled.", { exact: true }).waitFor();
    await expectAccessible(dana, "session page of a cancelled appointment");
    await client.close();
  }, 120_000);
});
