/**
 * R27 on the session page: the client's "Where are you right now?" step before the waiting room,
 * what they see once they answered (or why they cannot join), and the provider's panel with the
 * answer and the R25 warning. Plain HTML forms: they work without the page script.
 */
import { clockInZone } from "../../../sdk/schemas/time.js";
import { stateLabel, US_STATE_CODES, US_STATE_NAMES } from "../../../sdk/schemas/index.js";
import { sessionPath } from "../../domain/appointments/window.js";
import type { LocationContext, LocationErrors, LocationForm } from "../../domain/sessions/location.js";
import type { SessionPageView } from "../../domain/sessions/page.js";
import { html, notice, type SafeHtml } from "../html.js";

export const locationAction = (v: SessionPageView) => `${sessionPath(v.practice.slug, v.appointment.id)}/location`;
const changeHref = (v: SessionPageView) => `${sessionPath(v.practice.slug, v.appointment.id)}?location=change`;

/** A form posted back with problems: what was typed, and what to fix. */
export interface LocationFormState {
  values: LocationForm;
  errors: LocationErrors;
}

const PLACES = { home: "At home", elsewhere: "Somewhere else in the U.S. (work, a car, someone else's home)" } as const;

function fieldError(id: string, text: string | undefined): SafeHtml {
  return text ? html`<p class="field-error" id="${id}">${text}</p>` : html``;
}

/** The attributes that tie a field to its error (and hint): aria-describedby and aria-invalid. */
function described(ids: (string | false)[], invalid: boolean): SafeHtml {
  const list = ids.filter(Boolean).join(" ");
  return html`${list ? html` aria-describedby="${list}"` : html``}${invalid ? html` aria-invalid="true"` : html``}`;
}

/** The client's step before the waiting room, pre-filled from their residence and phone on file. */
export function locationStep(v: SessionPageView, ctx: LocationContext, csrf: string, form?: LocationFormState): SafeHtml {
  const e = form?.errors ?? {};
  const chosen = form ? form.values.state.toUpperCase() : ctx.location ? (ctx.location.state ?? "OUTSIDE_US") : (ctx.residence ?? "");
  const place = form ? form.values.place : ctx.location?.place ?? "";
  const phone = form ? form.values.phone : ctx.location?.callbackPhone ?? ctx.phoneOnFile ?? "";
  const problems = Object.keys(e).length;
  return html`<section class="panel location" aria-labelledby="location-heading">
  <h2 id="location-heading" tabindex="-1">Where are you right now?</h2>
  <p class="hint" id="location-why">Before each session your therapist needs to know where you are: the rules that apply depend on the state you are in at the time of the session, not where you live.</p>
  ${problems ? notice("error", `Please check the ${problems === 1 ? "answer" : "answers"} marked below.`) : html``}
  <form method="post" action="${locationAction(v)}" class="location-form">
    <input type="hidden" name="_csrf" value="${csrf}">
    <div class="field">
      <label for="loc-state">State or territory you are in now</label>
      <select id="loc-state" name="state" required${described(["loc-state-hint", !!e.state && "loc-state-error"], !!e.state)}>
        <option value=""${chosen === "" ? html` selected` : html``}>Choose…</option>
        ${US_STATE_CODES.map((c) => html`<option value="${c}"${chosen === c ? html` selected` : html``}>${US_STATE_NAMES[c]}</option>`)}
        <option value="outside_us"${chosen === "OUTSIDE_US" ? html` selected` : html``}>Outside the U.S.</option>
      </select>
      <p class="hint" id="loc-state-hint">Filled in from where you live; change it if you are somewhere else today.</p>
      ${fieldError("loc-state-error", e.state)}
    </div>
    <fieldset class="field"${described([!!e.place && "loc-place-error"], false)}>
      <legend>Are you at home?</legend>
      ${(Object.keys(PLACES) as (keyof typeof PLACES)[]).map((p) => html`<div class="choice">
        <input type="radio" id="loc-${p}" name="place" value="${p}"${place === p ? html` checked` : html``}${e.place ? html` aria-invalid="true"` : html``}>
        <label for="loc-${p}">${PLACES[p]}</label>
      </div>`)}
      ${fieldError("loc-place-error", e.place)}
    </fieldset>
    <div class="field">
      <label for="loc-phone">A phone number to reach you if the call drops</label>
      <input id="loc-phone" name="phone" type="tel" autocomplete="tel" inputmode="tel" value="${phone}"${described(["loc-phone-hint", !!e.phone && "loc-phone-error"], !!e.phone)}>
      <p class="hint" id="loc-phone-hint">Only for this session; your therapist sees it.</p>
      ${fieldError("loc-phone-error", e.phone)}
    </div>
    <button type="submit">Continue to the waiting room</button>
  </form>
</section>`;
}

