/**
 * R27 and R25 on the session pages in real headless Chromium, against the real server on loopback
 * with mail through a real SMTP server: the client's "Where are you right now?" step (labels,
 * fieldset and legend, errors tied to their fields, a 360 px phone), a location outside the U.S.
 * (the client cannot join and is given the practice's contact), an unlicensed state under `warn`
 * (the client joins; the provider's open page shows the answer and the warning without a reload)
 * and under `refuse` (the client cannot join; both pages say why). axe-core on each page.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Tele } from "../../src/sdk/index.js";
import { expectAccessible } from "../helpers/axe.js";
import { launchBrowser, type TestBrowser } from "../helpers/browser.js";
import { startSmtp, startWorld, type E2eWorld } from "../helpers/e2e.js";
import { answerLocation } from "../helpers/location.js";
import { bookNow, clientPage, people, providerPage } from "./call-helpers.js";

let smtp: Awaited<ReturnType<typeof startSmtp>>;
let w: E2eWorld;
let tb: TestBrowser;
let sdk: Tele;
let tina: string;
let dana: string;

beforeAll(async () => {
  smtp = await startSmtp();
  w = await startWorld({ smtpUrl: smtp.url });
  ({ sdk, tina, dana } = await people(w, smtp, "loc"));
  // Dana lives in NJ; Tina is licensed in New York only.
  await sdk.staff.update(tina, { licensedIn: ["NY"] });
  await sdk.practices.update({ contact: "(555) 010-0199" });
  tb = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await tb?.close();
  await w?.close();
  await smtp?.close();
});

const sessionUrl = (id: string) => `${w.server.url}/p/${w.slug}/appointments/${id}/session`;

/** The client's page on the session, before they answered (clientPage would answer for them). */
async function clientAt(id: string, phone = false): Promise<Page> {
  const page = await clientPage(await tb.context({ phone }), w, dana);
  await page.goto(sessionUrl(id));
  return page;
}

describe("where the client is, at every session (R27)", () => {
  it("asks before the waiting room, pre-filled from the residence, accessible, with errors tied to their fields, on a phone", async () => {
    const id = await bookNow(sdk, tina, dana);
    const page = await clientAt(id, true);
    await page.getByRole("heading", { name: "Where are you right now?" }).waitFor();
    expect(await page.locator("[data-session-events]").count()).toBe(0);
    expect(await page.getByLabel("State or territory you are in now").inputValue()).toBe("NJ");
    expect(await page.getByRole("group", { name: "Are you at home?" }).count()).toBe(1);
    await expectAccessible(page, "the location step");
    // No sideways scrolling at 360 px.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    // Nothing chosen for the place and a phone that is no phone: the form comes back saying what to fix.
    await page.getByLabel("A phone number to reach you if the call drops").fill("later");
    await page.getByRole("button", { name: "Continue to the waiting room" }).click();
    await page.locator("#loc-phone-error").waitFor();
    const phone = page.getByLabel("A phone number to reach you if the call drops");
    expect(await phone.getAttribute("aria-describedby")).toBe("loc-phone-hint loc-phone-error");
    expect(await phone.getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("fieldset").getAttribute("aria-describedby")).toBe("loc-place-error");
    expect(await page.locator("#loc-place-error").textContent()).toContain("at home or somewhere else");
    await expectAccessible(page, "the location step with errors");
    await answerLocation(page, { place: "home", phone: "555 010 0142" });
    await page.getByRole("heading", { name: "Waiting for Tina Therapist" }).waitFor();
    expect(await page.locator(".location-answer").textContent()).toContain("You told us you are in New Jersey (NJ), at home.");
    await page.context().close();
  }, 90_000);

  it("outside the U.S. the client cannot join; the page says why and gives the practice's contact; the provider sees it", async () => {
    const id = await bookNow(sdk, tina, dana);
    const page = await clientAt(id);
    await answerLocation(page, { state: "outside_us" });
    await page.getByRole("heading", { name: "You cannot join this session" }).waitFor();
    const text = await page.locator("main").textContent();
    expect(text).toContain("only with clients who are in the U.S. at the time of the session");
    expect(text).toContain("Contact Maple Therapy at (555) 010-0199");
    expect(await page.locator("[data-session-events]").count()).toBe(0);
    await expectAccessible(page, "the client kept out from abroad");
    const provider = await providerPage(await tb.context(), sdk, id);
    expect(await provider.locator("[data-client-location]").textContent()).toContain("says they are outside the U.S., so they cannot join");
    await page.context().close();
    await provider.context().close();
  }, 90_000);

  it("warn: in a state the therapist is not licensed in, the client joins and the provider's open page shows the answer and a warning", async () => {
    const id = await bookNow(sdk, tina, dana);
    const provider = await providerPage(await tb.context(), sdk, id);
    const panel = provider.locator("[data-client-location]");
    await panel.waitFor();
    expect(await panel.textContent()).toContain("has not said yet");
    const page = await clientAt(id);
    await answerLocation(page, { place: "elsewhere", phone: "555 010 0177" });
    await page.getByRole("heading", { name: "Waiting for Tina Therapist" }).waitFor({ timeout: 15_000 }).catch(async () => {
      await page.getByRole("heading", { name: "You're in the session with Tina Therapist" }).waitFor({ timeout: 15_000 });
    });
    // The provider's page was open before the client answered: the panel changes by itself.
    await provider.locator("[data-client-location]", { hasText: "New Jersey (NJ)" }).waitFor({ timeout: 15_000 });
    const shown = await provider.locator("[data-client-location]").textContent();
    expect(shown).toContain("Somewhere else (place of service 02)");
    expect(shown).toContain("555 010 0177");
    expect(shown).toContain("Warning: Tina Therapist is not licensed in New Jersey (NJ) (licensed in: NY)");
    await expectAccessible(provider, "the provider's page with the licensure warning");
    await page.context().close();
    await provider.context().close();
  }, 90_000);

  it("refuse: the client cannot join from a state the therapist is not licensed in, and both pages say why", async () => {
    const id = await bookNow(sdk, tina, dana);
    await sdk.practices.update({ licensure: "refuse" });
    try {
      const page = await clientAt(id);
      await answerLocation(page, { place: "home" });
      await page.getByRole("heading", { name: "You cannot join this session" }).waitFor();
      expect(await page.locator("main").textContent()).toContain("You cannot join this session from New Jersey (NJ): Tina Therapist is not licensed there");
      expect(await page.locator("[data-session-events]").count()).toBe(0);
      await expectAccessible(page, "the client kept out under refuse");
      // The stream is refused to them too, whatever a page tries.
      const status = await page.evaluate(async (url) => (await fetch(url)).status, `${sessionUrl(id)}/events`);
      expect(status).toBe(422);
      const provider = await providerPage(await tb.context(), sdk, id);
      expect(await provider.locator("[data-client-location]").textContent()).toContain("The practice refuses such sessions, so Dana cannot join and has been told why.");
      await expectAccessible(provider, "the provider's page under refuse");
      await page.context().close();
      await provider.context().close();
    } finally {
      await sdk.practices.update({ licensure: "warn" });
    }
  }, 90_000);
});
