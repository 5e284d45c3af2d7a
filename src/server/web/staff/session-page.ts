import type { FastifyInstance } from "fastify";
import { clockInZone, formatInZone, zoneAbbreviation } from "../../../sdk/schemas/time.js";
import { sessionPath } from "../../domain/appointments/window.js";
import type { Deps } from "../../domain/deps.js";
import { DomainError } from "../../domain/errors.js";
import { openSessionPage, type SessionPageView } from "../../domain/sessions/page.js";
import type { SessionHub } from "../../domain/sessions/hub.js";
import { useSignInLink } from "../../domain/sessions/sign-in-link.js";
import type { FastifyReply, FastifyRequest } from "fastify";
import { html, notice, page, type SafeHtml } from "../html.js";
import { answerLocation, locationGate, locationPage, type LocationPage } from "../session/location-step.js";
import { clientAnswer, providerLocationPanel, type LocationFormState } from "../session/location.js";
import { errorPage, pageHandler } from "../index.js";
import { deviceCheckPanel } from "./device-check-panel.js";
import { linkFailed, linkPageAllowed } from "../limit-pages.js";
import { pageHeaders } from "../security.js";
import { ZOOM_SESSION_PAGE_HEADERS } from "../../video/zoom.js";
import { videoStage } from "./video-stage.js";
import { consentFirst } from "../consent/routes.js";
import { actorOf, currentSession, replaceWebSession } from "../session.js";
import { pageErrors, practiceOf, redirect, signOutFor, staffHome, staffSession, visitor } from "./common.js";

function windowNotice(v: SessionPageView): SafeHtml {
  const tz = v.practice.timeZone;
  const a = v.appointment;
  if (!a.telehealth) return notice("info", "This appointment is in person: there is no video session for it.");
  if (v.state === "completed") return notice("info", "This session has ended.");
  if (v.state === "cancelled") return notice("info", "This appointment was cancelled.");
  if (a.status !== "scheduled") return notice("info", `This appointment is ${a.status.replace("_", "-")}.`);
  if (v.window.open) return notice("ok", "The session window is open.");
  if (v.now < v.window.opensAt) {
    return notice("info", `The session opens at ${formatInZone(v.window.opensAt, tz)} ${zoneAbbreviation(v.window.opensAt, tz)}.`);
  }
  return notice("info", "The session window has closed.");
}

/** The session page's own endpoints: its event stream, End session, the video token. */
const sessionUrl = (v: SessionPageView, leaf: "events" | "end" | "video") => `${sessionPath(v.practice.slug, v.appointment.id)}/${leaf}`;

/** Which of the views shows first; session.js switches between them as the state changes. */
function viewOf(v: SessionPageView): "waiting" | "live" | "ended" | "cancelled" {
  if (v.state === "completed") return "ended";
  if (v.state === "cancelled") return "cancelled";
  return v.state === "live" ? "live" : "waiting";
}

/** The waiting room (R17): waiting → in the session → ended, driven by the page's event stream. */
function waitingRoom(v: SessionPageView, csrf: string): SafeHtml {
  const provider = v.role === "provider";
  const waitingFor = provider ? `Waiting for your client, ${v.clientFirstName}` : `Waiting for ${v.therapistName}`;
  const inWith = provider ? `You're in the session with ${v.clientFirstName}` : `You're in the session with ${v.therapistName}`;
  const shown = viewOf(v);
  return html`<section class="panel room" data-session-events="${sessionUrl(v, "events")}" data-state="${v.state}" data-zone="${v.practice.timeZone}">
  <div data-view="waiting"${hiddenUnless(shown === "waiting")}>
    <h2 data-say tabindex="-1">${waitingFor}</h2>
    <p class="hint">${provider ? "This page changes by itself when your client joins." : "This page changes by itself when your therapist joins. Keep it open."}</p>
  </div>
  <div data-view="live"${hiddenUnless(shown === "live")}>
    <h2 data-say tabindex="-1">${inWith}</h2>
    ${provider
      ? html`<form method="post" action="${sessionUrl(v, "end")}" data-end-session>
      <input type="hidden" name="_csrf" value="${csrf}">
      <button type="submit">End session</button>
    </form>`
      : html``}
  </div>
  <div data-view="ended"${hiddenUnless(shown === "ended")}>
    <h2 data-say tabindex="-1">This session has ended</h2>
    <p data-ended-times${hiddenUnless(v.endedAt !== null)}>${endedTimes(v)}</p>
  </div>
  <div data-view="cancelled"${hiddenUnless(shown === "cancelled")}>
    <h2 data-say tabindex="-1">This appointment was cancelled</h2>
    <p>${provider ? "Its session links no longer work." : `Its links no longer work. To arrange another time, contact ${v.practice.name}${v.practice.contact ? ` at ${v.practice.contact}` : ""}.`}</p>
  </div>
  <p id="session-status" class="sr-only" aria-live="polite"></p>
</section>`;
}

