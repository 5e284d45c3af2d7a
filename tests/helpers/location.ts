/**
 * The client's "Where are you right now?" step (R27) in a real page: answered as a person would,
 * by label, when the session page asks. Browser tests that are about the waiting room or the call
 * call this after opening the client's session page.
 */
import type { Page } from "playwright-core";

export interface Answer {
  /** A state code, or "outside_us"; the pre-filled residence when absent. */
  state?: string;
  place?: "home" | "elsewhere";
  phone?: string;
}

/** Answers the step if the page shows it, and waits for the page that follows; false when it was not asked. */
export async function answerLocation(page: Page, a: Answer = {}): Promise<boolean> {
  if ((await page.locator("form.location-form").count()) === 0) return false;
  if (a.state) await page.getByLabel("State or territory you are in now").selectOption(a.state);
  if (a.state !== "outside_us") {
    await page.getByLabel(a.place === "elsewhere" ? /^Somewhere else/ : "At home").check();
    const phone = page.getByLabel("A phone number to reach you if the call drops");
    if (a.phone !== undefined || !(await phone.inputValue())) await phone.fill(a.phone ?? "555 010 0100");
  }
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/session/location") && r.request().method() === "POST"),
    page.getByRole("button", { name: "Continue to the waiting room" }).click(),
  ]);
  await page.waitForLoadState("domcontentloaded");
  return true;
}
