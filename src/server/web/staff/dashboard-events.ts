/**
 * `GET /p/:slug/staff/events`: the provider dashboard's live feed (issue 11). A Server-Sent Events
 * stream of `waiting` events, `{appointmentId, waitingSince}` (ISO 8601 UTC, or null when the
 * client is no longer waiting alone), first one for each client waiting now, then on every change.
 * Only for staff who may begin sessions: a therapist hears of their own appointments, owners and
 * managers of all; billers and clients are refused (403). Bounded per staff member and per server
 * (dashboard-feed.ts). `?snapshot=1` sends what is true now and ends: for a page that cannot keep a
 * stream open, and for checks that want one answer.
 */
import type { FastifyInstance } from "fastify";
import type { Deps } from "../../domain/deps.js";
import type { WaitingEvent, Watcher } from "../../domain/sessions/dashboard-feed.js";
import type { SessionHub } from "../../domain/sessions/hub.js";
import { auditRead } from "../../domain/audit/audit.js";
import { mayChangeFor } from "../../domain/shared/permissions.js";
import { sendProblem } from "../../http/errors.js";
import { currentSession } from "../session.js";
import { pageErrors, practiceOf, staffSession } from "./common.js";

/** Whether a signed-in staff member gets the feed at all: anyone who may begin a session (R14). */
export const hearsWaiting = (roles: readonly string[]) => roles.some((r) => r === "owner" || r === "manager" || r === "therapist");

export function dashboardEvents(app: FastifyInstance, deps: Deps, hub: SessionHub): void {
  app.get("/p/:slug/staff/events", { errorHandler: pageErrors(deps) }, async (req, reply) => {
    const practice = await practiceOf(deps, req);
    const s = await staffSession(deps, req, practice);
    if (!s) {
      const other = await currentSession(deps, req);
      if (other?.practice.id === practice.id && other.session.subjectType === "client") {
        return sendProblem(reply, req, 403, "permission_denied", "only therapists, owners and managers follow waiting clients");
      }
      return sendProblem(reply, req, 401, "unauthenticated", "sign in to this practice first");
    }
    const actor = s.actor;
    if (!hearsWaiting(actor.staff.roles)) return sendProblem(reply, req, 403, "permission_denied", "only therapists, owners and managers follow waiting clients");
    let open = true;
    const res = reply.raw;
    const write = (chunk: string) => {
      if (open && !res.destroyed && !res.writableEnded) res.write(chunk, (err) => err && res.destroy());
    };
    const watcher: Watcher = {
      practiceId: practice.id, staffId: actor.staff.id,
      sees: (therapistId) => mayChangeFor(actor, therapistId),
      send: (ev: WaitingEvent) => write(`event: waiting\ndata: ${JSON.stringify(ev)}\n\n`),
      end: () => res.end(),
    };
    if (!hub.dashboards.add(watcher)) {
      return sendProblem(reply, req, 429, "too_many_streams", "too many dashboards are open for this account; close a tab and reload");
    }
    reply.hijack();
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff",
      "x-accel-buffering": "no", "x-request-id": req.id, connection: "close",
    });
    res.write("retry: 5000\n\n");
    const ping = setInterval(() => write(": ping\n\n"), hub.pingMs);
    res.on("close", () => {
      open = false;
      clearInterval(ping);
      hub.dashboards.remove(watcher);
    });
    try {
      const now = deps.clock();
      const first = await hub.dashboards.snapshot(deps.store, watcher);
      // Which appointments have a waiting client is a read about clients: audited (R20), ids only.
      await auditRead(deps, actor, now, practice.id, "dashboard.waiting.watch", { type: "appointment", id: null }, { waiting: first.map((e) => e.appointmentId) });
      for (const ev of first) watcher.send(ev);
      if ((req.query as { snapshot?: string }).snapshot === "1") res.end();
    } catch (err) {
      req.log.error({ err: (err as Error).message }, "dashboard feed failed");
      res.end();
    }
    return reply;
  });
}
