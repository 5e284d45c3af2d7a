import { PortalPasswordInput, type PortalAccount, type PortalInviteResult } from "../../../sdk/schemas/index.js";
import type { Repos } from "../../db/repos.js";
import type { ClientRow, LinkKind, PracticeRow } from "../../db/types.js";
import { audit } from "../audit/audit.js";
import type { Actor, Deps } from "../deps.js";
import { forbidden, refused } from "../errors.js";
import { queueClientMail } from "../notify/layout.js";
import { hashPassword, hashSecret, newId, newSecret } from "../shared/crypto.js";
import { CHANGERS, changesAll, requireStaff } from "../shared/permissions.js";
import { findClient } from "../shared/resolve.js";
import { portalUrl } from "../shared/views.js";
import { passwordProblem } from "../portal/sign-in.js";
import { refuseArchived } from "./archive.js";

export const INVITE_TTL_MS = 48 * 3600_000; // R10
export const RESET_TTL_MS = 3600_000; // R11: short-lived

/**
 * R10, R11 inside a transaction: a client without an account gets a fresh sign-up invite (earlier
 * ones stop working); a client with one gets a password-reset link instead.
 */
export async function issuePortalLink(
  r: Repos, deps: Deps, actor: Actor, now: number, practice: PracticeRow, client: ClientRow,
): Promise<PortalInviteResult> {
  refuseArchived(client);
  if (!client.email) throw refused("no_email", `client ${client.id} has no email address; add one before inviting`);
  const kind: LinkKind = client.hasPortalAccount ? "password_reset" : "portal_invite";
  await r.links.revokeLive(practice.id, client.id, [kind], now);
  const token = newSecret();
  const expiresAt = now + (kind === "portal_invite" ? INVITE_TTL_MS : RESET_TTL_MS);
  const linkId = newId("lnk");
  await r.links.insert({ id: linkId, practiceId: practice.id, kind, subjectId: client.id, tokenHash: hashSecret(token), expiresAt, usedAt: null, revokedAt: null, createdAt: now });
  const base = portalUrl(deps.config.publicUrl, practice.slug);
  const mail = kind === "portal_invite"
    ? {
        subject: `Your ${practice.name} client portal invitation`,
        heading: "You are invited to the client portal",
        blocks: [
          { p: `Hello,` },
          { p: `${practice.name} has invited you to its client portal, where you can see your appointments and join video sessions.` },
          { link: `${base}/invite/${token}`, label: "Create your account", note: "The link works once and expires in 48 hours." },
          { p: "If you did not expect this email, you can ignore it." },
        ],
      }
    : {
        subject: `Reset your ${practice.name} client portal password`,
        heading: "Set a new password",
        blocks: [
          { p: `Hello,` },
          { p: `Use this link to set a new password for the ${practice.name} client portal.` },
          { link: `${base}/reset/${token}`, label: "Set a new password", note: "The link works once and expires in 1 hour." },
          { p: "If you did not ask for this, you can ignore it." },
        ],
      };
  const mailId = await queueClientMail(r, deps, now, practice, { to: client.email, ...mail });
  await audit(r, actor, now, practice.id, kind === "portal_invite" ? "client.portal_invite" : "client.password_reset_link",
    { type: "client", id: client.id }, { linkId, mailId });
  return { clientId: client.id, kind: kind === "portal_invite" ? "invite" : "reset", mailId, expiresAt: new Date(expiresAt).toISOString() };
}

/** `tele clients invite`: owners, managers, and the client's own therapist. */
export async function sendPortalInvite(deps: Deps, actor: Actor, ref: string): Promise<PortalInviteResult> {
  const a = requireStaff(actor, ...CHANGERS);
  const now = deps.clock();
  const result = await deps.store.tx(async (r) => {
    const practice = (await r.practices.byId(a.practiceId))!;
    const client = await findClient(r, a.practiceId, ref, now);
    // A change: a biller's read scope does not let a biller who is also a therapist invite others' clients.
    if (!changesAll(a) && !(await r.clients.hasAppointmentWith(a.practiceId, client.id, a.staff.id))) throw forbidden();
    return issuePortalLink(r, deps, a, now, practice, client);
  });
  deps.mailQueued?.();
  return result;
}

const LINK_INVALID = "this link has expired or has already been used; ask for a new one";

/**
 * Uses a single-use portal link of `kind` to set the client's password (sign-up or reset), from the
 * API or the portal's pages alike: the password must pass the strength rule, and the client's other
 * browser sessions end in the same transaction. With `practiceId`, another practice's link is
 * refused without being used.
 */
async function usePortalLink(deps: Deps, actor: Actor, kind: LinkKind, input: unknown, practiceId?: string): Promise<PortalAccount> {
  // The strength rule first, so a short password gets the rule's own words rather than the schema's.
  const given = (input as { password?: unknown } | null)?.password;
  const weak = typeof given === "string" ? passwordProblem(given) : null;
  if (weak) throw refused("weak_password", weak);
  const { token, password } = PortalPasswordInput.parse(input);
  const now = deps.clock();
  // Cheap checks first: a made-up, foreign or dead link is refused before any scrypt work.
  const early = await deps.store.links.byTokenHash(hashSecret(token));
  if (!early || (practiceId !== undefined && (early.practiceId !== practiceId || early.kind !== kind))) throw refused("link_invalid", LINK_INVALID);
  if (early.kind !== kind || early.usedAt !== null || early.revokedAt !== null || early.expiresAt <= now) {
    await deps.store.tx((r) => audit(r, actor, now, early.practiceId, `portal.${kind}.refused`, { type: "link", id: early.id }));
    throw refused("link_invalid", LINK_INVALID);
  }
  const passwordHash = await hashPassword(password); // slow on purpose: before the transaction, not inside it
  const outcome = await deps.store.tx(async (r) => {
    const link = await r.links.byTokenHash(hashSecret(token));
    // From a practice's page, another practice's link (or another kind) is not that page's: untouched and unaudited.
    if (!link || (practiceId !== undefined && (link.practiceId !== practiceId || link.kind !== kind))) return { refused: undefined };
    if (link.kind !== kind || !(await r.links.consume(link.id, now))) return { refused: link };
    await r.clients.setPassword(link.practiceId, link.subjectId, passwordHash, now);
    await r.webSessions.revokeAllFor(link.practiceId, "client", link.subjectId, now);
    const who: Actor = { kind: "client", practiceId: link.practiceId, clientId: link.subjectId, ip: actor.ip, requestId: actor.requestId };
    await audit(r, who, now, link.practiceId, kind === "portal_invite" ? "portal.signup" : "portal.password_reset",
      { type: "client", id: link.subjectId }, { linkId: link.id });
    const practice = (await r.practices.byId(link.practiceId))!;
    return { account: { clientId: link.subjectId, practiceSlug: practice.slug, status: "active" as const } };
  });
  if (outcome.account) return outcome.account;
  const link = outcome.refused;
  // A refused use is audited in its own transaction: the refusal itself changes nothing.
  if (link) await deps.store.tx((r) => audit(r, actor, now, link.practiceId, `portal.${kind}.refused`, { type: "link", id: link.id }));
  throw refused("link_invalid", LINK_INVALID);
}

/** R10: signing up through an invite link sets the client's password; the link then stops working. */
export const portalSignup = (deps: Deps, actor: Actor, input: unknown, practiceId?: string) =>
  usePortalLink(deps, actor, "portal_invite", input, practiceId);
/** R11: a reset link sets a new password once. */
export const portalReset = (deps: Deps, actor: Actor, input: unknown, practiceId?: string) =>
  usePortalLink(deps, actor, "password_reset", input, practiceId);
