/**
 * The session page's video endpoints over real HTTP, as the browser calls them: portal and
 * sign-in-link cookies, the session page's CSRF token, the video token, and Zoom webhook deliveries
 * signed as Zoom signs them. Every status seen is kept in `statuses` (one list per test file).
 */
import { createHmac } from "node:crypto";
import { expect } from "vitest";
import { Tele } from "../../src/sdk/index.js";
import { openWorldDb, type E2eWorld, type startSmtp } from "./e2e.js";
import { PG_STORE } from "./pg-store.js";
import type { auditRows } from "./server.js";

export const statuses: number[] = [];

export async function call(world: E2eWorld, path: string, o: { cookie?: string; method?: string; form?: Record<string, string>; headers?: Record<string, string>; body?: string } = {}) {
  const res = await fetch(world.server.url + path, {
    method: o.method ?? (o.form ? "POST" : "GET"), redirect: "manual",
    headers: { ...(o.cookie ? { cookie: o.cookie } : {}), ...(o.form ? { "content-type": "application/x-www-form-urlencoded" } : {}), ...o.headers },
    body: o.form ? new URLSearchParams(o.form).toString() : o.body,
  });
  statuses.push(res.status);
  return res;
}
export const cookieOf = (res: Response, name: string) =>
  res.headers.getSetCookie().find((s) => s.startsWith(`${name}=`) && !s.startsWith(`${name}=;`))?.split(";")[0];
const csrfIn = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)![1]!;

/** Decodes and checks an HS256 JWT the way Zoom does: the signature over header.payload with the secret. */
export function verify(jwt: string, secret: string) {
  const [head, body, sig] = jwt.split(".");
  expect(sig).toBe(createHmac("sha256", secret).update(`${head}.${body}`).digest("base64url"));
  return { header: JSON.parse(Buffer.from(head!, "base64url").toString()), claims: JSON.parse(Buffer.from(body!, "base64url").toString()) };
}

/** A telehealth appointment (by default) with Tess, starting in a few minutes. */
export async function bookTelehealth(sdk: Tele, client: string, startInMinutes = 5, o: { telehealth?: boolean; therapist?: string } = {}) {
  const start = new Date(Date.now() + startInMinutes * 60_000).toISOString();
  return sdk.appointments.create({ therapist: o.therapist ?? "tess@maple.test", client, start, durationMinutes: 50, allowPast: true, allowOverlap: true, telehealth: o.telehealth ?? true });
}

/** The provider's browser session, through a `tele sessions open` sign-in link. */
export async function providerCookie(world: E2eWorld, token: string, appointmentId: string) {
  const link = new URL((await new Tele({ url: world.server.url, token }).appointments.signInLink(appointmentId)).url);
  const res = await call(world, link.pathname + link.search);
  expect(res.status).toBe(303);
  return cookieOf(res, "tele_session")!;
}

/** The client's browser session, signed in on the portal with `client password 1`. */
export async function clientCookie(world: E2eWorld, email: string) {
  const page = await call(world, `/p/${world.slug}`);
  const res = await call(world, `/p/${world.slug}/sign-in`, {
    cookie: cookieOf(page, "tele_csrf"), form: { _csrf: csrfIn(await page.text()), email, password: "client password 1" },
  });
  expect(res.status).toBe(303);
  return cookieOf(res, "tele_session")!;
}

/** The session page as this cookie sees it, and the CSRF token its video panel carries. */
export async function sessionPage(world: E2eWorld, id: string, cookie: string) {
  let res = await call(world, `/p/${world.slug}/appointments/${id}/session`, { cookie });
  let body = await res.text();
  // R27: a client first says where they are; answered here as a client at home in NJ would.
  if (body.includes(`action="/p/${world.slug}/appointments/${id}/session/location"`)) {
    await answerLocation(world, id, cookie, csrfIn(body));
    res = await call(world, `/p/${world.slug}/appointments/${id}/session`, { cookie });
    body = await res.text();
  }
  return { res, body, csrf: /data-csrf="([^"]+)"/.exec(body)?.[1] };
}

/** The client's answer to "Where are you right now?" (R27), posted as the form posts it. */
export async function answerLocation(world: E2eWorld, id: string, cookie: string, csrf: string, answer = { state: "NJ", place: "home", phone: "555 010 0100" }) {
  const res = await call(world, `/p/${world.slug}/appointments/${id}/session/location`, { cookie, form: { _csrf: csrf, ...answer } });
  expect(res.status).toBe(303);
  return res;
}

export const videoToken = (world: E2eWorld, id: string, cookie?: string, csrf?: string) =>
  call(world, `/p/${world.slug}/appointments/${id}/session/video`, {
    method: "POST", cookie, headers: { accept: "application/json", ...(csrf ? { "x-csrf-token": csrf } : {}) },
  });

/** A Zoom webhook delivery signed with the webhook secret, as Zoom sends it. */
export function signedZoomHook(world: E2eWorld, hookSecret: string, event: string, object: Record<string, unknown>) {
  const body = JSON.stringify({ event, event_ts: Date.now(), payload: { account_id: "a", object: { id: "z", session_id: "s==", ...object } } });
  const ts = Math.floor(Date.now() / 1000);
  return fetch(`${world.server.url}/webhooks/zoom`, {
    method: "POST", body, headers: { "content-type": "application/json", "x-zm-request-timestamp": String(ts), "x-zm-signature": `v0=${createHmac("sha256", hookSecret).update(`v0:${ts}:${body}`).digest("hex")}` },
  });
}

/** A client in NJ with a portal account (invite by real SMTP, then sign-up), password `client password 1`. */
export async function addPortalClient(world: E2eWorld, api: Tele, smtp: Awaited<ReturnType<typeof startSmtp>>, name: string, email: string) {
  const c = await api.clients.add({ name, email, state: "NJ" });
  await api.clients.invite(email);
  const invite = /\/invite\/([A-Za-z0-9_-]+)/.exec((await smtp.waitFor((m) => m.to === email)).text)![1]!;
  await api.portal.signup({ token: invite, password: "client password 1" });
  return c;
}

/** What the tests read the world's rows through: the server's SQLite store, or on PostgreSQL its database as the owner (openWorldDb). */
export function storeOf(world: E2eWorld) {
  if (PG_STORE) return { db: openWorldDb(world) } as unknown as Parameters<typeof auditRows>[0];
  return world.server.store as Parameters<typeof auditRows>[0];
}
