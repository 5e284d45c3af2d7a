/**
 * The written table for the browser side: every page and page action, by the rules of
 * access-rules.ts (A1–A6) plus, for pages:
 * P1 Not signed in to this practice (signed out, another practice's browser, an ended or a
 *    deactivated staff member's session): pages send to sign-in (`out`), page endpoints answer 401.
 * P2 Staff pages follow "see"; the session (page, live events, video) is for its participants: the
 *    appointment's client, and staff under "change" (a therapist only their own; never a biller,
 *    whatever else they are). Another client gets 403.
 * P3 Ending a session is the provider's alone: "change", and the client gets 403.
 * P4 Portal pages are the client's: any signed-in client of the practice, else `out`.
 * P5 Public forms and links answer the same whoever asks (A6).
 * P6 Saying where the client is (R27) is the appointment's client's alone: another client and every
 *    staff member get 403; nobody signed in to this practice is sent to sign in (`out`).
 */
import { assetUrl } from "../../src/server/web/assets.js";
import { GRANTS, STAFF_ACTORS, type ActorName, type FixtureIds, type StaffActorName, type Touches } from "./access-rules.js";

export type PageActor = ActorName | "clientOther";
export const PAGE_ACTORS: PageActor[] = [...STAFF_ACTORS, "client", "clientOther", "otherOwner", "signedOut", "revoked", "deactivated"];
export type PageRule = "public" | "portal" | "staffEntry" | "see" | "participant" | "provider" | "client";

export interface PageCase {
  rule: PageRule;
  touches: Touches;
  ok: number;
  /** What someone P1 or P4 leaves out gets. */
  out?: number;
  /** Whose CSRF token a POST carries: the browser session's, or the signed-out double-submit cookie's. */
  csrf?: "session" | "anonymous";
  call: (ids: FixtureIds & { later: string }) => { method: "GET" | "POST"; url: string; form?: Record<string, string> };
}

const M = "/p/maple-therapy";
const BOGUS = "y".repeat(43);
const wrongPassword = { email: "owner@maple.test", password: "not the password 1" };
const newPassword = { password: "a long new password 1", confirm: "a long new password 1" };

