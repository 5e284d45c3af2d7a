import type { StaffInviteResult } from "../../../sdk/schemas/index.js";
import type { Repos } from "../../db/repos.js";
import type { LinkRow, PracticeRow, StaffRow } from "../../db/types.js";
import { audit } from "../audit/audit.js";
import type { Actor, Deps } from "../deps.js";
import { DomainError, invalid } from "../errors.js";
import { queueMail } from "../mail/outbox.js";
import { hashPassword, hashSecret, newId, newSecret, passwordMissDelay, verifyPassword } from "../shared/crypto.js";
import { MANAGERS, requireStaff } from "../shared/permissions.js";
import { findStaff } from "../shared/resolve.js";
import { portalUrl } from "../shared/views.js";
import { passwordProblem } from "../portal/sign-in.js";
import { refuseDeactivated } from "./deactivate.js";

/** Staff in the browser: the emailed invite that sets a password, and signing in with it. */
export const STAFF_INVITE_TTL_MS = 3600_000;
export const MIN_PASSWORD = 10;
export const MAX_PASSWORD = 200;

/** Where a staff member signs in, and where an invite link points. */
export const staffBase = (deps: Deps, slug: string) => `${portalUrl(deps.config.publicUrl, slug)}/staff`;

/**
 * Inside the caller's transaction: a fresh staff invite (earlier ones stop working) and its email,
 * a link to set a password that works once, for one hour. The caller audits it with its change.
 */
export async function issueStaffInvite(
  r: Repos, deps: Deps, now: number, practice: PracticeRow, staff: StaffRow,
): Promise<{ linkId: string; mailId: string }> {
  await r.links.revokeLive(practice.id, staff.id, ["staff_invite"], now);
  const token = newSecret();
  const linkId = newId("lnk");
  await r.links.insert({
    id: linkId, practiceId: practice.id, kind: "staff_invite", subjectId: staff.id, tokenHash: hashSecret(token),
    expiresAt: now + STAFF_INVITE_TTL_MS, usedAt: null, revokedAt: null, createdAt: now,
  });
  const base = staffBase(deps, practice.slug);
  const mailId = await queueMail(r, now, {
    practiceId: practice.id, to: staff.email,
    subject: `You have been added to ${practice.name} on tele`,
    text: `Hello ${staff.name},\n\n${practice.name} has added you to its staff on tele.\n\n` +
      `Set your password here (the link works once and expires in 1 hour):\n${base}/welcome/${token}\n\n` +
      `Afterwards, sign in at ${base}/sign-in\n\nIf you did not expect this email, you can ignore it.\n`,
  });
  return { linkId, mailId };
}

/**
 * `tele staff invite STAFF`: a fresh invite (owners and managers), so anyone whose link expired, or
 * an owner made by `tele init`, can set a browser password. Earlier invite links stop working.
 */
export async function sendStaffInvite(deps: Deps, actor: Actor, ref: string): Promise<StaffInviteResult> {
  const a = requireStaff(actor, ...MANAGERS);
  const now = deps.clock();
  const result = await deps.store.tx(async (r) => {
    const staff = await findStaff(r, a.practiceId, ref);
    refuseDeactivated(staff);
    const invite = await issueStaffInvite(r, deps, now, (await r.practices.byId(a.practiceId))!, staff);
    await audit(r, a, now, a.practiceId, "staff.invite", { type: "staff", id: staff.id }, invite);
    return { staffId: staff.id, mailId: invite.mailId, expiresAt: new Date(now + STAFF_INVITE_TTL_MS).toISOString() };
  });
  deps.mailQueued?.();
  return result;
}

const INVITE_INVALID = "this invite link has expired or has already been used; ask your practice's owner or manager to send a new invite";

/** A token as it can appear in a link: anything else is not looked up at all. */
export const looksLikeToken = (token: unknown): token is string => typeof token === "string" && /^[A-Za-z0-9_-]{43}$/.test(token);

async function liveInvite(r: Repos, slug: string, token: string, now: number): Promise<{ link: LinkRow; practice: PracticeRow; staff: StaffRow } | undefined> {
  if (!looksLikeToken(token)) return undefined;
  const link = await r.links.byTokenHash(hashSecret(token));
  if (!link || link.kind !== "staff_invite") return undefined;
  const practice = await r.practices.byId(link.practiceId);
  const staff = practice?.slug === slug ? await r.staff.byId(link.practiceId, link.subjectId) : undefined;
  // Deactivation revokes the links too; a deactivated staff member's link never works, whatever its row says.
  return staff && staff.deactivatedAt === null ? { link, practice: practice!, staff } : undefined;
}

