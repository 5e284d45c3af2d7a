import { formatInZone, localDateInZone, zoneAbbreviation } from "../../../sdk/schemas/time.js";
import type { PracticeRow } from "../../db/types.js";
import { sessionPath } from "../../domain/appointments/window.js";
import type { StaffAppointment } from "../../domain/staff/dashboard.js";
import { html, type SafeHtml } from "../html.js";

/** How the staff pages show appointments: times in the practice's zone, labelled, and the R14 offer. */

/** "Tue 1 Dec 2026" and "09:45" of an instant in the zone. */
function parts(ms: number, tz: string): { date: string; time: string } {
  const [date, time] = formatInZone(ms, tz).split(", ");
  return { date: date!, time: time! };
}

/** "09:00–09:50 EST", with the date in front unless `sameDayAs` is that day. */
export function timeRange(item: StaffAppointment, tz: string, sameDayAs?: number): string {
  const { startAt, endAt } = item.appointment;
  const start = parts(startAt, tz);
  const day = sameDayAs !== undefined && localDateInZone(sameDayAs, tz) === localDateInZone(startAt, tz) ? "" : `${start.date}, `;
  return `${day}${start.time}–${parts(endAt, tz).time} ${zoneAbbreviation(startAt, tz)}`;
}

/** "Session opens at 09:45 EST" today; with the date on another day (R13). */
export function opensLabel(opensAt: number, tz: string, now: number): string {
  const p = parts(opensAt, tz);
  const sameDay = localDateInZone(opensAt, tz) === localDateInZone(now, tz);
  return `Session opens ${sameDay ? "at " : `${p.date}, `}${p.time} ${zoneAbbreviation(opensAt, tz)}`;
}

type Phase = "before" | "open" | "after";

function phaseAt(item: StaffAppointment, now: number): Phase {
  return now < item.window.opensAt ? "before" : now < item.window.closesAt ? "open" : "after";
}

/** Data attributes staff.js reads to switch an element's phase when the window opens or closes, without a reload. */
function windowAttrs(item: StaffAppointment, now: number): SafeHtml {
  return html`data-opens-at="${item.window.opensAt}" data-closes-at="${item.window.closesAt}" data-phase="${phaseAt(item, now)}"`;
}

const shown = (phase: Phase, current: Phase) => (phase === current ? html`` : html` hidden`);

/** The R13/R14 part of one telehealth appointment: when it opens, then "Begin session", then closed. */
export function sessionOffer(practice: PracticeRow, item: StaffAppointment, now: number, opts: { beginAbove?: boolean } = {}): SafeHtml {
  const a = item.appointment;
  if (!a.telehealth || a.status !== "scheduled") return html``;
  const current = phaseAt(item, now);
  const open = item.canBegin && !opts.beginAbove
    ? html`<a class="button" href="${sessionPath(practice.slug, a.id)}" data-show="open"${shown("open", current)}>Begin session</a>`
    : html`<p class="meta" data-show="open"${shown("open", current)}>${item.canBegin ? "The session window is open: begin it above." : "Session window open"}</p>`;
  return html`<div class="offer" ${windowAttrs(item, now)}>
    <p class="opens" data-show="before"${shown("before", current)}>${opensLabel(item.window.opensAt, practice.timeZone, now)}</p>
    ${open}
    <p class="meta" data-show="after"${shown("after", current)}>Session window closed</p>
  </div>`;
}

/**
 * R14: the alert box at the top. Entries for sessions the viewer may begin are rendered while
 * their window is open, and hidden (shown later by staff.js) when it opens within the next day.
 */
export function sessionAlert(practice: PracticeRow, items: StaffAppointment[], now: number, withTherapist: boolean): SafeHtml {
  const tz = practice.timeZone;
  const due = items.filter((i) => i.canBegin && i.window.closesAt > now && i.window.opensAt < now + 86_400_000);
  const anyOpen = due.some((i) => phaseAt(i, now) === "open");
  return html`<div id="session-alerts" aria-live="polite">
<section class="alert" id="session-alert" aria-labelledby="session-alert-title"${anyOpen ? "" : html` hidden`} data-alert>
  <h2 id="session-alert-title">Telehealth session ready to begin</h2>
  ${due.map((i) => html`<div class="alert-entry" ${windowAttrs(i, now)} data-only-open${phaseAt(i, now) === "open" ? "" : html` hidden`}>
    <p id="alert-${i.appointment.id}"><strong>${i.clientName}</strong>, ${timeRange(i, tz, now)}${withTherapist ? `, with ${i.therapistName}` : ""}. ${i.appointment.clientReady ? "The client can join now." : "The client has no active portal account yet, so cannot join."}</p>
    <a class="button" href="${sessionPath(practice.slug, i.appointment.id)}" aria-describedby="alert-${i.appointment.id}">Begin session</a>
  </div>`)}
</section>
</div>`;
}

function tags(item: StaffAppointment): SafeHtml {
  const a = item.appointment;
  const mode = a.telehealth ? html`<span class="tag">Telehealth</span>` : html`<span class="tag inperson">In person</span>`;
  const status = a.status === "scheduled" ? "" : html` <span class="tag inperson">${a.status === "no_show" ? "No-show" : a.status[0]!.toUpperCase() + a.status.slice(1)}</span>`;
  return html`${mode}${status}`;
}

/** "4:02 PM" in the practice's zone, as the dashboard's "Client waiting since" line says it (staff.js writes the same). */
export const clock12 = (ms: number, tz: string) =>
  new Intl.DateTimeFormat("en-US", { timeZone: tz, hour: "numeric", minute: "2-digit" }).format(new Date(ms));

/**
 * Issue 11: "Client waiting since 4:02 PM" while the client waits in the session and no provider is
 * there; staff.js shows, changes and hides it from the dashboard's event stream, without a reload.
 */
export function waitingLine(practice: PracticeRow, item: StaffAppointment): SafeHtml {
  const a = item.appointment;
  if (!a.telehealth || a.status !== "scheduled" || !item.canBegin) return html``;
  const since = item.waitingSince;
  return html`<p class="waiting" data-waiting-for="${a.id}"${since === null ? html` hidden` : html``}>${since === null ? "" : `Client waiting since ${clock12(since, practice.timeZone)}`}</p>`;
}

/** One appointment in the dashboard's list. */
export function appointmentItem(practice: PracticeRow, item: StaffAppointment, now: number, withTherapist: boolean): SafeHtml {
  const a = item.appointment;
  return html`<li class="appointment">
  <div>
    <div class="when">${timeRange(item, practice.timeZone, now)}</div>
    <div>${item.clientName}</div>
    ${withTherapist ? html`<div class="meta">with ${item.therapistName}</div>` : ""}
    <div>${tags(item)}</div>
    ${waitingLine(practice, item)}
  </div>
  <div class="actions">
    ${sessionOffer(practice, item, now)}
    <a href="/p/${practice.slug}/staff/appointments/${a.id}" aria-label="Details of the appointment with ${item.clientName}">Details</a>
  </div>
</li>`;
}

/** The facts of one appointment, as labelled lines that read well on a phone. */
export function appointmentFacts(practice: PracticeRow, item: StaffAppointment): SafeHtml {
  const a = item.appointment;
  const minutes = Math.round((a.endAt - a.startAt) / 60_000);
  return html`<div class="card">
  <p><strong>When:</strong> ${timeRange(item, practice.timeZone)} (${minutes} minutes)</p>
  <p><strong>Client:</strong> ${item.clientName}</p>
  <p><strong>Therapist:</strong> ${item.therapistName}</p>
  <p><strong>Type:</strong> ${tags(item)}</p>
</div>`;
}