const hiddenUnless = (shown: boolean) => (shown ? html`` : html` hidden`);

/** "Started 14:03, ended 14:51 (48 min)." in the practice's zone; session.js writes the same when it ends live. */
function endedTimes(v: SessionPageView): string {
  if (v.endedAt === null) return "";
  const clock = (ms: number) => clockInZone(ms, v.practice.timeZone);
  if (v.startedAt === null) return `Ended ${clock(v.endedAt)}. The two of you were never here at the same time.`;
  const minutes = Math.max(1, Math.round((v.endedAt - v.startedAt) / 60_000));
  return `Started ${clock(v.startedAt)}, ended ${clock(v.endedAt)} (${minutes} min).`;
}

/**
 * The video panel (R19): video.js joins the Zoom session when this person is in the room, and shows
 * the other person's video; camera and microphone start from the buttons. When video cannot start it
 * says why, what to try and whom to contact, with Try again; the waiting room above carries on.
 */
function videoPanel(v: SessionPageView, csrf: string): SafeHtml {
  const other = v.role === "provider" ? v.clientFirstName : v.therapistName;
  return html`<section class="panel video" aria-labelledby="video-heading" data-video="${sessionUrl(v, "video")}" data-csrf="${csrf}"
    data-role="${v.role}" data-practice="${v.practice.name}" data-video-configured="${v.videoConfigured ? "1" : "0"}" data-video-provider="${v.videoProvider}" data-video-state="idle">
  <h2 id="video-heading">Video</h2>
  <p data-video-status role="status">${v.videoConfigured ? "Video starts when you are in the session." : "Video is not set up yet."}</p>
  ${videoStage(v.videoProvider, other)}
  <div class="notice error video-problem" data-video-problem-box role="alert" hidden>
    <h3 data-video-problem-title></h3>
    <p data-video-problem-text></p>
    <p>${contactLine(v)}</p>
    <button type="button" class="secondary" data-video-retry hidden>Try again</button>
  </div>
</section>`;
}

/** Whom to tell when video will not start. */
function contactLine(v: SessionPageView): string {
  return v.role === "provider" && v.videoProvider === "builtin"
    ? "If it keeps failing, ask whoever runs tele for your practice to check its TURN settings (TELE_TURN_URLS, TELE_TURN_SECRET): some networks let video through only a TURN server."
    : v.role === "provider"
    ? "If it keeps failing, ask whoever runs tele for your practice to check its Zoom settings (ZOOM_SDK_KEY, ZOOM_SDK_SECRET) and that the server can reach Zoom."
    : v.practice.contact
      ? `If it keeps failing, contact ${v.practice.name} at ${v.practice.contact} and tell them the video would not start.`
      : `If it keeps failing, contact ${v.practice.name} and tell them the video would not start.`;
}

/** Both sides of the session and whether each is here; session.js keeps it current from the event stream. */
function whoIsHere(v: SessionPageView): SafeHtml {
  const here = (kind: "staff" | "client") => v.present.some((p) => p.kind === kind);
  const you = (kind: "staff" | "client") => (v.viewer.kind === kind ? " — you" : "");
  // An owner or manager on the provider side is named as themselves; otherwise the side is the therapist.
  const me = v.present.find((p) => p.kind === v.viewer.kind && p.id === v.viewer.id)!;
  const providerName = me.kind === "staff" && me.role !== "therapist" ? `${me.name} (${me.role})` : `${v.therapistName} (therapist)`;
  const row = (side: "provider" | "client", kind: "staff" | "client", name: string) => {
    const on = v.state !== "completed" && v.state !== "cancelled" && here(kind);
    return html`<li data-side="${side}" data-here="${on ? "yes" : "no"}">${name}${you(kind)}: <span data-here-text>${on ? "here" : "not here"}</span></li>`;
  };
  return html`<h2>Who is here</h2>
<ul class="present" aria-label="Who is here">
  ${row("provider", "staff", providerName)}
  ${row("client", "client", `${v.clientFirstName} (client)`)}
</ul>`;
}

function sessionBody(v: SessionPageView, csrf: string, loc: LocationPage): SafeHtml {
  const tz = v.practice.timeZone;
  const a = v.appointment;
  const end = clockInZone(a.endAt, tz);
  const back = v.viewer.kind === "staff" ? staffHome(v.practice.slug) : `/p/${v.practice.slug}`;
  const open = a.telehealth && a.status === "scheduled" && v.state !== "completed" && v.state !== "cancelled";
  // R27: the client answers before the waiting room, and does not get it when the answer rules the session out.
  const step = v.role === "client" && open ? locationGate(v, loc, csrf) : undefined;
  const room = !step && (a.telehealth && a.status === "scheduled" || v.state === "completed");
  const active = room && v.state !== "completed" && v.state !== "cancelled";
  return html`<h1>Telehealth session</h1>
<div data-window-notice>${windowNotice(v)}</div>
<div class="card">
  <p><strong>Practice:</strong> ${v.practice.name}</p>
  <p><strong>When:</strong> ${formatInZone(a.startAt, tz)}–${end} ${zoneAbbreviation(a.startAt, tz)} <span class="zone">(the practice's time, ${tz})</span></p>
  <p><strong>Therapist:</strong> ${v.therapistName}</p>
  <p><strong>Client:</strong> ${v.clientFirstName}</p>
</div>
${v.role === "provider" && a.telehealth ? providerLocationPanel(v, loc.ctx, loc.licensedIn) : html``}
${step ?? html``}
${v.role === "client" && room && loc.ctx.location && v.state !== "completed" ? clientAnswer(v, loc.ctx) : html``}
${room ? waitingRoom(v, csrf) : html``}
${active ? videoPanel(v, csrf) : html``}
${active ? deviceCheckPanel() : html``}
${whoIsHere(v)}
<p><a href="${back}">Back to ${v.viewer.kind === "staff" ? "appointments" : "your dashboard"}</a></p>`;
}

