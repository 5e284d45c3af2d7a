import type { FastifyInstance } from "fastify";
import { formatInZone, zoneAbbreviation } from "../../../sdk/schemas/time.js";
import { sessionPath } from "../../domain/appointments/window.js";
import type { Deps } from "../../domain/deps.js";
import { DomainError } from "../../domain/errors.js";
import { openSessionPage, type SessionPageView } from "../../domain/sessions/page.js";
import type { SessionHub } from "../../domain/sessions/hub.js";
import { useSignInLink } from "../../domain/sessions/sign-in-link.js";
import { html, notice, page, type SafeHtml } from "../html.js";
import { ASSETS } from "../assets.js";
import { errorPage, pageHandler } from "../index.js";
import { pageHeaders } from "../security.js";
import { SESSION_JS } from "../session/script.js";
import { ZOOM_SESSION_PAGE_HEADERS } from "../../video/zoom.js";
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

const eventsPath = (v: SessionPageView) => `/p/${v.practice.slug}/appointments/${v.appointment.id}/session/events`;
const endPath = (v: SessionPageView) => `/p/${v.practice.slug}/appointments/${v.appointment.id}/session/end`;

/** Which of the three views shows first; session.js switches between them as the state changes. */
function viewOf(v: SessionPageView): "waiting" | "live" | "ended" {
  if (v.state === "completed") return "ended";
  return v.state === "live" ? "live" : "waiting";
}

/** The waiting room (R17): waiting → in the session → ended, driven by the page's event stream. */
function waitingRoom(v: SessionPageView, csrf: string): SafeHtml {
  const provider = v.role === "provider";
  const waitingFor = provider ? `Waiting for your client, ${v.clientFirstName}` : `Waiting for ${v.therapistName}`;
  const inWith = provider ? `You're in the session with ${v.clientFirstName}` : `You're in the session with ${v.therapistName}`;
  const shown = viewOf(v);
  return html`<section class="panel room" data-session-events="${eventsPath(v)}" data-state="${v.state}">
  <div data-view="waiting"${hiddenUnless(shown === "waiting")}>
    <h2 data-say>${waitingFor}</h2>
    <p class="hint">${provider ? "This page changes by itself when your client joins." : "This page changes by itself when your therapist joins. Keep it open."}</p>
  </div>
  <div data-view="live"${hiddenUnless(shown === "live")}>
    <h2 data-say>${inWith}</h2>
    ${provider
      ? html`<form method="post" action="${endPath(v)}" data-end-session>
      <input type="hidden" name="_csrf" value="${csrf}">
      <button type="submit">End session</button>
    </form>`
      : html``}
  </div>
  <div data-view="ended"${hiddenUnless(shown === "ended")}>
    <h2 data-say>This session has ended</h2>
  </div>
  <p id="session-status" class="sr-only" aria-live="polite"></p>
</section>`;
}

const hiddenUnless = (shown: boolean) => (shown ? html`` : html` hidden`);

/** The camera and microphone check: the browser asks from the button's click; help when refused. */
function cameraCheck(): SafeHtml {
  return html`<section class="panel camera">
  <h2>Camera and microphone</h2>
  <video data-preview muted playsinline autoplay hidden aria-label="Your camera preview"></video>
  <p data-camera-result role="status"></p>
  <button type="button" class="secondary" data-camera-check>Check camera and microphone</button>
  <div data-camera-help hidden>
    <p><strong>Allow the camera and microphone for this page in your browser,</strong> then press the button again.</p>
    <ul>
      <li>On a computer: click the camera or lock icon in the address bar and choose Allow.</li>
      <li>On iPhone or iPad: Settings › Safari › Camera and Microphone → Allow, or the “aA” menu in the address bar › Website Settings.</li>
      <li>On Android Chrome: the lock icon in the address bar › Permissions → Camera and Microphone.</li>
    </ul>
    <p class="hint">If another app (Zoom, FaceTime, Teams) is using the camera, close it first.</p>
  </div>
</section>`;
}

function sessionBody(v: SessionPageView, csrf: string): SafeHtml {
  const tz = v.practice.timeZone;
  const a = v.appointment;
  const end = formatInZone(a.endAt, tz).split(", ")[1];
  const back = v.viewer.kind === "staff" ? staffHome(v.practice.slug) : `/p/${v.practice.slug}`;
  const room = a.telehealth && a.status === "scheduled" || v.state === "completed";
  return html`<h1>Telehealth session</h1>
${windowNotice(v)}
<div class="card">
  <p><strong>Practice:</strong> ${v.practice.name}</p>
  <p><strong>When:</strong> ${formatInZone(a.startAt, tz)}–${end} ${zoneAbbreviation(a.startAt, tz)} <span class="zone">(the practice's time, ${tz})</span></p>
  <p><strong>Therapist:</strong> ${v.therapistName}</p>
  <p><strong>Client:</strong> ${v.clientFirstName}</p>
</div>
${room ? waitingRoom(v, csrf) : html``}
${room && v.state !== "completed" ? cameraCheck() : html``}
<h2>Who is here</h2>
<ul class="present" aria-label="Who is here">
  ${v.present.map((p) => html`<li>${p.name} (${p.role})${p.kind === v.viewer.kind && p.id === v.viewer.id ? " — you" : ""}</li>`)}
</ul>
<p class="hint">Who had this session open when the page loaded.</p>
<p><a href="${back}">Back to ${v.viewer.kind === "staff" ? "appointments" : "your dashboard"}</a></p>`;
}

/** The session page (the waiting room) and the CLI's single-use sign-in link. */
export function sessionPages(app: FastifyInstance, deps: Deps, hub: SessionHub): void {
  ASSETS.set("session.js", { type: "text/javascript; charset=utf-8", body: SESSION_JS });
  const errorHandler = pageErrors(deps);

  app.get("/p/:slug/appointments/:id/session", { errorHandler }, pageHandler(deps, async (req, reply) => {
    const practice = await practiceOf(deps, req);
    const s = await currentSession(deps, req);
    const actor = s && s.practice.id === practice.id ? await actorOf(deps, req, s) : undefined;
    // Staff arrive signed in (through /s/…); anyone else signs in on the client portal first.
    if (!actor) return redirect(reply, deps, `/p/${practice.slug}`);
    const view = await openSessionPage(deps, actor, hub, (req.params as { id: string }).id);
    const staff = actor.kind === "staff" ? await staffSession(deps, req, practice) : undefined;
    const body = page({
      title: "Telehealth session", practiceName: practice.name, body: sessionBody(view, s!.session.csrfToken),
      signOut: staff ? signOutFor(practice.slug, staff) : undefined, scripts: ["session.js"],
    });
    pageHeaders(reply, { https: deps.config.publicUrl.startsWith("https:") });
    // Only this page may use the camera and microphone (the site-wide policy denies both).
    reply.header("permissions-policy", ZOOM_SESSION_PAGE_HEADERS["permissions-policy"]);
    return reply.code(200).type("text/html; charset=utf-8").send(body);
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
