import type { Repos } from "../../db/repos.js";
import type { AppointmentRow, LinkRow, PracticeRow } from "../../db/types.js";
import { sessionPath } from "../appointments/window.js";
import { audit } from "../audit/audit.js";
import type { Actor, Deps } from "../deps.js";
import { DomainError } from "../errors.js";
import { queueClientMail } from "../notify/layout.js";
import { shortWhen } from "../notify/notices.js";
import { hashSecret, newId, newSecret } from "../shared/crypto.js";
import { formatInZone, zoneAbbreviation } from "../../../sdk/schemas/time.js";

/** R16: the join link emailed to the client when the provider joins. It works once and dies with the session. */
export const joinPath = (token: string) => `/j/${token}`;

/** The latest a join link can live: the auto-complete deadline; completing the session revokes it sooner. */
export const joinLinkExpiry = (a: AppointmentRow, p: PracticeRow) => a.endAt + p.autoCompleteMinutes * 60_000;

/**
 * Inside the provider's first-arrival transaction: a fresh join link for the client and the email
 * that carries it (R16, R21). A client without an email address gets no mail; that is audited too.
 */
export async function issueJoinLink(r: Repos, deps: Deps, actor: Actor, now: number, practice: PracticeRow, a: AppointmentRow): Promise<void> {
  const client = await r.clients.byId(practice.id, a.clientId, now);
  const record = { type: "appointment", id: a.id };
  if (!client?.email) return audit(r, actor, now, practice.id, "session.join_link.not_sent", record, { reason: "no_email" });
  const token = newSecret();
  const linkId = newId("lnk");
  await r.links.insert({
    id: linkId, practiceId: practice.id, kind: "join", subjectId: client.id, appointmentId: a.id, tokenHash: hashSecret(token),
    expiresAt: joinLinkExpiry(a, practice), usedAt: null, revokedAt: null, createdAt: now,
  });
  const when = `${formatInZone(a.startAt, practice.timeZone)} ${zoneAbbreviation(a.startAt, practice.timeZone)}`;
  // The subject says when, not what (R23): nothing about therapy or telehealth on a lock screen.
  const mailId = await queueClientMail(r, deps, now, practice, {
    to: client.email,
    subject: `Your appointment on ${shortWhen(a.startAt, practice.timeZone)} has started`,
    heading: "Your therapist is waiting for you",
    blocks: [
      { p: `Hello,` },
      { p: `Your therapist has joined your video session (${when}) and is waiting for you.` },
      { link: `${deps.config.publicUrl.replace(/\/+$/, "")}${joinPath(token)}`, label: "Join now", note: "The link works once, and stops working when the session ends." },
      { p: "You can also sign in to your client portal and press Join." },
    ],
  });
  await audit(r, actor, now, practice.id, "session.join_link.issue", record, { linkId, mailId });
}

export type JoinOutcome =
  | { kind: "joined"; sessionPath: string }
  | { kind: "sign_in"; slug: string; next: string };

const refusedLink = (status: number, text: string) => new DomainError("link_invalid", status, text);
export const JOIN_LINK_USED =
  "This join link does not work any more: it works once, and stops working when the session ends. Sign in to your client portal to join.";

const looksLikeToken = (t: unknown): t is string => typeof t === "string" && /^[A-Za-z0-9_-]{43}$/.test(t);

/**
 * Uses a join link (R16). `viewer` is whoever the browser is signed in as, if anyone: a client of the
 * link's practice. Not signed in there: sign in first, the link is left unused. Another client, staff,
 * or another practice's session: refused. Otherwise the link is consumed atomically: one use wins.
 */
export async function useJoinLink(deps: Deps, visitor: Actor, viewer: Actor | undefined, token: unknown): Promise<JoinOutcome> {
  if (!looksLikeToken(token)) throw refusedLink(404, "This join link is not complete. Copy the whole link from the email, or sign in to your client portal to join.");
  const now = deps.clock();
  const link = await deps.store.links.byTokenHash(hashSecret(token));
  if (!link || link.kind !== "join" || !link.appointmentId) throw refusedLink(404, "There is no such join link. Sign in to your client portal to join.");
  const practice = (await deps.store.practices.byId(link.practiceId))!;
  if (!viewer) {
    if (!usable(link, now)) return refuse(deps, visitor, now, link, 410, JOIN_LINK_USED, "used_or_expired");
    return { kind: "sign_in", slug: practice.slug, next: joinPath(token) };
  }
  if (viewer.kind !== "client" || viewer.practiceId !== link.practiceId || viewer.clientId !== link.subjectId) {
    return refuse(deps, viewer, now, link, 403, "This join link was sent to someone else. Sign in as the person it was sent to, or use your own portal.", "wrong_person");
  }
  const outcome = await deps.store.tx(async (r) => {
    const rec = await r.sessions.byAppointment(link.practiceId, link.appointmentId!);
    const appointment = await r.appointments.byId(link.practiceId, link.appointmentId!);
    // However the appointment stopped being a live telehealth one (completed, cancelled, switched to in person), its link is dead.
    if (!appointment?.telehealth || appointment.status !== "scheduled") return false;
    if (rec?.state === "completed" || !(await r.links.consume(link.id, now))) return false;
    await audit(r, viewer, now, link.practiceId, "session.join_link.use", { type: "appointment", id: link.appointmentId! }, { linkId: link.id });
    return true;
  });
  if (!outcome) return refuse(deps, viewer, now, link, 410, JOIN_LINK_USED, "used_or_expired");
  return { kind: "joined", sessionPath: sessionPath(practice.slug, link.appointmentId) };
}

const usable = (l: LinkRow, now: number) => l.usedAt === null && l.revokedAt === null && l.expiresAt > now;

async function refuse(deps: Deps, actor: Actor, now: number, link: LinkRow, status: number, text: string, reason: string): Promise<never> {
  // The refusal changes nothing, so it is audited on its own (in the link's practice: its owner should see it).
  await deps.store.tx((r) => audit(r, actor, now, link.practiceId, "session.join_link.refused", { type: "link", id: link.id }, { reason }));
  throw refusedLink(status, text);
}
