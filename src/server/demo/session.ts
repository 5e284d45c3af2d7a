import type { Appointment } from "../../sdk/schemas/index.js";
import { createAppointment } from "../domain/appointments/service.js";
import { portalSignup } from "../domain/clients/portal.js";
import type { Actor, Deps } from "../domain/deps.js";
import { hashSecret, newId, newSecret } from "../domain/shared/crypto.js";
import { acceptStaffInvite } from "../domain/staff/web.js";

/**
 * The demo's ready-to-see session (issue 10): a client and a therapist who can sign in with known
 * passwords, and a telehealth appointment between them whose join window is open now, plus one that
 * opens a few minutes later. Fictional people, demo only: no real server ever has these passwords.
 */
export const DEMO_CLIENT_PASSWORD = "demo-client-2026";
export const DEMO_THERAPIST_PASSWORD = "demo-therapist-2026";

export interface DemoSession {
  client: { id: string; email: string; password: string };
  therapist: { id: string; email: string; password: string };
  /** Starts in about 5 minutes: its window (15 minutes before the start) is open now. */
  joinNow: Appointment;
  /** Starts in about 20 minutes: its window opens in about 5. */
  joinSoon: Appointment;
}

/**
 * A fresh single-use link of `kind` for `subjectId`, as the invitations make them (earlier live
 * ones revoked, only the token's hash stored), whose token the demo keeps to use at once. The
 * emailed invitations cannot serve: the mail worker blanks a body as soon as it is delivered.
 */
async function demoLink(deps: Deps, practiceId: string, kind: "portal_invite" | "staff_invite", subjectId: string): Promise<string> {
  const token = newSecret();
  const now = deps.clock();
  await deps.store.tx(async (r) => {
    await r.links.revokeLive(practiceId, subjectId, [kind], now);
    await r.links.insert({
      id: newId("lnk"), practiceId, kind, subjectId, tokenHash: hashSecret(token),
      expiresAt: now + 60_000, usedAt: null, revokedAt: null, createdAt: now,
    });
  });
  return token;
}

/** A minute-aligned ISO time `minutes` from now (rounded up, so never sooner). */
const fromNow = (deps: Deps, minutes: number) => new Date(Math.ceil((deps.clock() + minutes * 60_000) / 60_000) * 60_000).toISOString();

/**
 * Sets both passwords the way real people do, through a sign-up link and a staff welcome link:
 * the strength rule, scrypt, the link used up, other sessions ended, the audit rows. Then books
 * the two appointments as the owner.
 */
export async function seedDemoSession(
  deps: Deps, owner: Actor, practice: { id: string; slug: string },
  client: { id: string; email: string }, therapist: { id: string; email: string },
): Promise<DemoSession> {
  const visitor: Actor = { kind: "anonymous", ip: null, requestId: null };
  const invite = await demoLink(deps, practice.id, "portal_invite", client.id);
  await portalSignup(deps, visitor, { token: invite, password: DEMO_CLIENT_PASSWORD }, practice.id);
  const welcome = await demoLink(deps, practice.id, "staff_invite", therapist.id);
  await acceptStaffInvite(deps, visitor, { slug: practice.slug, token: welcome, password: DEMO_THERAPIST_PASSWORD, confirm: DEMO_THERAPIST_PASSWORD });
  const book = (minutes: number, durationMinutes: number) =>
    createAppointment(deps, owner, { therapist: therapist.id, client: client.id, start: fromNow(deps, minutes), durationMinutes, telehealth: true });
  // A short one whose window is open now, then one straight after it (back to back, so no overlap) whose window opens in minutes.
  const joinNow = await book(5, 15);
  const joinSoon = await book(20, 50);
  return {
    client: { ...client, password: DEMO_CLIENT_PASSWORD },
    therapist: { ...therapist, password: DEMO_THERAPIST_PASSWORD },
    joinNow, joinSoon,
  };
}