/** Every route the app registers outside the API table. */
export const PAGE_CASES: Record<string, PageCase> = {
  "GET /": { rule: "public", touches: "practice", ok: 200, call: () => ({ method: "GET", url: "/" }) },
  "GET /healthz": { rule: "public", touches: "practice", ok: 200, call: () => ({ method: "GET", url: "/healthz" }) },
  "GET /api/v1/openapi.json": { rule: "public", touches: "practice", ok: 200, call: () => ({ method: "GET", url: "/api/v1/openapi.json" }) },
  "GET /assets/:name": { rule: "public", touches: "practice", ok: 200, call: () => ({ method: "GET", url: assetUrl("staff.js") }) },
  "GET /vendor/zoom/*": { rule: "public", touches: "practice", ok: 404, call: () => ({ method: "GET", url: "/vendor/zoom/0.0.0/none.js" }) },
  "GET /p/:slug": { rule: "portal", touches: "practice", ok: 303, out: 200, call: () => ({ method: "GET", url: M }) },
  "POST /p/:slug/sign-in": { rule: "public", touches: "practice", ok: 401, csrf: "anonymous", call: () => ({ method: "POST", url: `${M}/sign-in`, form: wrongPassword }) },
  "GET /p/:slug/invite/:token": { rule: "public", touches: "practice", ok: 410, call: () => ({ method: "GET", url: `${M}/invite/${BOGUS}` }) },
  "POST /p/:slug/invite/:token": { rule: "public", touches: "practice", ok: 410, csrf: "anonymous", call: () => ({ method: "POST", url: `${M}/invite/${BOGUS}`, form: newPassword }) },
  "GET /p/:slug/reset/:token": { rule: "public", touches: "practice", ok: 410, call: () => ({ method: "GET", url: `${M}/reset/${BOGUS}` }) },
  "POST /p/:slug/reset/:token": { rule: "public", touches: "practice", ok: 410, csrf: "anonymous", call: () => ({ method: "POST", url: `${M}/reset/${BOGUS}`, form: newPassword }) },
  "POST /p/:slug/new-link": { rule: "public", touches: "practice", ok: 200, csrf: "anonymous", call: () => ({ method: "POST", url: `${M}/new-link`, form: { email: "nobody@x.test" } }) },
  "POST /p/:slug/forgot": { rule: "public", touches: "practice", ok: 200, csrf: "anonymous", call: () => ({ method: "POST", url: `${M}/forgot`, form: { email: "nobody@x.test" } }) },
  "GET /p/:slug/forgot": { rule: "public", touches: "practice", ok: 200, call: () => ({ method: "GET", url: `${M}/forgot` }) },
  "GET /p/:slug/dashboard": { rule: "portal", touches: "practice", ok: 200, out: 303, call: () => ({ method: "GET", url: `${M}/dashboard` }) },
  "GET /p/:slug/consent": { rule: "portal", touches: "practice", ok: 200, out: 303, call: () => ({ method: "GET", url: `${M}/consent` }) },
  // No consent text in the fixture: a client's "I agree" has nothing to accept and goes on to the dashboard; nobody else gets past sign-in.
  "POST /p/:slug/consent": {
    rule: "portal", touches: "practice", ok: 303, out: 303, csrf: "session", call: () => ({ method: "POST", url: `${M}/consent`, form: { version: "1", typedName: "Alice Client" } }),
  },
  "POST /p/:slug/sign-out": { rule: "public", touches: "practice", ok: 303, csrf: "session", call: () => ({ method: "POST", url: `${M}/sign-out` }) },
  "GET /p/:slug/staff/sign-in": { rule: "staffEntry", touches: "practice", ok: 303, out: 200, call: () => ({ method: "GET", url: `${M}/staff/sign-in` }) },
  "POST /p/:slug/staff/sign-in": { rule: "public", touches: "practice", ok: 401, csrf: "anonymous", call: () => ({ method: "POST", url: `${M}/staff/sign-in`, form: wrongPassword }) },
  "POST /p/:slug/staff/sign-out": { rule: "public", touches: "practice", ok: 303, csrf: "session", call: () => ({ method: "POST", url: `${M}/staff/sign-out` }) },
  "GET /p/:slug/staff/welcome/:token": { rule: "public", touches: "practice", ok: 410, call: () => ({ method: "GET", url: `${M}/staff/welcome/${BOGUS}` }) },
  "POST /p/:slug/staff/welcome/:token": {
    rule: "public", touches: "practice", ok: 410, csrf: "anonymous", call: () => ({ method: "POST", url: `${M}/staff/welcome/${BOGUS}`, form: newPassword }),
  },
  "GET /s/:token": { rule: "public", touches: "practice", ok: 404, call: (i) => ({ method: "GET", url: `/s/${BOGUS}?a=${i.appointment}` }) },
  "GET /j/:token": { rule: "public", touches: "practice", ok: 404, call: () => ({ method: "GET", url: `/j/${BOGUS}` }) },
  "GET /p/:slug/staff": { rule: "see", touches: "practice", ok: 200, out: 303, call: () => ({ method: "GET", url: `${M}/staff` }) },
  "GET /p/:slug/staff/appointments/:id": { rule: "see", touches: "tina", ok: 200, out: 303, call: (i) => ({ method: "GET", url: `${M}/staff/appointments/${i.appointment}` }) },
  "GET /p/:slug/appointments/:id/session": {
    rule: "participant", touches: "tina", ok: 200, out: 303, call: (i) => ({ method: "GET", url: `${M}/appointments/${i.appointment}/session` }),
  },
  // The live stream of next week's appointment: its window is shut, so the stream says so and ends.
  "GET /p/:slug/appointments/:id/session/events": {
    rule: "participant", touches: "tina", ok: 200, out: 401, call: (i) => ({ method: "GET", url: `${M}/appointments/${i.later}/session/events` }),
  },
  // Video is not set up in the fixture: a participant is let through to that answer (503); nobody else is.
  "POST /p/:slug/appointments/:id/session/video": {
    rule: "participant", touches: "tina", ok: 503, out: 401, csrf: "session", call: (i) => ({ method: "POST", url: `${M}/appointments/${i.appointment}/session/video` }),
  },
  // The fixture runs Zoom's provider (not set up): a participant's signal is refused for that (409); nobody else gets that far.
  "POST /p/:slug/appointments/:id/session/signal": {
    rule: "participant", touches: "tina", ok: 409, out: 401, csrf: "session", call: (i) => ({ method: "POST", url: `${M}/appointments/${i.appointment}/session/signal` }),
  },
  // The dashboard's "client waiting" feed (issue 11) is for whoever may begin sessions; the snapshot form ends by itself.
  "GET /p/:slug/staff/events": { rule: "provider", touches: "practice", ok: 200, out: 401, call: () => ({ method: "GET", url: `${M}/staff/events?snapshot=1` }) },
  // An empty answer from the appointment's client is shown back with what to fix (422).
  "POST /p/:slug/appointments/:id/session/location": {
    rule: "client", touches: "tina", ok: 422, out: 303, csrf: "session", call: (i) => ({ method: "POST", url: `${M}/appointments/${i.appointment}/session/location`, form: {} }),
  },
  "POST /p/:slug/appointments/:id/session/end": {
    rule: "provider", touches: "tina", ok: 303, out: 401, csrf: "session", call: (i) => ({ method: "POST", url: `${M}/appointments/${i.appointment}/session/end` }),
  },
};

/** The expected status of one page cell, from the table alone. */
export function expectedPage(c: PageCase, actor: PageActor): number {
  if (c.rule === "public") return c.ok; // P5
  const isClient = actor === "client" || actor === "clientOther";
  if (c.rule === "portal") return isClient ? c.ok : c.out!; // P4
  if (c.rule === "client") { // P6
    if (actor === "client") return c.ok;
    return actor === "clientOther" || STAFF_ACTORS.includes(actor as StaffActorName) ? 403 : c.out!;
  }
  if (isClient) {
    if (c.rule === "participant") return actor === "client" ? c.ok : 403; // P2
    return c.rule === "provider" ? 403 : c.out!; // P3, P1
  }
  if (actor === "otherOwner" || actor === "signedOut" || actor === "revoked" || actor === "deactivated") return c.out!; // P1
  if (c.rule === "staffEntry") return c.ok;
  const grant = GRANTS[c.rule === "see" ? "see" : "change"][actor as StaffActorName];
  if (grant === "none") return 403;
  if (grant === "all" || c.touches === "practice") return c.ok;
  return actor === "therapistOwn" ? c.ok : 403;
}
