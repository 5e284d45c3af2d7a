import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { PracticeRow } from "../../db/types.js";
import { acceptConsent, consentDue, consentPage, ConsentProblem } from "../../domain/consent/acceptance.js";
import type { Actor, Deps } from "../../domain/deps.js";
import { DomainError } from "../../domain/errors.js";
import { pageErrors, pageHandler, sendPage } from "../index.js";
import { checkedForm, clientActor, clientSession, portalPath, practiceOr404 } from "../portal/guards.js";
import { safeNext } from "../portal/routes.js";
import { redirect } from "../staff/common.js";
import { consentPageHtml, consentPath } from "./pages.js";

/**
 * The gate in front of a telehealth session (R26), for the session page: a client who has not
 * accepted the practice's current consent text is sent to the consent page, which sends them back
 * to `next` afterwards. True when the reply (the redirect) is sent. Staff are never sent there.
 */
export async function consentFirst(deps: Deps, reply: FastifyReply, practice: PracticeRow, actor: Actor, appointmentId: string, next: string): Promise<boolean> {
  if (!(await consentDue(deps, actor, appointmentId))) return false;
  redirect(reply, deps, consentPath(practice.slug, next));
  return true;
}

/** `GET /p/:slug/consent` (read and sign) and `POST /p/:slug/consent` (I agree): the signed-in client's. */
export function consentPages(app: FastifyInstance, deps: Deps): void {
  const errorHandler = pageErrors(deps);
  const page = (fn: (req: FastifyRequest, reply: FastifyReply, p: PracticeRow) => Promise<unknown>) =>
    pageHandler(deps, async (req, reply) => {
      const practice = await practiceOr404(deps, req, reply);
      return practice ? fn(req, reply, practice) : reply;
    });
  const nextOf = (p: PracticeRow, value: unknown) => safeNext(p, value) ?? portalPath(p, "/dashboard");

  app.get("/p/:slug/consent", { errorHandler }, page(async (req, reply, p) => {
    const s = await clientSession(deps, req, p);
    if (!s) return redirect(reply, deps, `${portalPath(p)}?next=${encodeURIComponent(portalPath(p, "/consent"))}`);
    const actor = clientActor(req, s);
    const client = await deps.store.clients.byId(p.id, actor.clientId, deps.clock());
    if (!client) return redirect(reply, deps, portalPath(p));
    const view = await consentPage(deps, actor, p);
    const html = consentPageHtml(p, view, { csrf: s.session.csrfToken, next: nextOf(p, (req.query as { next?: unknown }).next), clientName: client.name });
    return sendPage(reply, deps, 200, html);
  }));

  app.post("/p/:slug/consent", { errorHandler }, page(async (req, reply, p) => {
    const s = await clientSession(deps, req, p);
    if (!s) return redirect(reply, deps, portalPath(p));
    const form = checkedForm(deps, req, reply, s);
    if (!form) return reply;
    const actor = clientActor(req, s);
    const next = nextOf(p, form.next);
    const userAgent = typeof req.headers["user-agent"] === "string" ? req.headers["user-agent"] : null;
    try {
      await acceptConsent(deps, actor, { version: form.version, typedName: form.typedName, userAgent });
    } catch (err) {
      // No text (any more) to accept: nothing stands between the client and where they were going.
      if (err instanceof DomainError && err.code === "no_consent_text") return redirect(reply, deps, next);
      if (!(err instanceof ConsentProblem)) throw err;
      const client = await deps.store.clients.byId(p.id, actor.clientId, deps.clock());
      const view = await consentPage(deps, actor, p);
      const problem = err.code === "typed_name_required" ? { fieldError: err.message } : { formError: err.message };
      return sendPage(reply, deps, err.status, consentPageHtml(p, view, {
        csrf: s.session.csrfToken, next, clientName: client?.name ?? "", typedName: form.typedName, ...problem,
      }));
    }
    return redirect(reply, deps, next);
  }));
}
