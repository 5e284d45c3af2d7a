import type { FastifyReply, FastifyRequest } from "fastify";
import type { PracticeRow, WebSessionRow } from "../db/types.js";
import type { Actor, Deps } from "../domain/deps.js";
import { hashSecret, newId, newSecret, sameSecret } from "../domain/shared/crypto.js";

export const SESSION_COOKIE = "tele_session";
export const CSRF_COOKIE = "tele_csrf";
export const SESSION_TTL_MS = 12 * 3600_000;

/**
 * Cookies from the request header, by @fastify/cookie's parser (asked only here, not in a hook on
 * every request). Of a name sent twice the first is kept, as RFC 6265 orders the more specific
 * path first: a `tele_csrf` tossed in from a sibling path cannot shadow ours. A value whose
 * %-escapes are broken arrives undecoded, and fails the checks its use makes (token length, form).
 */
export function cookies(req: FastifyRequest): Record<string, string | undefined> {
  const header = req.headers.cookie;
  return header ? req.server.parseCookie(header) : {};
}

const isHttps = (deps: Deps) => deps.config.publicUrl.startsWith("https:");

/**
 * Set-Cookie, serialized by @fastify/cookie: Path=/, HttpOnly and SameSite=Lax always, Secure
 * when the public URL is https. Setting a name again in one reply replaces it (one header per name).
 */
export function setCookie(reply: FastifyReply, deps: Deps, name: string, value: string, maxAgeSeconds: number): void {
  const line = reply.server.serializeCookie(name, value, { path: "/", httpOnly: true, sameSite: "lax", maxAge: maxAgeSeconds, secure: isHttps(deps) });
  const prev = reply.getHeader("set-cookie");
  const list = prev === undefined ? [] : Array.isArray(prev) ? prev.map(String) : [String(prev)];
  reply.header("set-cookie", [...list.filter((c) => !c.startsWith(`${name}=`)), line]);
}

export interface SignedIn {
  session: WebSessionRow;
  practice: PracticeRow;
}

/**
 * A signed-in browser's CSRF token, derived from its session cookie rather than stored: the
 * database keeps only the cookie's hash, so a copy of it yields neither.
 */
const csrfOf = (sessionToken: string) => hashSecret(`csrf\n${sessionToken}`);

/** Starts a browser session for a client or staff member and sets its cookie. */
export async function startWebSession(
  deps: Deps, reply: FastifyReply, practiceId: string, subjectType: WebSessionRow["subjectType"], subjectId: string,
): Promise<WebSessionRow> {
  const token = newSecret();
  const now = deps.clock();
  const row: WebSessionRow = { id: newId("ses"), practiceId, subjectType, subjectId, csrfToken: csrfOf(token), createdAt: now, expiresAt: now + SESSION_TTL_MS };
  await deps.store.tx((r) => r.webSessions.insert({ ...row, csrfToken: "derived", tokenHash: hashSecret(token) }));
  setCookie(reply, deps, SESSION_COOKIE, token, SESSION_TTL_MS / 1000);
  return row;
}

/** The browser's live session, if its cookie names one. */
export async function currentSession(deps: Deps, req: FastifyRequest): Promise<SignedIn | undefined> {
  const token = cookies(req)[SESSION_COOKIE];
  if (!token || token.length > 200) return undefined;
  const session = await deps.store.webSessions.live(hashSecret(token), deps.clock());
  if (!session) return undefined;
  session.csrfToken = csrfOf(token);
  const practice = await deps.store.practices.byId(session.practiceId);
  return practice && { session, practice };
}

/** Starts a session for one person, ending the browser's previous one first: a fresh cookie on every sign-in, never two live ones. */
export async function replaceWebSession(
  deps: Deps, req: FastifyRequest, reply: FastifyReply, practiceId: string, subjectType: WebSessionRow["subjectType"], subjectId: string,
): Promise<WebSessionRow> {
  const previous = await currentSession(deps, req);
  if (previous) await deps.store.tx((r) => r.webSessions.revoke(previous.session.id, deps.clock()));
  return startWebSession(deps, reply, practiceId, subjectType, subjectId);
}

/** Ends the browser's session and clears its cookie. */
export async function endWebSession(deps: Deps, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const current = await currentSession(deps, req);
  if (current) await deps.store.tx((r) => r.webSessions.revoke(current.session.id, deps.clock()));
  setCookie(reply, deps, SESSION_COOKIE, "", 0);
}

/** Whoever is asking, before any sign-in: an anonymous actor with the address and request id, for the audit log. */
export const visitor = (req: FastifyRequest): Actor => ({ kind: "anonymous", ip: req.ip, requestId: req.id });

/** The actor a signed-in browser acts as (the server decides the role; the page never does). */
export async function actorOf(deps: Deps, req: FastifyRequest, s: SignedIn): Promise<Actor | undefined> {
  if (s.session.subjectType === "client") {
    return { kind: "client", practiceId: s.practice.id, clientId: s.session.subjectId, ip: req.ip, requestId: req.id };
  }
  const staff = await deps.store.staff.byId(s.practice.id, s.session.subjectId);
  // Deactivation ends their sessions; a deactivated staff member's cookie never acts, whatever its row says.
  if (!staff || staff.deactivatedAt !== null) return undefined;
  return { kind: "staff", practiceId: s.practice.id, staff, ip: req.ip, requestId: req.id };
}

/**
 * The CSRF token a form must carry: the session's own when signed in, else a random value kept in
 * an HttpOnly cookie (double submit). Forms post it back as `_csrf`.
 */
export function csrfFor(deps: Deps, req: FastifyRequest, reply: FastifyReply, signedIn?: SignedIn): string {
  if (signedIn) return signedIn.session.csrfToken;
  const existing = cookies(req)[CSRF_COOKIE];
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const fresh = newSecret();
  setCookie(reply, deps, CSRF_COOKIE, fresh, 24 * 3600);
  return fresh;
}

/** True when the form's `_csrf` matches the session's token, or the anonymous CSRF cookie. */
export function csrfValid(req: FastifyRequest, form: Record<string, string>, signedIn?: SignedIn): boolean {
  const given = form._csrf ?? "";
  const expected = signedIn ? signedIn.session.csrfToken : cookies(req)[CSRF_COOKIE] ?? "";
  return sameSecret(given, expected);
}
