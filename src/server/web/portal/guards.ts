import type { FastifyReply, FastifyRequest } from "fastify";
import type { PracticeRow } from "../../db/types.js";
import type { Actor, Deps } from "../../domain/deps.js";
import { MAX_FIELD } from "../../domain/portal/sign-in.js";
import type { ClientActor } from "../../domain/portal/sign-in.js";
import { errorPage, formOf } from "../index.js";
import { csrfValid, currentSession, type SignedIn } from "../session.js";

/** The checks every portal page shares: which practice, who is signed in, and whether a form may be used. */

export const RATE_WINDOW_MS = 15 * 60_000;

/**
 * A per-address limit on emailed links (the pages' own attempts are the app's Limits): someone
 * else typing a client's address cannot flood their inbox or keep revoking their links. Shared by
 * every server process, like the other limits.
 */
export const linkMailAllowed = (req: FastifyRequest, practice: PracticeRow, email: string): Promise<boolean> =>
  req.server.limits.quota("portal_link_mail", req, `${practice.id}\n${email}`, 3, RATE_WINDOW_MS);

export const slugOf = (req: FastifyRequest) => (req.params as { slug: string }).slug;
export const portalPath = (p: PracticeRow, rest = "") => `/p/${p.slug}${rest}`;

/** The practice whose portal this URL is under, or a 404 page (undefined: the reply is sent). */
export async function practiceOr404(deps: Deps, req: FastifyRequest, reply: FastifyReply): Promise<PracticeRow | undefined> {
  const slug = slugOf(req);
  const practice = slug.length <= 64 ? await deps.store.practices.bySlug(slug) : undefined;
  if (!practice) {
    errorPage(reply, deps, 404, "Not found", "There is no client portal at this address. Check the link your practice gave you.");
  }
  return practice;
}

/** The browser's client session, only if it is a client's and of this practice (anything else is "not signed in"). */
export async function clientSession(deps: Deps, req: FastifyRequest, practice: PracticeRow): Promise<SignedIn | undefined> {
  const s = await currentSession(deps, req);
  return s && s.session.subjectType === "client" && s.practice.id === practice.id ? s : undefined;
}

export const clientActor = (req: FastifyRequest, s: SignedIn): ClientActor =>
  ({ kind: "client", practiceId: s.practice.id, clientId: s.session.subjectId, ip: req.ip, requestId: req.id });

export { visitor } from "../session.js";

/**
 * A posted form that may be acted on: its CSRF token matches (else a 403 page) and every field is
 * a string of at most MAX_FIELD characters (else a 400 page). Undefined: the reply is sent.
 */
export function checkedForm(deps: Deps, req: FastifyRequest, reply: FastifyReply, signedIn?: SignedIn): Record<string, string> | undefined {
  const form = formOf(req);
  const strings = Object.values(form).every((v) => typeof v === "string");
  if (!strings || !csrfValid(req, form, signedIn)) {
    errorPage(reply, deps, 403, "This form has expired",
      "For your security we could not accept it. Go back, reload the page, and try again.");
    return undefined;
  }
  if (Object.values(form).some((v) => v.length > MAX_FIELD)) {
    errorPage(reply, deps, 400, "That is too long", `Each field can hold at most ${MAX_FIELD} characters. Go back and try again.`);
    return undefined;
  }
  return form;
}

export { withinLimit } from "../limit-pages.js";
