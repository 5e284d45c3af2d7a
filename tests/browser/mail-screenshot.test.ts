/**
 * The HTML part of a telehealth confirmation (R23) as a client's mail app would show it: delivered
 * through a real SMTP server, rendered in real headless Chromium, checked with axe, and saved as
 * docs/mail-confirmation.png for the README.
 */
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { smtpTransport } from "../../src/server/domain/mail/transports.js";
import { MailWorker } from "../../src/server/domain/mail/worker.js";
import { updatePractice } from "../../src/server/domain/practice/service.js";
import { expectAccessible } from "../helpers/axe.js";
import { launchBrowser, type TestBrowser } from "../helpers/browser.js";
import { ROOT } from "../helpers/e2e.js";
import { startMailbox } from "../helpers/mailbox.js";
import { book, makeWorld } from "../helpers/server.js";

describe("the confirmation mail in a browser", () => {
  let browser: TestBrowser | undefined;
  afterAll(async () => browser?.close());

  it("shows when, with whom, how to join and whom to ask; its button opens the appointment's page; saved as a screenshot", async () => {
    const w = await makeWorld();
    const box = await startMailbox();
    try {
      await updatePractice(w.deps, w.p.owner, { contact: "(555) 010-0199" });
      const apt = await book(w, { client: w.p.alice, start: "2026-12-03T16:00", telehealth: true });
      const worker = new MailWorker({ store: w.store, transport: await smtpTransport(box.url, "tele <no-reply@tele.test>", () => "tele.test"), clock: w.deps.clock });
      await worker.pass();
      await worker.stop();
      const [mail] = await box.waitFor("alice@client.test");
      browser = await launchBrowser();
      const page = await (await browser.context()).newPage();
      await page.setViewportSize({ width: 680, height: 900 });
      await page.setContent(mail!.html as string);
      await expect(page.getByRole("heading", { name: "Your video appointment is booked" }).isVisible()).resolves.toBe(true);
      const button = page.getByRole("link", { name: "Open the appointment in your portal" });
      await expect(button.getAttribute("href")).resolves.toBe(`http://tele.test/p/maple-therapy/appointments/${apt.id}/session`);
      const text = await page.locator("body").innerText();
      for (const s of ["Thursday, December 3, 2026, 4:00 PM – 4:50 PM EST", "Tina Therapist, Maple Therapy", "(555) 010-0199", "http://tele.test/p/maple-therapy"]) {
        expect(text).toContain(s);
      }
      await expectAccessible(page, "the confirmation mail");
      await page.screenshot({ path: join(ROOT, "docs", "mail-confirmation.png"), fullPage: true });
    } finally {
      await box.close();
      await w.store.close();
    }
  });
});
