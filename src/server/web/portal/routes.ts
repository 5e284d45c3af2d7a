import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { PracticeRow } from "../../db/types.js";
import type { Deps } from "../../domain/deps.js";
import { DomainError } from "../../domain/errors.js";
import { passwordLinkUsable, requestFreshLink, setPasswordWithLink, type PasswordLinkKind } from "../../domain/portal/accounts.js";
import { clientDashboard } from "../../domain/portal/dashboard.js";
import { normalEmail, recordSignIn, recordSignOut, signInClient, SIGN_IN_FAILED } from "../../domain/portal/sign-in.js";
import { pageErrors, pageHandler, sendPage } from "../index.js";
import { linkFailed, linkPageAllowed } from "../limit-pages.js";
import { csrfFor, endWebSession, replaceWebSession } from "../session.js";
import {
  checkedForm, clientActor, clientSession, linkMailAllowed, portalPath, practiceOr404, visitor, withinLimit,
} from "./guards.js";
import { dashboardPage, forgotPage, linkInvalidPage, linkSentPage, passwordPage, signInPage } from "./pages.js";


/**
 * Where to go after signing in, when the page asked: a join link (`/j/…`, R16) or a page of this
 * practice. Anything else (other sites, `//host`, backslashes) is ignored: no open redirect.
 */
export function safeNext(p: PracticeRow, next: unknown): string | undefined {
  if (typeof next !== "string" || next.length > 300) return undefined;
  if (/^\/j\/[A-Za-z0-9_-]{43}$/.test(next)) return next;
  return next.startsWith(`/p/${p.slug}/`) && /^[A-Za-z0-9_/-]+$/.test(next) && !next.includes("//") ? next : undefined;
}

/** Signs the browser in as the client (replacing whatever session it had) and goes on to `next` or the dashboard. */
async function signInBrowser(deps: Deps, req: FastifyRequest, reply: FastifyReply, practice: PracticeRow, clientId: string, next?: string) {
  await replaceWebSession(deps, req, reply, practice.id, "client", clientId);
  return reply.redirect(next ?? portalPath(practice, "/dashboard"), 303);
}

/** The client portal pages (R10–R12, R15): sign-in, sign-up and reset links, fresh links, the dashboard. */
export function portalPages(app: FastifyInstance, deps: Deps): void {
  // Bodies too large or unreadable get a page, not the API's problem+json.
  const errorHandler = pageErrors(deps);
  const page = (fn: (req: FastifyRequest, reply: FastifyReply, p: PracticeRow) => Promise<unknown>) =>
    pageHandler(deps, async (req, reply) => {
      const practice = await practiceOr404(deps, req, reply);
      return practice ? fn(req, reply, practice) : reply;
    });

  app.get("/p/:slug", { errorHandler }, page(async (req, reply, p) => {
    const next = safeNext(p, (req.query as { next?: unknown }).next);
    if (await clientSession(deps, req, p)) return reply.redirect(next ?? portalPath(p, "/dashboard"), 303);
    const info = "signed-out" in (req.query as object) ? "You have signed out."
      : next ? "Sign in to join your session." : undefined;
    return sendPage(reply, deps, 200, signInPage(p, { csrf: csrfFor(deps, req, reply), info, next }));
  }));

  app.post("/p/:slug/sign-in", { errorHandler }, page(async (req, reply, p) => {
    const form = checkedForm(deps, req, reply);
    if (!form || !(await withinLimit(deps, req, reply, "portal_sign_in", { account: normalEmail(form.email ?? ""), practiceId: p.id }))) return reply;
    const email = form.email ?? "";
    const next = safeNext(p, form.next);
    const clientId = await signInClient(deps, visitor(req), p, email, form.password ?? "");
    if (!clientId) return sendPage(reply, deps, 401, signInPage(p, { csrf: csrfFor(deps, req, reply), email, error: SIGN_IN_FAILED, next }));
    return signInBrowser(deps, req, reply, p, clientId, next);
  }));

  for (const kind of ["invite", "reset"] as PasswordLinkKind[]) passwordLinkPages(app, deps, kind, page);

  const freshLink = page(async (req, reply, p) => {
    const form = checkedForm(deps, req, reply);
    if (!form || !(await withinLimit(deps, req, reply, "portal_fresh_link", { practiceId: p.id }))) return reply;
    const email = form.email ?? "";
    // Over the per-address limit the answer is the same; only the mail is not sent again.
    if (await linkMailAllowed(req, p, normalEmail(email))) await requestFreshLink(deps, visitor(req), p, email);
    return sendPage(reply, deps, 200, linkSentPage(p));
  });
  app.post("/p/:slug/new-link", { errorHandler }, freshLink);
  app.post("/p/:slug/forgot", { errorHandler }, freshLink);
  app.get("/p/:slug/forgot", { errorHandler }, page(async (req, reply, p) => sendPage(reply, deps, 200, forgotPage(p, csrfFor(deps, req, reply)))));

  app.get("/p/:slug/dashboard", { errorHandler }, page(async (req, reply, p) => {
    const s = await clientSession(deps, req, p);
    const data = s && (await clientDashboard(deps, clientActor(req, s), p));
    if (!s || !data) return reply.redirect(portalPath(p), 303);
    return sendPage(reply, deps, 200, dashboardPage(p, data, s.session.csrfToken));
  }));

  app.post("/p/:slug/sign-out", { errorHandler }, page(async (req, reply, p) => {
    const s = await clientSession(deps, req, p);
    if (!s) return reply.redirect(portalPath(p), 303);
    if (!checkedForm(deps, req, reply, s)) return reply;
    await endWebSession(deps, req, reply);
    await recordSignOut(deps, clientActor(req, s));
    return reply.redirect(portalPath(p, "?signed-out"), 303);
  }));
}