/** The session page (the waiting room) and the CLI's single-use sign-in link. */
export function sessionPages(app: FastifyInstance, deps: Deps, hub: SessionHub): void {
  const errorHandler = pageErrors(deps);

  app.get("/p/:slug/appointments/:id/session", { errorHandler }, pageHandler(deps, async (req, reply) => {
    const change = (req.query as { location?: unknown }).location === "change";
    return sendSessionPage(deps, hub, req, reply, change ? "change" : undefined);
  }));

  app.post("/p/:slug/appointments/:id/session/location", { errorHandler }, pageHandler(deps, async (req, reply) => {
    const form = await answerLocation(deps, req);
    const slug = (await practiceOf(deps, req)).slug;
    if (form === "sign-in") return redirect(reply, deps, `/p/${slug}`);
    if (form === "done") return redirect(reply, deps, sessionPath(slug, (req.params as { id: string }).id));
    return sendSessionPage(deps, hub, req, reply, form);
  }));

  app.get("/s/:token", { errorHandler }, pageHandler(deps, async (req, reply) => {
    const a = (req.query as { a?: unknown }).a;
    if (!(await linkPageAllowed(deps, req, reply))) return reply;
    try {
      const s = await currentSession(deps, req);
      const viewer = s ? await actorOf(deps, req, s) : undefined;
      const done = await useSignInLink(deps, visitor(req), (req.params as { token: string }).token, a, viewer);
      await replaceWebSession(deps, req, reply, done.practice.id, "staff", done.staff.id);
      return redirect(reply, deps, sessionPath(done.practice.slug, done.appointmentId));
    } catch (err) {
      if (err instanceof DomainError && err.code === "link_invalid") {
        await linkFailed(req);
        return errorPage(reply, deps, err.status, "This sign-in link does not work", err.message);
      }
      throw err;
    }
  }));
}

/** The session page for whoever is signed in; `form` is the location step asked for again, or posted back with problems. */
async function sendSessionPage(deps: Deps, hub: SessionHub, req: FastifyRequest, reply: FastifyReply, form?: LocationFormState | "change"): Promise<FastifyReply> {
  const practice = await practiceOf(deps, req);
  const s = await currentSession(deps, req);
  const actor = s && s.practice.id === practice.id ? await actorOf(deps, req, s) : undefined;
  const id = (req.params as { id: string }).id;
  // Staff arrive signed in (through /s/…); anyone else signs in on the client portal first, and
  // comes back here (the address in every appointment mail and calendar file, R23).
  if (!actor) return redirect(reply, deps, `/p/${practice.slug}?next=${encodeURIComponent(sessionPath(practice.slug, id))}`);
  // R26: a client who has not accepted the current consent text reads and signs it first, then comes back here.
  if (await consentFirst(deps, reply, practice, actor, id, sessionPath(practice.slug, id))) return reply;
  const view = await openSessionPage(deps, actor, hub, id);
  const staff = actor.kind === "staff" ? await staffSession(deps, req, practice) : undefined;
  const loc = await locationPage(deps, view, form);
  const body = page({
    title: "Telehealth session", practiceName: practice.name, body: sessionBody(view, s!.session.csrfToken, loc),
    signOut: staff ? signOutFor(practice.slug, staff) : undefined, scripts: ["session.js", view.videoProvider === "builtin" ? "video-builtin.js" : "video-zoom.js"],
  });
  pageHeaders(reply, { https: deps.config.publicUrl.startsWith("https:") });
  // Only this page is relaxed, and only as far as its provider needs: for the built-in call, camera
  // and microphone (video/builtin.ts); for Zoom also blob: workers, WebAssembly, Zoom's servers and
  // cross-origin isolation (video/zoom.ts).
  const relaxed = deps.video?.provider.sessionPageHeaders() ?? ZOOM_SESSION_PAGE_HEADERS;
  for (const [name, value] of Object.entries(relaxed)) reply.header(name, value);
  const status = typeof form === "object" ? 422 : 200;
  return reply.code(status).type("text/html; charset=utf-8").send(body);
}
