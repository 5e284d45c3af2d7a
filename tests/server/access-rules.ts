/**
 * The written table of who may do what (R1, R2 and the access rules A1–A6 below), from which the
 * access matrix test derives every expected outcome. Nothing here is computed from the server's
 * code: when a route is added, it must be added here too, or the matrix test fails.
 *
 * A1 (R1) Anyone not signed in, with a portal (client) cookie instead of a token, with a revoked
 *    token, or deactivated, is refused by every endpoint that is not public: 401.
 * A2 Access is what a role may do (the grants below) intersected with what the request touches:
 *    "practice" (the practice itself, a list, something new), or "tina" (the therapist Tina, her
 *    appointment, or her client Alice).
 * A3 A grant "own" reaches only the actor's own: lists are cut to it; Tina's things are refused
 *    (403) to everyone but Tina. A biller's "all" is a read grant only: it never widens a change.
 * A4 Another practice's owner never reaches this practice: its records are 404 to them; practice
 *    level requests act on their own practice and show nothing of ours.
 * A5 (R2) Managing the practice (staff, tokens, deactivation, imports, mail, audit) is for owners and
 *    managers only: 403 for everyone else.
 * A6 Public endpoints decide by the proof in the request (a setup token, a link), never by role: every
 *    actor gets the same answer.
 */

export const STAFF_ACTORS = ["owner", "manager", "therapistOwn", "therapistOther", "biller", "billerTherapist", "managerTherapist"] as const;
export const OUTSIDERS = ["client", "otherOwner", "signedOut", "revoked", "deactivated"] as const;
export const ACTORS = [...STAFF_ACTORS, ...OUTSIDERS] as const;
export type ActorName = (typeof ACTORS)[number];
export type StaffActorName = (typeof STAFF_ACTORS)[number];
export type Grant = "all" | "own" | "none";
export type Rule = "public" | "self" | "see" | "change" | "manage";

/** What each role may do (A2, A3, A5): the grant per rule. Tina is "therapistOwn", Theo "therapistOther". */
export const GRANTS: Record<Exclude<Rule, "public">, Record<StaffActorName, Grant>> = {
  self: { owner: "all", manager: "all", therapistOwn: "all", therapistOther: "all", biller: "all", billerTherapist: "all", managerTherapist: "all" },
  see: { owner: "all", manager: "all", therapistOwn: "own", therapistOther: "own", biller: "all", billerTherapist: "all", managerTherapist: "all" },
  change: { owner: "all", manager: "all", therapistOwn: "own", therapistOther: "own", biller: "none", billerTherapist: "own", managerTherapist: "all" },
  manage: { owner: "all", manager: "all", therapistOwn: "none", therapistOther: "none", biller: "none", billerTherapist: "none", managerTherapist: "all" },
};

export type Touches = "practice" | "tina";

/** One API operation: its rule, what it touches, the success status, and how to call it with the fixture's ids. */
export interface ApiCase {
  rule: Rule;
  touches: Touches;
  ok: number;
  call: (ids: FixtureIds) => { url: string; body?: unknown; csv?: string };
}

export interface FixtureIds {
  practiceId: string;
  tina: string;
  alice: string;
  appointment: string;
  tinaToken: string;
  /** A mail of the practice, still queued (a staff invite). */
  mail: string;
}

const bogusLink = { token: "x".repeat(43), password: "a long enough password 1" };

