import type { FastifyInstance } from "fastify";
import { formatInZone, zoneAbbreviation } from "../../../sdk/schemas/time.js";
import { sessionPath } from "../../domain/appointments/window.js";
import type { Deps } from "../../domain/deps.js";
import { DomainError } from "../../domain/errors.js";
import { openSessionPage, type SessionPageView } from "../../domain/sessions/page.js";
import type { SessionHub } from "../../domain/sessions/hub.js";
import { useSignInLink } from "../../domain/sessions/sign-in-link.js";
import { html, notice, page, type SafeHtml } from "../html.js";
import { errorPage, pageHandler, sendPage } from "../index.js";
import { actorOf, currentSession } from "../session.js";
import { pageErrors, practiceOf, redirect, signOutFor, staffHome, staffSession, visitor } from "./common.js";
import { replaceSession } from "./sign-in.js";

function windowNotice(v: SessionPageView): SafeHtml {
  const tz = v.practice.timeZone;
  const a = v.appointment;
  if (!a.telehealth) return notice("info", "This appointment is in person: there is no video session for it.");
  if (v.state === "completed") return notice("info", "This session has ended.");
  if (a.status !== "scheduled") return notice("info", `This appointment is ${a.status.replace("_", "-")}.`);
  if (v.window.open) return notice("ok", "The session window is open.");
  if (v.now < v.window.opensAt) {
    return notice("info", `The session opens at ${formatInZone(v.window.opensAt, tz)} ${zoneAbbreviation(v.window.opensAt, tz)}.`);
  }
  return notice("info", "The session window has closed.");
}

function sessionBody(v: SessionPageView): SafeHtml {
  const tz = v.practice.timeZone;
  const a = v.appointment;
  const end = formatInZone(a.endAt, tz).split(", ")[1];
  const back = v.viewer.kind === "staff" ? staffHome(v.practice.slug) : `/p/${v.practice.slug}`;
  return html`<h1>Telehealth session</h1>
${windowNotice(v)}
<div class="card">
  <p><strong>Practice:</strong> ${v.practice.name}</p>
  <p><strong>When:</strong> ${formatInZone(a.startAt, tz)}–${end} ${zoneAbbreviation(a.startAt, tz)}</p>
  <p><strong>Therapist:</strong> ${v.therapistName}</p>
  <p><strong>Client:</strong> ${v.clientFirstName}</p>
</div>
<h2>Who is here</h2>
<ul class="present" aria-label="Who is here">
  ${v.present.map((p) => html`<li>${p.name} (${p.role})${p.kind === v.viewer.kind && p.id === v.viewer.id ? " — you" : ""}</li>`)}
</ul>
<p class="hint">This shows who has this session open now. The waiting room and video will appear here.</p>
<p><a href="${back}">Back to ${v.viewer.kind === "staff" ? "appointments" : "your dashboard"}</a></p>`;
}

/** The session page (placeholder until the session issue) and the CLI's single-use sign-in link. */
export function sessionPages(app: FastifyInstance, deps: Deps, hub: SessionHub): void {
  const errorHandler = pageErrors(deps);

  app.get("/p/:slug/appointments/:id/session", { errorHandler }, pageHandler(deps, async (req, reply) => {
    const practice = await practiceOf(deps, req);
    const s = await currentSession(deps, req);
    const actor = s && s.practice.id === practice.id ? await actorOf(deps, req, s) : undefined;
    // Staff arrive signed in (through /s/…); anyone else signs in on the client portal first.
    if (!actor) return redirect(reply, deps, `/p/${practice.slug}`);
    const view = await openSessionPage(deps, actor, hub, (req.params as { id: string }).id);
    const staff = actor.kind === "staff" ? await staffSession(deps, req, practice) : undefined;
    return sendPage(reply, deps, 200, page({
      title: "Telehealth session", practiceName: practice.name, body: sessionBody(view),
      signOut: staff ? signOutFor(practice.slug, staff) : undefined,
    }));
  }));

  app.get("/s/:token", { errorHandler }, pageHandler(deps, async (req, reply) => {
    const a = (req.query as { a?: unknown }).a;
    try {
      const done = await useSignInLink(deps, visitor(req), (req.params as { token: string }).token, a);
      await replaceSession(deps, req, reply, done.practice.id, done.staff.id);
      return redirect(reply, deps, sessionPath(done.practice.slug, done.appointmentId));
    } catch (err) {
      if (err instanceof DomainError && err.code === "link_invalid") return errorPage(reply, deps, err.status, "This sign-in link does not work", err.message);
      throw err;
    }
  }));
}
