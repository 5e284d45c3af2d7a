import type { FastifyInstance } from "fastify";
import type { Deps } from "../../domain/deps.js";
import { DomainError } from "../../domain/errors.js";
import { useJoinLink } from "../../domain/sessions/join-link.js";
import { errorPage, pageHandler } from "../index.js";
import { linkFailed, linkPageAllowed } from "../limit-pages.js";
import { actorOf, currentSession } from "../session.js";
import { pageErrors, redirect, visitor } from "../staff/common.js";

/**
 * `GET /j/:token`: the one-time join link from the provider-joined email (R16). A signed-in client
 * lands in the session; anyone else signs in first and comes back here (the link stays unused).
 */
export function joinLinkPages(app: FastifyInstance, deps: Deps): void {
  app.get("/j/:token", { errorHandler: pageErrors(deps) }, pageHandler(deps, async (req, reply) => {
    const token = (req.params as { token: string }).token;
    if (!(await linkPageAllowed(deps, req, reply))) return reply;
    const s = await currentSession(deps, req);
    const viewer = s ? await actorOf(deps, req, s) : undefined;
    try {
      const out = await useJoinLink(deps, visitor(req), viewer, token);
      if (out.kind === "joined") return redirect(reply, deps, out.sessionPath);
      return redirect(reply, deps, `/p/${out.slug}?next=${encodeURIComponent(out.next)}`);
    } catch (err) {
      if (err instanceof DomainError && err.code === "link_invalid") {
        await linkFailed(req);
        return errorPage(reply, deps, err.status, "This join link does not work", err.message);
      }
      throw err;
    }
  }));
}
