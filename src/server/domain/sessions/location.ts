/**
 * R27: before the waiting room the client says where they are right now — a U.S. state or
 * territory (or outside the U.S.), at home or elsewhere, and a phone number for a dropped call. It
 * is kept on the session record and audited; R25 applies to the state they give.
 */
import { isUsStateCode, type SessionLocation } from "../../../sdk/schemas/index.js";
import type { ClientRow, PracticeRow, SessionRow, StaffRow } from "../../db/types.js";
import { audit } from "../audit/audit.js";
import type { Actor, Deps } from "../deps.js";
import { conflict, DomainError, forbidden } from "../errors.js";
import { licensureOf, type Licensure } from "../licensure/rules.js";
import type { SessionAccess } from "./access.js";
import { locationOf } from "./location-view.js";

/** The form's fields as posted: `state` is a code or `outside_us`; `place` home or elsewhere. */
export interface LocationForm {
  state: string;
  place: string;
  phone: string;
}

export type LocationErrors = Partial<Record<keyof LocationForm, string>>;

/** A phone number as people write one: digits with spaces, dashes, dots, brackets, a leading +; 7 to 15 digits. */
const PHONE = /^\+?[0-9 ().-]{7,25}$/;

/** The answer checked; field errors say what to change, in the form's words. */
export function readLocation(form: LocationForm): { ok: true; value: Omit<SessionLocation, "at"> } | { ok: false; errors: LocationErrors } {
  const errors: LocationErrors = {};
  const state = form.state.trim().toUpperCase();
  const outside = state === "OUTSIDE_US";
  if (!outside && !isUsStateCode(state)) errors.state = "Choose the state or territory you are in now, or “Outside the U.S.”.";
  const place = outside ? "outside_us" : form.place;
  if (!outside && place !== "home" && place !== "elsewhere") errors.place = "Say whether you are at home or somewhere else.";
  const phone = form.phone.trim();
  const digits = phone.replace(/\D/g, "").length;
  if (!outside && !(PHONE.test(phone) && digits >= 7 && digits <= 15)) {
    errors.phone = "Give a phone number we can call if the video drops, such as (555) 010-0199.";
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { state: outside ? null : state, place: place as SessionLocation["place"], callbackPhone: outside ? null : phone } };
}

/** Why the client cannot join now that they answered, or null: outside the U.S. (R4), or unlicensed there under `refuse` (R25). */
export type JoinBlock = "outside_us" | "not_licensed_in_state" | null;

export function joinBlock(rec: Pick<SessionRow, "locationPlace" | "locationState"> | undefined, therapist: Pick<StaffRow, "licensedIn"> | undefined, practice: Pick<PracticeRow, "licensure">): JoinBlock {
  if (rec?.locationPlace === "outside_us") return "outside_us";
  if (!rec?.locationPlace) return null;
  const refuse = (practice.licensure ?? "warn") === "refuse";
  return refuse && licensureOf(therapist?.licensedIn, rec.locationState) === "unlicensed_state" ? "not_licensed_in_state" : null;
}

/** What both sides of the session page know about the client's location. */
export interface LocationContext {
  location: SessionLocation | undefined;
  /** R25 against where the client is (at the session once they said, else their residence). */
  licensure: Licensure;
  setting: "off" | "warn" | "refuse";
  block: JoinBlock;
  /** For pre-filling the form: the client's residence and phone on file. */
  residence: string | null;
  phoneOnFile: string | null;
}

/** Loads the location context of one appointment's session (no audit row: the page open has one). */
export async function locationContext(deps: Deps, access: Pick<SessionAccess, "practice" | "appointment">): Promise<LocationContext> {
  const { practice, appointment } = access;
  const [rec, therapist, client] = await Promise.all([
    deps.store.sessions.byAppointment(practice.id, appointment.id),
    deps.store.staff.byId(practice.id, appointment.therapistId),
    deps.store.clients.byId(practice.id, appointment.clientId, deps.clock()) as Promise<ClientRow | undefined>,
  ]);
  const location = locationOf(rec);
  const state = location ? location.state : client?.state ?? null;
  return {
    location,
    licensure: location?.place === "outside_us" ? "unlicensed_state" : licensureOf(therapist?.licensedIn, state),
    setting: practice.licensure ?? "warn",
    block: joinBlock(rec, therapist, practice),
    residence: client?.state ?? null,
    phoneOnFile: client?.phone ?? null,
  };
}

/**
 * Records the client's answer on the session (creating its record when nobody has joined yet) and
 * audits it: the state and place, not the phone number. Only the appointment's client, while its
 * telehealth session has not ended; an answer given again replaces the last one.
 */
export async function recordLocation(deps: Deps, actor: Actor, access: SessionAccess, value: Omit<SessionLocation, "at">): Promise<void> {
  if (actor.kind !== "client" || access.role !== "client") throw forbidden("only the appointment's client says where they are");
  const { practice, appointment } = access;
  const now = deps.clock();
  await deps.store.tx(async (r) => {
    const a = await r.appointments.byId(practice.id, appointment.id);
    const rec = await r.sessions.byAppointment(practice.id, appointment.id);
    if (!a?.telehealth || a.status !== "scheduled" || rec?.state === "completed") {
      throw conflict("session_not_active", `appointment ${appointment.id} has no telehealth session to join`);
    }
    await r.sessions.recordLocation(practice.id, appointment.id, value, now);
    await audit(r, actor, now, practice.id, "session.location", { type: "appointment", id: appointment.id },
      { state: value.state, place: value.place, callbackPhone: value.callbackPhone !== null, replaced: !!rec?.locationAt });
  });
}

/** R27 on the client's event stream and video token: refused once their answer rules the session out. */
export async function refuseBlockedClient(deps: Deps, access: Pick<SessionAccess, "practice" | "appointment" | "role">): Promise<void> {
  if (access.role !== "client") return;
  const block = (await locationContext(deps, access)).block;
  if (block === "outside_us") throw new DomainError("outside_us", 403, "telehealth sessions can be joined only from the U.S. (R4, R27)");
  if (block === "not_licensed_in_state") {
    throw new DomainError("not_licensed_in_state", 422, "the therapist is not licensed in the state the client is in, and the practice refuses such sessions (R25)");
  }
}
