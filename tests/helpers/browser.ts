/**
 * Real headless Chromium (Debian's /usr/bin/chromium) through playwright-core, launched with the
 * flags this closed network needs and a fresh profile directory per browser.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Response } from "playwright-core";
import { expect } from "vitest";

export const CHROMIUM = process.env.TELE_CHROMIUM ?? "/usr/bin/chromium";

const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

export interface TestBrowser {
  browser: Browser;
  /** A fresh context (own cookies); `phone` gives a 360 px wide touch viewport. */
  context(opts?: { phone?: boolean }): Promise<BrowserContext>;
  close(): Promise<void>;
}

/**
 * Launches Chromium (Playwright gives each launch a fresh --user-data-dir); `media` adds the fake
 * camera and microphone, and `askFirst` leaves out the fake permission prompt's automatic Allow, so
 * only what a context was granted (grantPermissions) is allowed.
 */
export async function launchBrowser(opts: { media?: boolean; askFirst?: boolean } = {}): Promise<TestBrowser> {
  const fake = opts.media ? ["--use-fake-device-for-media-stream", ...(opts.askFirst ? [] : ["--use-fake-ui-for-media-stream"])] : [];
  const args = [...FLAGS, ...fake];
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args });
  return {
    browser,
    context: (o = {}) =>
      browser.newContext(o.phone ? { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : { viewport: { width: 1280, height: 800 } }),
    close: () => browser.close(),
  };
}

/**
 * Where tests write screenshots: `docs/screenshots` when TELE_SCREENSHOTS=1 (to refresh the
 * committed ones), otherwise a temporary folder, so an ordinary run leaves the tree clean.
 */
export function screenshotDir(root: string): string {
  if (process.env.TELE_SCREENSHOTS === "1") return join(root, "docs", "screenshots");
  return mkdtempSync(join(tmpdir(), "tele-shots-"));
}

/** The headers every page must carry: a strict CSP, nosniff, no referrer, no framing, no caching. */
export function expectPageHeaders(res: Response | null): void {
  const h = res!.headers();
  expect(h["content-security-policy"]).toMatch(/default-src 'self'.*script-src 'self'.*frame-ancestors 'none'/);
  expect(h["x-content-type-options"]).toBe("nosniff");
  expect(h["referrer-policy"]).toBe("no-referrer");
  expect(h["x-frame-options"]).toBe("DENY");
  expect(h["cache-control"]).toBe("no-store");
}