const contactOf = (v: SessionPageView) =>
  v.practice.contact ? `Contact ${v.practice.name} at ${v.practice.contact}` : `Contact ${v.practice.name}`;

/** Why the client cannot join (R4, R25), with the practice's contact and a way to correct the answer. */
export function clientBlocked(v: SessionPageView, ctx: LocationContext): SafeHtml {
  const why = ctx.block === "outside_us"
    ? `You cannot join this session from outside the U.S.: ${v.practice.name} holds telehealth sessions only with clients who are in the U.S. at the time of the session.`
    : `You cannot join this session from ${stateLabel(ctx.location?.state ?? "")}: ${v.therapistName} is not licensed there, and ${v.practice.name} holds sessions only where its therapist is licensed.`;
  return html`<section class="panel location" aria-labelledby="location-heading" data-join-blocked="${ctx.block ?? ""}">
  <h2 id="location-heading" tabindex="-1">You cannot join this session</h2>
  ${notice("error", why)}
  <p>${contactOf(v)} to rearrange it.</p>
  <p>Answered by mistake? <a href="${changeHref(v)}">Change where you are</a>.</p>
</section>`;
}

/** The client's answer above the waiting room, with a way to change it. */
export function clientAnswer(v: SessionPageView, ctx: LocationContext): SafeHtml {
  const loc = ctx.location!;
  return html`<p class="location-answer">You told us you are in ${stateLabel(loc.state ?? "")}, ${loc.place === "home" ? "at home" : "not at home"}. <a href="${changeHref(v)}">Change where you are</a></p>`;
}

/** The provider's panel, shown before and during the call (session.ts refreshes it when the client answers). */
export function providerLocationPanel(v: SessionPageView, ctx: LocationContext, licensedIn: string[]): SafeHtml {
  const loc = ctx.location;
  const at = loc ? clockInZone(Date.parse(loc.at), v.practice.timeZone) : "";
  const states = licensedIn.length ? licensedIn.join(", ") : "none recorded";
  return html`<section class="panel client-location" aria-labelledby="client-location-heading" data-client-location data-location-at="${loc?.at ?? ""}">
  <h2 id="client-location-heading">Where ${v.clientFirstName} is</h2>
  ${!loc
    ? html`<p>${v.clientFirstName} has not said yet; clients answer before they enter the waiting room.</p>`
    : loc.place === "outside_us"
      ? notice("error", `${v.clientFirstName} says they are outside the U.S., so they cannot join: telehealth is for clients in the U.S. at the time of the session.`)
      : html`<dl class="facts">
    <dt>State</dt><dd>${stateLabel(loc.state ?? "")}</dd>
    <dt>Place</dt><dd>${loc.place === "home" ? "At home (place of service 10)" : "Somewhere else (place of service 02)"}</dd>
    <dt>Phone if the call drops</dt><dd>${loc.callbackPhone ?? "not given"}</dd>
    <dt>Answered</dt><dd>${at}</dd>
  </dl>`}
  ${loc?.place !== "outside_us" && ctx.licensure === "unlicensed_state" && ctx.setting !== "off"
    ? notice("error", ctx.block === "not_licensed_in_state"
      ? `${v.therapistName} is not licensed in ${stateLabel(loc?.state ?? ctx.residence ?? "")} (licensed in: ${states}). The practice refuses such sessions, so ${v.clientFirstName} cannot join and has been told why.`
      : `Warning: ${v.therapistName} is not licensed in ${stateLabel(loc?.state ?? ctx.residence ?? "")} (licensed in: ${states}). The practice's setting is to warn: decide whether this session may go ahead.`)
    : html``}
  ${ctx.licensure === "unknown" && licensedIn.length === 0
    ? html`<p class="hint">No licensed states are recorded for ${v.therapistName}, so tele cannot compare them (tele staff set --licensed-in).</p>`
    : html``}
</section>`;
}
