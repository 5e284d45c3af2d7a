/**
 * axe-core (Deque's accessibility engine) run inside a real page: WCAG 2.0/2.1/2.2 A and AA rules.
 * The engine is evaluated through the DevTools protocol, so the page's strict CSP stays as it is.
 */
import axe from "axe-core";
import type { Page } from "playwright-core";
import { expect } from "vitest";

/** WCAG 2.2 AA, and every level below it. */
export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];

export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Every WCAG 2.2 A/AA violation axe finds on the page as it is now (or only inside `within`, a selector). */
export async function axeFindings(page: Page, within?: string): Promise<AxeFinding[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axe.source);
  const violations = await page.evaluate(async ([tags, scope]) => {
    const run = (window as unknown as { axe: typeof axe }).axe.run;
    const result = await run(scope ? { include: [scope] } : document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact ?? null, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")) }));
  }, [WCAG_TAGS, within ?? ""] as const);
  return violations;
}

/**
 * Fails the test when axe finds a critical or serious WCAG 2.2 AA violation; `what` names the page
 * and state; `within` (a selector) checks only that part, for a slice that owns only part of a page.
 */
export async function expectAccessible(page: Page, what: string, within?: string): Promise<void> {
  const bad = (await axeFindings(page, within)).filter((f) => f.impact === "critical" || f.impact === "serious");
  expect(bad, `${what}: ${bad.map((f) => `${f.id} (${f.impact}) ${f.help} at ${f.targets.slice(0, 3).join(", ")}`).join("; ")}`).toEqual([]);
}