/** The staff member an invite link is for, while it still works (the page asks before using it). */
export async function staffInvite(deps: Deps, slug: string, token: string): Promise<{ practice: PracticeRow; staff: StaffRow } | undefined> {
  const now = deps.clock();
  const found = await liveInvite(deps.store, slug, token, now);
  if (!found || found.link.usedAt !== null || found.link.revokedAt !== null || found.link.expiresAt <= now) return undefined;
  return { practice: found.practice, staff: found.staff };
}

/** A new staff password: the portal's strength rule (passwordProblem), then the confirmation; a clear 400 when broken. */
export function checkNewPassword(password: unknown, confirm: unknown): string {
  const problem = typeof password === "string" ? passwordProblem(password) : "Choose a password.";
  if (problem) throw invalid(problem);
  if (password !== confirm) throw invalid("The two passwords do not match.");
  return password as string;
}

/** Uses a staff invite once: sets the password and ends the staff member's other browser sessions. */
export async function acceptStaffInvite(
  deps: Deps, actor: Actor, input: { slug: string; token: string; password: unknown; confirm: unknown },
): Promise<{ practice: PracticeRow; staff: StaffRow }> {
  const password = checkNewPassword(input.password, input.confirm);
  // Cheap checks first: a made-up or dead link costs a stranger no scrypt run.
  const early = await liveInvite(deps.store, input.slug, input.token, deps.clock());
  if (!early || early.link.usedAt !== null || early.link.revokedAt !== null || early.link.expiresAt <= deps.clock()) {
    if (early) await deps.store.tx((r) => audit(r, actor, deps.clock(), early.link.practiceId, "staff.invite.refused", { type: "link", id: early.link.id }));
    throw new DomainError("link_invalid", 410, INVITE_INVALID);
  }
  const passwordHash = await hashPassword(password); // slow on purpose: before the transaction
  const now = deps.clock();
  const outcome = await deps.store.tx(async (r) => {
    const found = await liveInvite(r, input.slug, input.token, now);
    if (!found || !(await r.links.consume(found.link.id, now))) return { refused: found?.link };
    await r.staff.setPassword(found.practice.id, found.staff.id, passwordHash);
    await r.webSessions.revokeAllFor(found.practice.id, "staff", found.staff.id, now);
    const who: Actor = { kind: "staff", practiceId: found.practice.id, staff: found.staff, ip: actor.ip, requestId: actor.requestId };
    await audit(r, who, now, found.practice.id, "staff.password_set", { type: "staff", id: found.staff.id }, { linkId: found.link.id });
    return { ok: { practice: found.practice, staff: found.staff } };
  });
  if (outcome.ok) return outcome.ok;
  const link = outcome.refused;
  if (link) await deps.store.tx((r) => audit(r, actor, now, link.practiceId, "staff.invite.refused", { type: "link", id: link.id }));
  throw new DomainError("link_invalid", 410, INVITE_INVALID);
}

/**
 * Email and password sign-in. Unknown email, no password yet and a wrong password look the same
 * to the caller and take as long (a miss waits as long as scrypt takes, without running it). Audited without the typed email.
 */
export async function staffSignIn(deps: Deps, actor: Actor, practice: PracticeRow, input: { email: unknown; password: unknown }): Promise<StaffRow | undefined> {
  const email = typeof input.email === "string" ? input.email.trim().toLowerCase() : "";
  const password = typeof input.password === "string" ? input.password : "";
  const staff = email ? await deps.store.staff.byEmail(practice.id, email) : undefined;
  const stored = staff ? await deps.store.staff.passwordHash(practice.id, staff.id) : null;
  const ok = stored !== null && password !== "" ? await verifyPassword(password, stored) : (await passwordMissDelay(), false);
  const now = deps.clock();
  // A deactivated staff member is told nothing more than a wrong password would tell them.
  if (!ok || !staff || staff.deactivatedAt !== null) {
    const reason = !staff ? "unknown_account" : stored === null ? "no_password" : !ok ? "wrong_password" : "deactivated";
    await deps.store.tx((r) => audit(r, actor, now, practice.id, "staff.sign_in_failed", { type: "staff", id: staff?.id ?? null }, { reason }));
    return undefined;
  }
  const who: Actor = { kind: "staff", practiceId: practice.id, staff, ip: actor.ip, requestId: actor.requestId };
  await deps.store.tx((r) => audit(r, who, now, practice.id, "staff.sign_in", { type: "staff", id: staff.id }, { via: "password" }));
  return staff;
}
