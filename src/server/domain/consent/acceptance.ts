import { oneLineText } from "../../../sdk/schemas/index.js";
import type { ConsentVersionRow, PracticeRow } from "../../db/types.js";
import { audit, auditRead } from "../audit/audit.js";
import type { Actor, Deps } from "../deps.js";
import { DomainError, forbidden } from "../errors.js";
import type { ClientActor } from "../portal/sign-in.js";
import { isAppointmentId } from "../sessions/access.js";

/**
 * R26 on the client's side: whether a client must accept the practice's current consent text
 * before a telehealth session, and the acceptance itself. Staff are never asked.
 *
 * The typed name must not be empty, and is kept as typed; it is not compared with the name on
 * the client's record. A parent or guardian may sign for a minor, and people sign with names that
 * differ from the record (a nickname, a new surname); a mismatch that locked them out of their
 * session would help nobody. The record keeps the typed name beside the client's id, version,
 * time, address and browser, which is what a board asks the therapist to show.
 */

export const TypedName = oneLineText(200, 1);
const USER_AGENT_MAX = 500;

/** What the consent page shows: the current text and where the client stands with it. */
export interface ConsentPageView {
  /** Undefined: the practice has no consent text, so there is nothing to accept. */
  current?: ConsentVersionRow;
  /** The newest version the client accepted, and when. */
  accepted: { version: number; at: number } | null;
  /** The client has accepted the current version (or there is none to accept). */
  upToDate: boolean;
}

/** The client's standing, in one query. */
async function standing(deps: Deps, practiceId: string, clientId: string) {
  const s = await deps.store.consent.standing(practiceId, clientId);
  return { ...s, due: s.current !== null && s.accepted !== s.current };
}

/**
 * True when `actor` is a client who must accept the current consent text before entering this
 * appointment's session: it is their own telehealth appointment, the practice has a text, and they
 * have not accepted its current version. Anyone else (staff, someone else's appointment, an unknown
 * id): false, and the session's own access rule decides.
 */
export async function consentDue(deps: Deps, actor: Actor, appointmentId: string): Promise<boolean> {
  if (actor.kind !== "client" || !isAppointmentId(appointmentId)) return false;
  const a = await deps.store.appointments.byId(actor.practiceId, appointmentId);
  if (!a || !a.telehealth || a.clientId !== actor.clientId) return false;
  return (await standing(deps, actor.practiceId, actor.clientId)).due;
}

/** The session's live endpoints (events, video, signalling) refuse a client who has not consented yet: 403 `consent_required`. */
export async function requireConsent(deps: Deps, actor: Actor, appointmentId: string): Promise<void> {
  if (await consentDue(deps, actor, appointmentId)) {
    throw new DomainError("consent_required", 403, "accept the practice's telehealth consent on the consent page before joining this session");
  }
}

/** The consent page's data for the signed-in client; viewing it is audited (R20). */
export async function consentPage(deps: Deps, actor: ClientActor, practice: PracticeRow): Promise<ConsentPageView> {
  const now = deps.clock();
  const s = await standing(deps, practice.id, actor.clientId);
  const current = s.current === null ? undefined : await deps.store.consent.byVersion(practice.id, s.current);
  await auditRead(deps, actor, now, practice.id, "portal.consent.view", { type: "client", id: actor.clientId }, { version: s.current });
  return {
    current,
    accepted: s.accepted === null || s.acceptedAt === null ? null : { version: s.accepted, at: s.acceptedAt },
    upToDate: !s.due,
  };
}

/** Why an acceptance was not taken: said on the page next to the field or above the text. */
export class ConsentProblem extends DomainError {}

/**
 * The client accepts version `version` of the consent text with their typed name. The version
 * must be the current one (the text may have changed while they read it: 409 `consent_changed`);
 * the name must be one line, 1–200 characters (422 `typed_name_required`). Kept with the time, the
 * address and the browser, and audited in the same transaction. Accepting a version already
 * accepted changes nothing.
 */
export async function acceptConsent(
  deps: Deps, actor: ClientActor, input: { version: unknown; typedName: unknown; userAgent?: string | null },
): Promise<{ version: number; created: boolean }> {
  const name = TypedName.safeParse(typeof input.typedName === "string" ? input.typedName : "");
  if (!name.success) {
    const empty = typeof input.typedName !== "string" || input.typedName.trim() === "";
    throw new ConsentProblem("typed_name_required", 422, empty ? "Type your full name to sign." : `Your name ${name.error.issues[0]?.message ?? "is not valid"}.`);
  }
  const now = deps.clock();
  return deps.store.tx(async (r) => {
    const current = await r.consent.current(actor.practiceId);
    if (!current) throw new DomainError("no_consent_text", 404, "there is no consent text to accept");
    if (String(input.version) !== String(current.version)) {
      throw new ConsentProblem("consent_changed", 409, "The consent text changed while you were reading it. Read the new text below, then sign again.");
    }
    const client = await r.clients.byId(actor.practiceId, actor.clientId, now);
    if (!client) throw forbidden();
    const created = await r.consent.accept({
      practiceId: actor.practiceId, clientId: actor.clientId, version: current.version, typedName: name.data, acceptedAt: now,
      address: actor.ip, userAgent: input.userAgent ? input.userAgent.slice(0, USER_AGENT_MAX) : null,
    });
    if (created) {
      await audit(r, actor, now, actor.practiceId, "client.consent.accept", { type: "client", id: actor.clientId }, { version: current.version, hash: current.hash });
    }
    return { version: current.version, created };
  });
}
