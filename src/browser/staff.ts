/**
 * The provider dashboard's script. It moves each appointment's session offer from "opens at" to
 * "Begin session" (and later to "closed") when the join window opens, without a reload: the page
 * carries the window's times as data attributes, and the server's clock at render time, so a
 * browser whose clock is off still switches on time.
 *
 * - `[data-opens-at][data-closes-at]`: an element whose phase is before | open | after.
 * - `[data-show="PHASE"]` inside it: shown only in that phase.
 * - `[data-only-open]` on it: the element itself is shown only while open (alert entries).
 * - `[data-alert]`: shown while any entry inside it is open.
 * - `[data-server-now]`: the server's clock (ms) when the page was made.
 */
import { all, find, skewFrom } from "./dom.js";

type Phase = "before" | "open" | "after";

const skew = skewFrom(find("[data-server-now]")?.getAttribute("data-server-now") ?? null, Number);

function phaseOf(el: Element, now: number): Phase {
  const opens = Number(el.getAttribute("data-opens-at"));
  const closes = Number(el.getAttribute("data-closes-at"));
  return now < opens ? "before" : now < closes ? "open" : "after";
}

function tick(): void {
  const now = Date.now() + skew;
  for (const el of all("[data-opens-at][data-closes-at]")) {
    const phase = phaseOf(el, now);
    if (el.getAttribute("data-phase") === phase) continue;
    el.setAttribute("data-phase", phase);
    if (el.hasAttribute("data-only-open")) el.hidden = phase !== "open";
    for (const part of all("[data-show]", el)) part.hidden = part.getAttribute("data-show") !== phase;
  }
  for (const alert of all("[data-alert]")) alert.hidden = !alert.querySelector('[data-phase="open"]');
}

tick();
setInterval(tick, 1000);
