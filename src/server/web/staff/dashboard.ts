import type { FastifyInstance } from "fastify";
import { zoneAbbreviation } from "../../../sdk/schemas/time.js";
import type { Deps } from "../../domain/deps.js";
import { providerDashboard, staffAppointment, type StaffAppointment } from "../../domain/staff/dashboard.js";
import { html, page, type SafeHtml } from "../html.js";
import { pageHandler, sendPage } from "../index.js";
import { pageErrors, practiceOf, redirect, signInPath, signOutFor, staffHome, staffSession } from "./common.js";
import { hearsWaiting } from "./dashboard-events.js";
import { appointmentFacts, appointmentItem, sessionAlert, sessionOffer } from "./views.js";

function list(items: SafeHtml[], empty: string): SafeHtml {
  return items.length ? html`<ul class="appointments">${items}</ul>` : html`<p class="meta">${empty}</p>`;
}

/** The provider dashboard (R14) and one appointment's page, for signed-in staff of the practice. */
export function dashboardPages(app: FastifyInstance, deps: Deps): void {
  const errorHandler = pageErrors(deps);

  app.get("/p/:slug/staff", { errorHandler }, pageHandler(deps, async (req, reply) => {
    const practice = await practiceOf(deps, req);
    const s = await staffSession(deps, req, practice);
    if (!s) return redirect(reply, deps, signInPath(practice.slug));
    const d = await providerDashboard(deps, s.actor);
    const tz = practice.timeZone;
    const item = (i: StaffAppointment) => appointmentItem(practice, i, d.now, d.seesAll);
    const today = d.items.filter((i) => i.appointment.startAt < d.endOfToday).map(item);
    const upcoming = d.items.filter((i) => i.appointment.startAt >= d.endOfToday).map(item);
    const title = d.seesAll ? "Appointments" : "Your appointments";
    const feed = hearsWaiting(s.actor.staff.roles) ? html` data-dashboard-events="${staffHome(practice.slug)}/events"` : html``;
    const body = html`<div data-server-now="${d.now}" data-zone="${tz}"${feed}>
<h1>${title}</h1>
<p id="waiting-status" class="sr-only" aria-live="polite"></p>
<p class="zone">Times are in ${tz} (${zoneAbbreviation(d.now, tz)}).</p>
${sessionAlert(practice, d.items, d.now, d.seesAll)}
<h2>Today</h2>
${list(today, "No appointments today.")}
<h2>Upcoming</h2>
${list(upcoming, "No appointments in the next two weeks.")}
</div>`;
    return sendPage(reply, deps, 200, page({ title, practiceName: practice.name, body, scripts: ["staff.js"], signOut: signOutFor(practice.slug, s) }));
  }));

  app.get("/p/:slug/staff/appointments/:id", { errorHandler }, pageHandler(deps, async (req, reply) => {
    const practice = await practiceOf(deps, req);
    const s = await staffSession(deps, req, practice);
    if (!s) return redirect(reply, deps, signInPath(practice.slug));
    const { item, now } = await staffAppointment(deps, s.actor, (req.params as { id: string }).id);
    const body = html`<div data-server-now="${now}">
<p><a href="${staffHome(practice.slug)}">All appointments</a></p>
<h1>Appointment with ${item.clientName}</h1>
${sessionAlert(practice, [item], now, false)}
${appointmentFacts(practice, item)}
${sessionOffer(practice, item, now, { beginAbove: true })}
</div>`;
    return sendPage(reply, deps, 200, page({ title: "Appointment", practiceName: practice.name, body, scripts: ["staff.js"], signOut: signOutFor(practice.slug, s) }));
  }));
}
