import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { sessionPath } from "../../domain/appointments/window.js";
import type { Actor, Deps } from "../../domain/deps.js";
import { DomainError } from "../../domain/errors.js";
import { requireConsent } from "../../domain/consent/acceptance.js";
import { sameSecret } from "../../domain/shared/crypto.js";
import { sessionAccess, type SessionAccess } from "../../domain/sessions/access.js";
import { refuseBlockedClient } from "../../domain/sessions/location.js";
import { SessionHub, type Connection } from "../../domain/sessions/hub.js";
import type { StateEvent } from "../../domain/sessions/state.js";
import type { RtcEvent } from "../../domain/sessions/relay.js";

/** How much unsent signalling a stream may hold before it is closed (its page reconnects and starts afresh). */
const RTC_BACKLOG = 1024 * 1024;
import { sendProblem } from "../../http/errors.js";
import { formOf } from "../index.js";
import { actorOf, currentSession, type SignedIn } from "../session.js";
import { practiceOf, redirect } from "../staff/common.js";

export type Signed = { signedIn: SignedIn; actor: Actor; access: SessionAccess };

/** The signed-in participant of this appointment's session (same rule as the session page), or a problem reply. */
export async function participant(deps: Deps, req: FastifyRequest, reply: FastifyReply): Promise<Signed | undefined> {
  try {
    const practice = await practiceOf(deps, req);
    const signedIn = await currentSession(deps, req);
    const actor = signedIn && signedIn.practice.id === practice.id ? await actorOf(deps, req, signedIn) : undefined;
    if (!signedIn || !actor) {
      sendProblem(reply, req, 401, "unauthenticated", "sign in to this practice first");
      return undefined;
    }
    const access = await sessionAccess(deps, actor, (req.params as { id: string }).id);
    await requireConsent(deps, actor, access.appointment.id); // R26: the session page sends such a client to sign first
    // R27: a client whose answer rules the session out (outside the U.S.; unlicensed there under refuse) does not join.
    await refuseBlockedClient(deps, access);
    return { signedIn, actor, access };
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    sendProblem(reply, req, err.status, err.code, err.message);
    return undefined;
  }
}

/** Opens the Server-Sent Events stream and ties it to the hub; closing the connection is leaving. */
function openStream(hub: SessionHub, req: FastifyRequest, reply: FastifyReply, p: Signed): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "x-accel-buffering": "no",
    "x-request-id": req.id,
    // A stream has its connection to itself; when it ends, so does the connection (no idle keep-alive to wait out on close).
    connection: "close",
  });
  // A client whose stream ended (session completed, server stopping) waits a while before retrying.
  res.write("retry: 3000\n\n");
  const write = (chunk: string) => {
    if (res.destroyed || res.writableEnded) return;
    res.write(chunk, (err) => err && res.destroy());
  };
  const conn: Connection = {
    appointmentId: p.access.appointment.id, practiceId: p.access.practice.id, role: p.access.role, who: p.access.who,
    send: (ev: StateEvent) => write(`event: state\ndata: ${JSON.stringify(ev)}\n\n`),
    end: () => res.end(),
    // Signalling for the built-in video; a page that stops reading is cut off rather than buffered for.
    rtc: (ev: RtcEvent) => {
      if (res.writableLength > RTC_BACKLOG) return void res.destroy();
      write(`event: rtc\ndata: ${JSON.stringify(ev)}\n\n`);
    },
  };
  // A comment line every so often: proxies keep the stream open, and a dead connection shows up as a failed write.
  const ping = setInterval(() => write(": ping\n\n"), hub.pingMs);
  res.on("close", () => {
    clearInterval(ping);
    hub.disconnect(p.actor, conn).catch((err: Error) => req.log.warn({ err: err.message }, "session leave failed"));
  });
  hub.connect(p.actor, p.access, conn).catch((err: Error) => {
    req.log.error({ err: err.message }, "session join failed");
    res.end();
  });
}

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());


/** The CSRF token a session-page request carries (header from fetch, or the form field), checked against the session's. */
export function csrfOk(req: FastifyRequest, p: Signed): boolean {
  const header = req.headers["x-csrf-token"];
  const given = typeof header === "string" ? header : formOf(req)._csrf ?? "";
  return sameSecret(given, p.signedIn.session.csrfToken);
}

/** The session page's live channel (presence, R17) and the provider's "End session" (R18). */
export function sessionEventRoutes(app: FastifyInstance, deps: Deps): void {
  const hub = (deps.sessions ??= new SessionHub(deps));
  // Streams never finish by themselves: end them first, or closing the server would wait on them.
  app.addHook("preClose", () => hub.stop());

  app.get("/p/:slug/appointments/:id/session/events", async (req, reply) => {
    const p = await participant(deps, req, reply);
    if (!p) return reply;
    openStream(hub, req, reply, p);
    return reply;
  });

  app.post("/p/:slug/appointments/:id/session/end", async (req, reply) => {
    const p = await participant(deps, req, reply);
    if (!p) return reply;
    const header = req.headers["x-csrf-token"];
    if (!csrfOk(req, p)) return sendProblem(reply, req, 403, "csrf_invalid", "the form is out of date; reload the page and try again");
    if (p.access.role !== "provider") return sendProblem(reply, req, 403, "permission_denied", "only the provider can end the session");
    try {
      const rec = await hub.end(p.actor, p.access);
      if (typeof header === "string") return reply.code(200).send({ state: rec.state, startedAt: isoOrNull(rec.startedAt), endedAt: isoOrNull(rec.endedAt) });
      return redirect(reply, deps, sessionPath(p.access.practice.slug, p.access.appointment.id));
    } catch (err) {
      if (err instanceof DomainError) return sendProblem(reply, req, err.status, err.code, err.message);
      throw err;
    }
  });
}
