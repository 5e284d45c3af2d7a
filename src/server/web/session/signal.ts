import type { FastifyInstance } from "fastify";
import type { Deps } from "../../domain/deps.js";
import { DomainError } from "../../domain/errors.js";
import { SessionHub } from "../../domain/sessions/hub.js";
import { sendSignal, SIGNAL_BODY_LIMIT } from "../../domain/sessions/signal.js";
import { sendProblem } from "../../http/errors.js";
import { csrfOk, participant } from "./events.js";

/**
 * `POST /p/:slug/appointments/:id/session/signal`: the built-in video's page → server signalling
 * (R29). Signed in as one of the session's two participants, CSRF-checked, JSON of at most 64 KB;
 * the message goes down the other side's event stream (`event: rtc`).
 */
export function sessionSignalRoutes(app: FastifyInstance, deps: Deps): void {
  const hub = (deps.sessions ??= new SessionHub(deps));
  app.post("/p/:slug/appointments/:id/session/signal", { bodyLimit: SIGNAL_BODY_LIMIT }, async (req, reply) => {
    const p = await participant(deps, req, reply);
    if (!p) return reply;
    if (!csrfOk(req, p)) return sendProblem(reply, req, 403, "csrf_invalid", "the page is out of date; reload it and try again");
    try {
      await sendSignal(deps, hub, p.access, req.body);
      return reply.code(204).header("cache-control", "no-store").send();
    } catch (err) {
      if (err instanceof DomainError) return sendProblem(reply, req, err.status, err.code, err.message);
      throw err;
    }
  });
}
