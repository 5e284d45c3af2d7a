import type { FastifyInstance } from "fastify";
import type { Deps } from "../../domain/deps.js";
import { DomainError } from "../../domain/errors.js";
import { videoJoin } from "../../domain/sessions/video.js";
import { sendProblem } from "../../http/errors.js";
import { registerVideoAssets } from "../../video/assets.js";
import { csrfOk, participant } from "./events.js";

/**
 * The video side of the session page (R19): the SDK's own files, and
 * `POST /p/:slug/appointments/:id/session/video` — the signed-in participant's token, with the
 * role the server decides (host for the provider, participant for the client). CSRF-checked like
 * every other state-changing request from a page, and never cached.
 */
export function sessionVideoRoutes(app: FastifyInstance, deps: Deps): void {
  registerVideoAssets(app);
  app.post("/p/:slug/appointments/:id/session/video", async (req, reply) => {
    const p = await participant(deps, req, reply);
    if (!p) return reply;
    if (!csrfOk(req, p)) return sendProblem(reply, req, 403, "csrf_invalid", "the page is out of date; reload it and try again");
    try {
      return reply.code(200).header("cache-control", "no-store").send(await videoJoin(deps, p.actor, p.access));
    } catch (err) {
      if (err instanceof DomainError) return sendProblem(reply, req, err.status, err.code, err.message);
      throw err;
    }
  });
}