/** Every API operation. The key is the method and the route as registered. */
export const API_CASES: Record<string, ApiCase> = {
  "POST /api/v1/practices": { rule: "public", touches: "practice", ok: 403, call: () => ({ url: "/api/v1/practices", body: { name: "X", state: "NY", timeZone: "America/New_York", ownerName: "O", ownerEmail: "o@x.test" } }) },
  "PATCH /api/v1/practice": { rule: "manage", touches: "practice", ok: 200, call: () => ({ url: "/api/v1/practice", body: { contact: "555-0100" } }) },
  "PUT /api/v1/practice/consent": { rule: "manage", touches: "practice", ok: 200, call: () => ({ url: "/api/v1/practice/consent", body: { text: "I agree to telehealth." } }) },
  // The fixture's practice has no consent text yet: everyone who may read it gets that answer.
  "GET /api/v1/practice/consent": { rule: "see", touches: "practice", ok: 404, call: () => ({ url: "/api/v1/practice/consent" }) },
  "GET /api/v1/me": { rule: "self", touches: "practice", ok: 200, call: () => ({ url: "/api/v1/me" }) },
  "POST /api/v1/me/token/revoke": { rule: "self", touches: "practice", ok: 200, call: () => ({ url: "/api/v1/me/token/revoke" }) },
  "GET /api/v1/staff": { rule: "see", touches: "practice", ok: 200, call: () => ({ url: "/api/v1/staff" }) },
  "POST /api/v1/staff": { rule: "manage", touches: "practice", ok: 201, call: () => ({ url: "/api/v1/staff", body: { name: "Nia New", email: "nia@maple.test", roles: ["therapist"] } }) },
  "GET /api/v1/staff/:ref": { rule: "see", touches: "tina", ok: 200, call: (i) => ({ url: `/api/v1/staff/${i.tina}` }) },
  "PATCH /api/v1/staff/:ref": { rule: "manage", touches: "tina", ok: 200, call: (i) => ({ url: `/api/v1/staff/${i.tina}`, body: { name: "Tina Renamed" } }) },
  "POST /api/v1/staff/:ref/teletherapy/enable": { rule: "manage", touches: "tina", ok: 200, call: (i) => ({ url: `/api/v1/staff/${i.tina}/teletherapy/enable` }) },
  "POST /api/v1/staff/:ref/teletherapy/disable": { rule: "manage", touches: "tina", ok: 200, call: (i) => ({ url: `/api/v1/staff/${i.tina}/teletherapy/disable`, body: { upcoming: "convert_to_in_person" } }) },
  "POST /api/v1/staff/:ref/tokens": { rule: "manage", touches: "tina", ok: 201, call: (i) => ({ url: `/api/v1/staff/${i.tina}/tokens` }) },
  "GET /api/v1/staff/:ref/tokens": { rule: "manage", touches: "tina", ok: 200, call: (i) => ({ url: `/api/v1/staff/${i.tina}/tokens` }) },
  "POST /api/v1/staff/:ref/invite": { rule: "manage", touches: "tina", ok: 201, call: (i) => ({ url: `/api/v1/staff/${i.tina}/invite` }) },
  "POST /api/v1/staff/:ref/deactivate": { rule: "manage", touches: "tina", ok: 200, call: (i) => ({ url: `/api/v1/staff/${i.tina}/deactivate` }) },
  "POST /api/v1/tokens/:id/revoke": { rule: "manage", touches: "tina", ok: 200, call: (i) => ({ url: `/api/v1/tokens/${i.tinaToken}/revoke` }) },
  "GET /api/v1/clients": { rule: "see", touches: "practice", ok: 200, call: () => ({ url: "/api/v1/clients" }) },
  "POST /api/v1/clients": { rule: "manage", touches: "practice", ok: 201, call: () => ({ url: "/api/v1/clients", body: { name: "Nell New", email: "nell@client.test", state: "NY" } }) },
  "POST /api/v1/clients/import": { rule: "manage", touches: "practice", ok: 200, call: () => ({ url: "/api/v1/clients/import?dryRun=true", csv: "name,email,state\n" }) },
  "GET /api/v1/clients/:ref": { rule: "see", touches: "tina", ok: 200, call: (i) => ({ url: `/api/v1/clients/${i.alice}` }) },
  "PATCH /api/v1/clients/:ref": { rule: "manage", touches: "tina", ok: 200, call: (i) => ({ url: `/api/v1/clients/${i.alice}`, body: { phone: "555-0111" } }) },
  "POST /api/v1/clients/:ref/archive": { rule: "manage", touches: "tina", ok: 200, call: (i) => ({ url: `/api/v1/clients/${i.alice}/archive`, body: { cancelUpcoming: true } }) },
  "POST /api/v1/clients/:ref/invite": { rule: "change", touches: "tina", ok: 201, call: (i) => ({ url: `/api/v1/clients/${i.alice}/invite` }) },
  "POST /api/v1/portal/signup": { rule: "public", touches: "practice", ok: 422, call: () => ({ url: "/api/v1/portal/signup", body: bogusLink }) },
  "POST /api/v1/portal/reset": { rule: "public", touches: "practice", ok: 422, call: () => ({ url: "/api/v1/portal/reset", body: bogusLink }) },
  "GET /api/v1/appointments": { rule: "see", touches: "practice", ok: 200, call: () => ({ url: "/api/v1/appointments" }) },
  "POST /api/v1/appointments": {
    rule: "change", touches: "tina", ok: 201,
    call: (i) => ({ url: "/api/v1/appointments", body: { therapist: i.tina, client: i.alice, start: "2026-12-03T10:00", durationMinutes: 50 } }),
  },
  "POST /api/v1/appointments/convert": { rule: "change", touches: "tina", ok: 200, call: (i) => ({ url: "/api/v1/appointments/convert", body: { therapist: i.tina, telehealth: false } }) },
  "POST /api/v1/appointments/import": {
    rule: "manage", touches: "practice", ok: 200,
    call: () => ({ url: "/api/v1/appointments/import?dryRun=true", csv: "therapist,client,start,duration_minutes\n" }),
  },
  "GET /api/v1/appointments/export": { rule: "see", touches: "practice", ok: 200, call: () => ({ url: "/api/v1/appointments/export?from=2026-12-01&to=2026-12-31" }) },
  "GET /api/v1/appointments/:id": { rule: "see", touches: "tina", ok: 200, call: (i) => ({ url: `/api/v1/appointments/${i.appointment}` }) },
  "PATCH /api/v1/appointments/:id": { rule: "change", touches: "tina", ok: 200, call: (i) => ({ url: `/api/v1/appointments/${i.appointment}`, body: { telehealth: false } }) },
  "POST /api/v1/appointments/:id/sign-in-link": { rule: "change", touches: "tina", ok: 201, call: (i) => ({ url: `/api/v1/appointments/${i.appointment}/sign-in-link` }) },
  "POST /api/v1/appointments/:id/cancel": { rule: "change", touches: "tina", ok: 200, call: (i) => ({ url: `/api/v1/appointments/${i.appointment}/cancel`, body: { reason: "client asked" } }) },
  "POST /api/v1/appointments/:id/reschedule": { rule: "change", touches: "tina", ok: 200, call: (i) => ({ url: `/api/v1/appointments/${i.appointment}/reschedule`, body: { start: "2026-12-02T10:00" } }) },
  "POST /api/v1/appointments/:id/status": { rule: "manage", touches: "tina", ok: 200, call: (i) => ({ url: `/api/v1/appointments/${i.appointment}/status`, body: { status: "no_show" } }) },
  "GET /api/v1/mail": { rule: "manage", touches: "practice", ok: 200, call: () => ({ url: "/api/v1/mail" }) },
  "GET /api/v1/mail/:id": { rule: "manage", touches: "tina", ok: 200, call: (i) => ({ url: `/api/v1/mail/${i.mail}` }) },
  "POST /api/v1/mail/:id/retry": { rule: "manage", touches: "tina", ok: 200, call: (i) => ({ url: `/api/v1/mail/${i.mail}/retry` }) },
  "GET /api/v1/audit": { rule: "manage", touches: "practice", ok: 200, call: () => ({ url: "/api/v1/audit?since=2026-11-01&limit=10" }) },
};

/** The expected status of one cell, from the table alone (A1–A6). */
export function expectedStatus(c: ApiCase, actor: ActorName): number {
  if (c.rule === "public") return c.ok; // A6
  if (actor === "client" || actor === "signedOut" || actor === "revoked" || actor === "deactivated") return 401; // A1
  if (actor === "otherOwner") return c.touches === "practice" ? c.ok : 404; // A4
  const grant = GRANTS[c.rule][actor];
  if (grant === "none") return 403; // A5, A3
  if (grant === "all" || c.touches === "practice") return c.ok;
  return actor === "therapistOwn" ? c.ok : 403; // A3: only Tina reaches Tina's
}
