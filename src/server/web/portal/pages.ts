import type { PracticeRow } from "../../db/types.js";
import type { PasswordLinkKind } from "../../domain/portal/accounts.js";
import { zoneLabel, type ClientDashboard, type DashboardAppointment } from "../../domain/portal/dashboard.js";
import { PASSWORD_RULE } from "../../domain/portal/sign-in.js";
import { field, html, notice, page, type SafeHtml } from "../html.js";
import { portalPath } from "./guards.js";

/** The client portal's pages: markup only, from plain data. */

const csrfInput = (csrf: string) => html`<input type="hidden" name="_csrf" value="${csrf}">`;

/** The practice's direct portal address (R12): sign in, with the way to a forgotten password. */
export function signInPage(p: PracticeRow, o: { csrf: string; email?: string; error?: string; info?: string; next?: string }): string {
  return page({
    title: "Sign in", practiceName: p.name,
    body: html`<h1>Sign in to your client portal</h1>
<p>Join your telehealth sessions with ${p.name} and see your upcoming appointments.</p>
${o.error ? notice("error", o.error) : ""}${o.info ? notice("ok", o.info) : ""}
<form method="post" action="${portalPath(p, "/sign-in")}" class="card">
  ${csrfInput(o.csrf)}${o.next ? html`<input type="hidden" name="next" value="${o.next}">` : ""}
  ${field({ name: "email", label: "Email address", type: "email", autocomplete: "username", required: true, value: o.email })}
  ${field({ name: "password", label: "Password", type: "password", autocomplete: "current-password", required: true })}
  <button type="submit">Sign in</button>
</form>
<p><a href="${portalPath(p, "/forgot")}">Forgot your password?</a></p>`,
  });
}

const PASSWORD_TEXT: Record<PasswordLinkKind, { title: string; lead: string; button: string }> = {
  invite: { title: "Create your account", lead: "Choose a password for your client portal. You will sign in with the email address this invitation was sent to.", button: "Create account" },
  reset: { title: "Choose a new password", lead: "Choose a new password for your client portal. You will be signed out everywhere else.", button: "Set new password" },
};

/** Sign-up (R10) or reset (R11): a new password, typed twice. */
export function passwordPage(p: PracticeRow, kind: PasswordLinkKind, o: { action: string; csrf: string; error?: string }): string {
  const t = PASSWORD_TEXT[kind];
  return page({
    title: t.title, practiceName: p.name,
    body: html`<h1>${t.title}</h1>
<p>${t.lead}</p>
${o.error ? notice("error", o.error) : ""}
<form method="post" action="${o.action}" class="card">
  ${csrfInput(o.csrf)}
  ${field({ name: "password", label: "New password", type: "password", autocomplete: "new-password", required: true, minlength: 10, hint: PASSWORD_RULE })}
  ${field({ name: "confirm", label: "Type the new password again", type: "password", autocomplete: "new-password", required: true, minlength: 10 })}
  <button type="submit">${t.button}</button>
</form>`,
  });
}

/** The form that emails a fresh invite or reset link, on the "expired" and "forgot" pages. */
function freshLinkForm(p: PracticeRow, csrf: string, action: string): SafeHtml {
  return html`<form method="post" action="${action}" class="card">
  ${csrfInput(csrf)}
  ${field({ name: "email", label: "Your email address", type: "email", autocomplete: "email", required: true, hint: `The address ${p.name} has for you.` })}
  <button type="submit">Email me a new link</button>
</form>`;
}

/** A used, revoked, expired, tampered or foreign link: said plainly, with the way to a fresh one. */
export function linkInvalidPage(p: PracticeRow, csrf: string): string {
  return page({
    title: "This link has expired or was already used", practiceName: p.name,
    body: html`<h1>This link has expired or was already used</h1>
<p>Links in our emails work once, and only for a limited time. Enter your email address and we will send you a new one.
If you already have an account, it will be a link to choose a new password.</p>
${freshLinkForm(p, csrf, portalPath(p, "/new-link"))}
<p><a href="${portalPath(p)}">Back to sign in</a></p>`,
  });
}

/** "Forgot your password?": the same form, the same neutral answer. */
export function forgotPage(p: PracticeRow, csrf: string): string {
  return page({
    title: "Forgot your password?", practiceName: p.name,
    body: html`<h1>Forgot your password?</h1>
<p>Enter your email address and we will send you a link to choose a new password (or to create your account, if you have not yet).</p>
${freshLinkForm(p, csrf, portalPath(p, "/forgot"))}
<p><a href="${portalPath(p)}">Back to sign in</a></p>`,
  });
}

/** The same answer whether or not the address belongs to a client. */
export function linkSentPage(p: PracticeRow): string {
  return page({
    title: "Check your email", practiceName: p.name,
    body: html`<h1>Check your email</h1>
${notice("ok", `If that address belongs to a client of ${p.name}, we've emailed a new link. It works once; a password-reset link expires in 1 hour and an invitation in 48 hours.`)}
<p><a href="${portalPath(p)}">Back to sign in</a></p>`,
  });
}

/** Join button while the window is open; before it, when it opens (portal.js swaps them in place). */
function joinPart(a: DashboardAppointment): SafeHtml {
  const j = a.join!;
  if (j.open) return html`<div class="actions"><a class="button" href="${j.href}">Join session</a></div>`;
  return html`<div class="actions" aria-live="polite" data-join-opens="${new Date(j.opensAt).toISOString()}"
    data-join-closes="${new Date(j.closesAt).toISOString()}" data-join-href="${j.href}">
    <span class="opens">You can join from ${j.opensText}</span></div>`;
}

function appointmentItem(a: DashboardAppointment): SafeHtml {
  return html`<li class="appointment" data-appointment="${a.id}">
  <div>
    <div class="when"><time datetime="${new Date(a.startAt).toISOString()}">${a.when}</time></div>
    <div class="meta">${a.telehealth ? html`<span class="tag">Telehealth</span>` : html`<span class="tag inperson">In person</span>`}
      ${a.minutes} minutes with ${a.therapistName}</div>
  </div>
  ${a.telehealth ? joinPart(a) : ""}
</li>`;
}

/** R15: the client's upcoming appointments, times in the practice's zone. */
export function dashboardPage(p: PracticeRow, d: ClientDashboard, csrf: string): string {
  return page({
    title: "Your appointments", practiceName: p.name, scripts: ["portal.js"],
    signOut: { action: portalPath(p, "/sign-out"), csrf, who: d.clientName },
    body: html`<h1>Your appointments</h1>
<p class="zone">Times are in ${zoneLabel(d.timeZone, d.now)}, the practice's time zone.
You can join a telehealth session from ${p.joinWindowMinutes} minutes before it starts.</p>
${d.appointments.length === 0
    ? html`<p class="card">You have no upcoming appointments.</p>`
    : html`<ul class="appointments" data-server-now="${new Date(d.now).toISOString()}">
${d.appointments.map(appointmentItem)}
</ul>`}`,
  });
}
