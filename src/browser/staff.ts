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
 * - `[data-dashboard-events]`: the dashboard's event stream (issue 11); each `waiting` event
 *   `{appointmentId, waitingSince}` shows "Client waiting since 4:02 PM" (in `data-zone`, the
 *   practice's zone) on `[data-waiting-for="ID"]`, or hides it (null), and says so in `#waiting-status`.
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

interface WaitingEvent {
  appointmentId: string;
  waitingSince: string | null;
}

function followWaiting(root: HTMLElement): void {
  const url = root.getAttribute("data-dashboard-events");
  if (!url || typeof EventSource !== "function") return;
  const zone = root.getAttribute("data-zone") || undefined;
  const status = document.getElementById("waiting-status");
  const clock = (iso: string): string => {
    try {
      return new Intl.DateTimeFormat("en-US", { timeZone: zone, hour: "numeric", minute: "2-digit" }).format(new Date(iso));
    } catch {
      return new Date(iso).toLocaleTimeString();
    }
  };
  const es = new EventSource(url);
  es.addEventListener("waiting", (e) => {
    let ev: WaitingEvent;
    try {
      ev = JSON.parse((e as MessageEvent<string>).data) as WaitingEvent;
    } catch {
      return; // a malformed event changes nothing
    }
    for (const el of all("[data-waiting-for]")) {
      if (el.getAttribute("data-waiting-for") !== ev.appointmentId) continue;
      const text = ev.waitingSince ? `Client waiting since ${clock(ev.waitingSince)}` : "";
      if (el.textContent === text && el.hidden === !ev.waitingSince) continue;
      el.textContent = text;
      el.hidden = !ev.waitingSince;
      if (status && text) status.textContent = text;
    }
  });
}

const dashboard = find("[data-dashboard-events]");
if (dashboard) followWaiting(dashboard);