type PageWrapper = (fn: (req: FastifyRequest, reply: FastifyReply, p: PracticeRow) => Promise<unknown>) => ReturnType<typeof pageHandler>;

/** GET and POST of `/p/:slug/invite/:token` (R10) or `/p/:slug/reset/:token` (R11). */
function passwordLinkPages(app: FastifyInstance, deps: Deps, kind: PasswordLinkKind, page: PageWrapper): void {
  const url = `/p/:slug/${kind}/:token`;
  const errorHandler = pageErrors(deps);
  const tokenOf = (req: FastifyRequest) => (req.params as { token: string }).token;
  const invalid = (req: FastifyRequest, reply: FastifyReply, p: PracticeRow) =>
    sendPage(reply, deps, 410, linkInvalidPage(p, csrfFor(deps, req, reply)));

  app.get(url, { errorHandler }, page(async (req, reply, p) => {
    const token = tokenOf(req);
    if (!(await linkPageAllowed(deps, req, reply, p.id))) return reply;
    if (!(await passwordLinkUsable(deps, p, kind, token))) {
      await linkFailed(req);
      return invalid(req, reply, p);
    }
    return sendPage(reply, deps, 200, passwordPage(p, kind, { action: portalPath(p, `/${kind}/${token}`), csrf: csrfFor(deps, req, reply) }));
  }));

  app.post(url, { errorHandler }, page(async (req, reply, p) => {
    const form = checkedForm(deps, req, reply);
    const token = tokenOf(req);
    if (!form || !(await withinLimit(deps, req, reply, "portal_password", { account: token.slice(0, 200), practiceId: p.id }))) return reply;
    const again = (error: string) =>
      sendPage(reply, deps, 422, passwordPage(p, kind, { action: portalPath(p, `/${kind}/${token}`), csrf: csrfFor(deps, req, reply), error }));
    const password = form.password ?? "";
    if (password !== (form.confirm ?? "")) return again("The two passwords are not the same. Type them again.");
    let clientId: string;
    try {
      clientId = await setPasswordWithLink(deps, visitor(req), p, kind, token, password);
    } catch (err) {
      if (err instanceof DomainError && err.code === "weak_password") return again(err.message);
      if (err instanceof DomainError && err.code === "link_invalid") return invalid(req, reply, p);
      throw err;
    }
    await recordSignIn(deps, visitor(req), p.id, clientId, kind === "invite" ? "signup" : "reset");
    return signInBrowser(deps, req, reply, p, clientId);
  }));
}
