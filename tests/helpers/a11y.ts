/**
 * The WCAG 2.2 AA checks axe-core cannot make, measured in the real page: the focus indicator's
 * contrast against what surrounds it (SC 1.4.11, 2.4.7), target sizes (SC 2.5.8), reflow at
 * 320 CSS px (SC 1.4.10), and where focus is. `checkPage` runs them all with axe at 1280 and 360 px.
 */
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { expectAccessible } from "./axe.js";

/** WCAG's contrast ratio of two sRGB colours given as [r, g, b] (0–255). */
export function contrast(a: number[], b: number[]): number {
  const lum = (c: number[]) => {
    const [r, g, bl] = c.map((v) => {
      const s = v / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/** What the focused element's outline looks like, and the colour it is drawn over. */
interface Ring {
  /** Tells apart two controls with the same text (their place on the page). */
  key: string;
  label: string;
  style: string;
  width: number;
  color: number[];
  behind: number[];
}

/** The focused element's ring, or null when focus is on the page itself. Runs in the page. */
function ringOfFocused(): Ring | null {
  const el = document.activeElement as HTMLElement | null;
  if (!el || el === document.body || el === document.documentElement) return null;
  const rgba = (s: string) => (s.match(/[\d.]+/g) ?? []).map(Number);
  const cs = getComputedStyle(el);
  // An outline drawn outside the element (offset ≥ 0) lies on the nearest opaque background around it.
  let at: HTMLElement | null = Number.parseFloat(cs.outlineOffset) >= 0 ? el.parentElement : el;
  let behind = [255, 255, 255];
  for (; at; at = at.parentElement) {
    const c = rgba(getComputedStyle(at).backgroundColor);
    if (c.length === 3 || (c[3] ?? 1) > 0.5) {
      behind = c.slice(0, 3);
      break;
    }
  }
  const name = (el.getAttribute("aria-label") ?? el.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 40);
  const label = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""} "${name || (el as HTMLInputElement).name || ""}"`;
  const box = el.getBoundingClientRect();
  return { key: `${label}@${Math.round(box.x + scrollX)},${Math.round(box.y + scrollY)}`, label, style: cs.outlineStyle, width: Number.parseFloat(cs.outlineWidth), color: rgba(cs.outlineColor).slice(0, 3), behind };
}

/** Tabs through every focusable element (an error page may have none); each must show an outline ≥ 2 px with 3:1 against its surroundings. */
export async function weakFocusRings(page: Page): Promise<string[]> {
  // Tab from the top of the page: a focused spot at the start of <body> (not itself in the Tab order).
  await page.evaluate(() => {
    const start = document.createElement("span");
    start.tabIndex = -1;
    start.setAttribute("data-tab-start", "");
    document.body.prepend(start);
    start.focus();
  });
  const bad: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press("Tab");
    const ring = await page.evaluate(ringOfFocused);
    if (!ring || seen.has(ring.key)) break;
    seen.add(ring.key);
    const ratio = contrast(ring.color, ring.behind);
    if (ring.style === "none" || ring.width < 2 || ratio < 3) bad.push(`${ring.label}: ${ring.style} ${ring.width}px, ${ratio.toFixed(2)}:1`);
  }
  // Tab reached every visible control (nothing skipped, nothing trapped).
  const tabbable = await page.evaluate(() => Array.from(document.querySelectorAll<HTMLElement>(
    "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), [tabindex]:not([tabindex='-1'])",
  )).filter((e) => e.getClientRects().length > 0).map((e) => `${e.tagName.toLowerCase()} "${(e.textContent ?? "").trim().slice(0, 30)}"`));
  expect(seen.size, `controls reached by Tab: ${[...seen].join(", ")}; on the page: ${tabbable.join(", ")}`).toBe(tabbable.length);
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    document.querySelector("[data-tab-start]")?.remove();
  });
  return bad;
}

/**
 * Every visible button, link-button and stand-alone link smaller than 24 × 24 CSS px. A link inside
 * a sentence is exempt (SC 2.5.8's inline exception); a link alone in its line is not.
 */
export function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll<HTMLElement>("button, .button, a[href], input[type=submit]"))) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue; // hidden
      const parent = el.parentElement!;
      const inSentence = el.tagName === "A" && !el.classList.contains("button")
        && /^(P|LI|SPAN|STRONG|EM|SMALL|TD)$/.test(parent.tagName) && parent.textContent!.trim() !== el.textContent!.trim();
      if (inSentence) continue;
      if (box.width < 24 || box.height < 24) out.push(`${el.tagName.toLowerCase()} "${el.textContent!.trim()}" ${box.width.toFixed(1)}×${box.height.toFixed(1)}`);
    }
    return out;
  });
}

/** The focused element's tag and text (or "body"). */
export function focused(page: Page): Promise<{ tag: string; text: string }> {
  return page.evaluate(() => {
    const el = document.activeElement;
    return { tag: el ? el.tagName.toLowerCase() : "none", text: (el?.textContent ?? "").trim() };
  });
}

/**
 * One page in one state: axe (no critical or serious WCAG 2.2 A/AA violation) and target sizes at
 * 1280 px and at 360 px, focus rings at 1280 px, then no sideways scrolling at 320 px. Leaves the page at 1280 px.
 */
export async function checkPage(page: Page, what: string): Promise<void> {
  for (const width of [1280, 360]) {
    await page.setViewportSize({ width, height: width > 400 ? 800 : 740 });
    await expectAccessible(page, `${what} at ${width} px`);
    expect(await smallTargets(page), `${what} at ${width} px: targets under 24 px`).toEqual([]);
    // The rings' colours do not depend on the width: measured once, at the desktop width.
    if (width > 400) expect(await weakFocusRings(page), `${what}: focus indicators under 3:1`).toEqual([]);
  }
  await page.setViewportSize({ width: 320, height: 640 });
  const wide = await page.evaluate(() => {
    const w = document.documentElement.scrollWidth;
    const over = Array.from(document.querySelectorAll<HTMLElement>("body *")).filter((e) => e.getBoundingClientRect().right > 320.5);
    return { w, over: over.slice(0, 5).map((e) => `${e.tagName.toLowerCase()}.${e.className}`) };
  });
  expect(wide.w, `${what} at 320 px scrolls sideways (${wide.over.join(", ")})`).toBeLessThanOrEqual(320);
  await page.setViewportSize({ width: 1280, height: 800 });
}
