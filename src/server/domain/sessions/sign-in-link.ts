import type { SignInLink } from "../../../sdk/schemas/index.js";
import type { PracticeRow, StaffRow } from "../../db/types.js";
import { audit } from "../audit/audit.js";
import type { Actor, Deps } from "../deps.js";
import { conflict, DomainError, forbidden, notFound } from "../errors.js";
import { hashSecret, newId, newSecret } from "../shared/crypto.js";
import { mayChangeFor, requireStaff } from "../shared/permissions.js";
import { looksLikeToken } from "../staff/web.js";

/** `tele sessions open`: a single-use browser sign-in link that lands on an appointment's session page. */
export const SIGN_IN_LINK_TTL_MS = 2 * 60_000;

/**
 * The stored hash covers the token and the appointment id together, so the `?a=` in the link
 * cannot be changed to point the sign-in at another appointment: a changed link matches nothing.
 */
const linkHash = (token: string, appointmentId: string) => hashSecret(`${token}/${appointmentId}`);

const isAppointmentId = (id: unknown): id is string => typeof id === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(id);

/** Mints the link for the signed-in staff member: only the appointment's therapist, an owner or a manager. */
export async function mintSignInLink(deps: Deps, actor: Actor, appointmentId: string): Promise<SignInLink> {
  const a = requireStaff(actor);
  if (!isAppointmentId(appointmentId)) throw notFound("appointment", appointmentId);
  const now = deps.clock();
  return deps.store.tx(async (r) => {
    const appointment = await r.appointments.byId(a.practiceId, appointmentId);
    if (!appointment) throw notFound("appointment", appointmentId);
    if (!mayChangeFor(a, appointment.therapistId)) {
      throw forbidden("only the appointment's therapist, an owner or a manager may open its session");
    }
    // A link into a session that is over (or never was) would sign someone in for nothing: refused, and no link is minted.
    const rec = await r.sessions.byAppointment(a.practiceId, appointmentId);
    if (appointment.status === "completed" || rec?.state === "completed") {
      throw conflict("session_completed", `the session of appointment ${appointmentId} has completed; its links no longer work`);
    }
    if (!appointment.telehealth || appointment.status !== "scheduled") {
      throw conflict("session_not_active", `appointment ${appointmentId} is ${appointment.telehealth ? appointment.status.replace("_", "-") : "in person"}; it has no session to open`);
    }
    const token = newSecret();
    const linkId = newId("lnk");
    const expiresAt = now + SIGN_IN_LINK_TTL_MS;
    await r.links.insert({
      id: linkId, practiceId: a.practiceId, kind: "staff_sign_in", subjectId: a.staff.id,
      tokenHash: linkHash(token, appointmentId), expiresAt, usedAt: null, revokedAt: null, createdAt: now, appointmentId,
    });
    await audit(r, a, now, a.practiceId, "session.sign_in_link", { type: "appointment", id: appointmentId }, { linkId });
    const origin = deps.config.publicUrl.replace(/\/+$/, "");
    return { url: `${origin}/s/${token}?a=${appointmentId}`, expiresAt: new Date(expiresAt).toISOString() };
  });
}

export const LINK_REFUSED =
  "This sign-in link does not work: it may have been used already, it may have expired (links work for 2 minutes), " +
  "or it was not copied whole. Run \"tele sessions open APPOINTMENT\" again for a fresh one.";

export const LINK_FOR_STAFF =
  "This sign-in link is for a staff member, and this browser is signed in to a client portal, so it signed nobody in. " +
  "It no longer works: the staff member can run \"tele sessions open APPOINTMENT\" for a fresh one.";

/**
 * Uses a sign-in link once. The lookup is by hash (no secret is compared byte by byte); a used or
 * expired link is 410, an unknown or altered one 404, and either is audited when it names a link.
 * `viewer` is whoever the browser is already signed in as: a client's browser never becomes the
 * staff member; the link is refused (403) and used up, since a link a client holds has leaked.
 */
export async function useSignInLink(
  deps: Deps, actor: Actor, token: unknown, appointmentId: unknown, viewer?: Actor,
): Promise<{ practice: PracticeRow; staff: StaffRow; appointmentId: string }> {
  if (!looksLikeToken(token) || !isAppointmentId(appointmentId)) throw new DomainError("link_invalid", 404, LINK_REFUSED);
  const now = deps.clock();
  const outcome = await deps.store.tx(async (r) => {
    const link = await r.links.byTokenHash(linkHash(token, appointmentId));
    if (!link || link.kind !== "staff_sign_in") return { status: 404 };
    if (viewer?.kind === "client") {
      const consumed = await r.links.consume(link.id, now);
      await audit(r, viewer, now, link.practiceId, "staff.sign_in_link.refused", { type: "link", id: link.id }, { reason: "wrong_person", consumed });
      return { status: 403 };
    }
    // A link into a session that is over is dead, whether or not completing it revoked the link.
    const appointment = await r.appointments.byId(link.practiceId, appointmentId);
    if (!appointment || appointment.status === "completed") return { status: 410, linkId: link.id, practiceId: link.practiceId };
    if (!(await r.links.consume(link.id, now))) return { status: 410, linkId: link.id, practiceId: link.practiceId };
    const practice = await r.practices.byId(link.practiceId);
    const staff = await r.staff.byId(link.practiceId, link.subjectId);
    if (!practice || !staff || staff.deactivatedAt !== null) return { status: 410, linkId: link.id, practiceId: link.practiceId };
    const who: Actor = { kind: "staff", practiceId: practice.id, staff, ip: actor.ip, requestId: actor.requestId };
    await audit(r, who, now, practice.id, "staff.sign_in", { type: "staff", id: staff.id }, { via: "sign_in_link", linkId: link.id, appointmentId });
    return { status: 200, ok: { practice, staff, appointmentId } };
  });
  if (outcome.ok) return outcome.ok;
  if (outcome.linkId) {
    const { linkId, practiceId } = outcome;
    await deps.store.tx((r) => audit(r, actor, now, practiceId!, "staff.sign_in_link.refused", { type: "link", id: linkId }));
  }
  throw new DomainError("link_invalid", outcome.status, outcome.status === 403 ? LINK_FOR_STAFF : LINK_REFUSED);
}
