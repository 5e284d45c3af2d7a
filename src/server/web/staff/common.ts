import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import type { PracticeRow } from "../../db/types.js";
import type { Actor, Deps, StaffActor } from "../../domain/deps.js";
import { invalid, notFound } from "../../domain/errors.js";
import { pageErrors } from "../index.js";

export { pageErrors };
import { pageHeaders } from "../security.js";
import { actorOf, currentSession, type SignedIn } from "../session.js";

/** Shared by the staff pages: the practice from the address, the signed-in staff member, form fields. */
export const staffHome = (slug: string) => `/p/${slug}/staff`;
export const signInPath = (slug: string) => `/p/${slug}/staff/sign-in`;

/** The practice named in the address, or a 404 page (through pageHandler). */
export async function practiceOf(deps: Deps, req: FastifyRequest): Promise<PracticeRow> {
  const slug = (req.params as { slug?: string }).slug ?? "";
  const practice = slug.length <= 60 ? await deps.store.practices.bySlug(slug) : undefined;
  if (!practice) throw notFound("practice", slug.slice(0, 60));
  return practice;
}

export interface StaffSignedIn {
  signedIn: SignedIn;
  actor: StaffActor;
}

/** The browser's staff session for this practice, if it has one (a client's session does not count). */
export async function staffSession(deps: Deps, req: FastifyRequest, practice: PracticeRow): Promise<StaffSignedIn | undefined> {
  const s = await currentSession(deps, req);
  if (!s || s.session.subjectType !== "staff" || s.practice.id !== practice.id) return undefined;
  const actor = await actorOf(deps, req, s);
  return actor?.kind === "staff" ? { signedIn: s, actor } : undefined;
}

/** Anyone not signed in, as the audit log records them. */
export { visitor } from "../session.js";

/** The page header's sign-out form for a signed-in staff member. */
export const signOutFor = (slug: string, s: StaffSignedIn) => ({ action: `/p/${slug}/staff/sign-out`, csrf: s.signedIn.session.csrfToken, who: s.actor.staff.name });

/** A 303 redirect that still carries the page headers. */
export function redirect(reply: FastifyReply, deps: Deps, to: string): FastifyReply {
  pageHeaders(reply, { https: deps.config.publicUrl.startsWith("https:") });
  return reply.code(303).header("location", to).send();
}

/** A form value as a string no longer than `max` (a longer one is a 400 page); absent or not text: "". */
export function text(form: Record<string, unknown>, name: string, max: number): string {
  const v = form[name];
  if (typeof v !== "string") return "";
  if (v.length > max) throw invalid(`the ${name === "_csrf" ? "form" : name} field is too long`);
  return v;
}

