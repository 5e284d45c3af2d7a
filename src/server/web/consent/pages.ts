import { formatInZone } from "../../../sdk/schemas/time.js";
import type { PracticeRow } from "../../db/types.js";
import type { ConsentPageView } from "../../domain/consent/acceptance.js";
import { html, notice, page, type SafeHtml } from "../html.js";
import { portalPath } from "../portal/guards.js";

/** The portal's consent page (R26): markup only, from plain data. */

/** Where the consent page is, with where to go after it (a path safeNext accepts). */
export const consentPath = (slug: string, next?: string) => `/p/${slug}/consent${next ? `?next=${encodeURIComponent(next)}` : ""}`;

export interface ConsentPageOptions {
  csrf: string;
  /** Where "Continue" and a successful signature lead: the session the client was entering, or the dashboard. */
  next: string;
  clientName: string;
  /** The name as typed, kept when the form comes back. */
  typedName?: string;
  /** A problem with the typed name: shown under the field and linked to it. */
  fieldError?: string;
  /** A problem with the whole form (the text changed meanwhile): shown above the text. */
  formError?: string;
}

/**
 * The typed-name field: its label, a hint, and when there is one, the error it is described by; with
 * an error the field takes the focus, so a screen reader reads the label and the error at once.
 */
function nameField(o: ConsentPageOptions): SafeHtml {
  const describedBy = o.fieldError ? "f-typedName-error f-typedName-hint" : "f-typedName-hint";
  return html`<div class="field">
  <label for="f-typedName">Type your full name to sign</label>
  <input id="f-typedName" name="typedName" type="text" autocomplete="name" required maxlength="200"
    aria-describedby="${describedBy}"${o.fieldError ? html` aria-invalid="true" autofocus` : ""} value="${o.typedName ?? ""}">
  ${o.fieldError ? html`<p class="field-error" id="f-typedName-error">${o.fieldError}</p>` : ""}
  <p class="hint" id="f-typedName-hint">Typing your name and pressing “I agree” is your signature. A parent or guardian signing for a client types their own name.</p>
</div>`;
}

/**
 * The full text in its own labelled region, and below it the signature form; or, when the client
 * has signed the current version, when they did and the way on; or, when the practice has no text,
 * that there is nothing to sign.
 */
export function consentPageHtml(p: PracticeRow, v: ConsentPageView, o: ConsentPageOptions): string {
  const signOut = { action: portalPath(p, "/sign-out"), csrf: o.csrf, who: o.clientName };
  const when = (ms: number) => formatInZone(ms, p.timeZone, { zone: true });
  const cont = html`<p><a class="button" href="${o.next}">Continue</a></p>`;
  if (!v.current) {
    return page({ title: "Telehealth consent", practiceName: p.name, signOut, body: html`<h1>Telehealth consent</h1>
<p>${p.name} has no telehealth consent form for you to sign.</p>${cont}` });
  }
  const c = v.current;
  const signedOlder = v.accepted && !v.upToDate;
  const lead = v.upToDate
    ? notice("ok", `You signed version ${c.version} of this consent on ${when(v.accepted!.at)}.`)
    : signedOlder
      ? notice("info", `${p.name} has changed its telehealth consent since you signed it on ${when(v.accepted!.at)}. Please read the new version and sign it before your next telehealth session.`)
      : html`<p>Before your first telehealth session with ${p.name}, please read this consent and sign it by typing your name.</p>`;
  return page({
    title: "Telehealth consent", practiceName: p.name, signOut,
    body: html`<h1>Consent to telehealth</h1>
${o.formError ? notice("error", o.formError) : ""}
${lead}
<section class="card consent-text" aria-labelledby="consent-text-heading">
  <h2 id="consent-text-heading">${p.name}: telehealth consent, version ${c.version}</h2>
  <div class="consent-body">${c.text}</div>
</section>
${v.upToDate ? cont : html`<form method="post" action="${portalPath(p, "/consent")}" class="card" novalidate>
  <input type="hidden" name="_csrf" value="${o.csrf}">
  <input type="hidden" name="version" value="${String(c.version)}">
  <input type="hidden" name="next" value="${o.next}">
  ${nameField(o)}
  <button type="submit">I agree</button>
</form>`}`,
  });
}
