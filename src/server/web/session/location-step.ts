/** R27's step on the session page: what it shows for the location (loaded once per page) and the form post. */
import type { FastifyRequest } from "fastify";
import type { Deps } from "../../domain/deps.js";
import { DomainError, forbidden } from "../../domain/errors.js";
import { sessionAccess } from "../../domain/sessions/access.js";
import { locationContext, readLocation, recordLocation, type LocationContext } from "../../domain/sessions/location.js";
import type { SessionPageView } from "../../domain/sessions/page.js";
import type { SafeHtml } from "../html.js";
import { formOf } from "../index.js";
import { actorOf, csrfValid, currentSession } from "../session.js";
import { practiceOf, text } from "../staff/common.js";
import { clientBlocked, locationStep, type LocationFormState } from "./location.js";

/** What the page needs about the location: the context, the therapist's states, and the form asked for. */
export interface LocationPage {
  ctx: LocationContext;
  licensedIn: string[];
  form?: LocationFormState | "change";
}

export async function locationPage(deps: Deps, v: SessionPageView, form?: LocationFormState | "change"): Promise<LocationPage> {
  const ctx = await locationContext(deps, v);
  const therapist = await deps.store.staff.byId(v.practice.id, v.appointment.therapistId);
  return { ctx, licensedIn: therapist?.licensedIn ?? [], form };
}

/** The client's step in place of the waiting room, or undefined when they may go in: not answered (or changing) → the form; ruled out → why. */
export function locationGate(v: SessionPageView, loc: LocationPage, csrf: string): SafeHtml | undefined {
  if (!loc.ctx.location || loc.form) return locationStep(v, loc.ctx, csrf, typeof loc.form === "object" ? loc.form : undefined);
  if (loc.ctx.block) return clientBlocked(v, loc.ctx);
  return undefined;
}

/**
 * The form post: "done" when recorded, "sign-in" when nobody of this practice is signed in, else the
 * form back with what to fix. Only the appointment's signed-in client, with the CSRF token.
 */
export async function answerLocation(deps: Deps, req: FastifyRequest): Promise<"done" | "sign-in" | LocationFormState> {
  const practice = await practiceOf(deps, req);
  const s = await currentSession(deps, req);
  const actor = s && s.practice.id === practice.id ? await actorOf(deps, req, s) : undefined;
  if (!s || !actor) return "sign-in";
  if (actor.kind !== "client") throw forbidden("only the appointment's client says where they are");
  const form = formOf(req);
  if (!csrfValid(req, form, s)) throw new DomainError("csrf_invalid", 403, "the form is out of date; reload the page and try again");
  const access = await sessionAccess(deps, actor, (req.params as { id: string }).id);
  const values = { state: text(form, "state", 20), place: text(form, "place", 20), phone: text(form, "phone", 40) };
  const answer = readLocation(values);
  if (!answer.ok) return { values, errors: answer.errors };
  await recordLocation(deps, actor, access, answer.value);
  return "done";
}
