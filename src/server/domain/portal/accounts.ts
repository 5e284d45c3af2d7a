import type { LinkKind, LinkRow, PracticeRow } from "../../db/types.js";
import { issuePortalLink, portalReset, portalSignup } from "../clients/portal.js";
import type { Actor, Deps } from "../deps.js";
import { refused } from "../errors.js";
import { hashSecret } from "../shared/crypto.js";
import { MAX_FIELD, normalEmail } from "./sign-in.js";

/** The two emailed links a client can set a password with: sign-up (R10) and reset (R11). */
export type PasswordLinkKind = "invite" | "reset";
const KINDS: Record<PasswordLinkKind, LinkKind> = { invite: "portal_invite", reset: "password_reset" };

/** Tokens are 43 base64url characters; anything else cannot be one and is not looked up. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{16,200}$/;

/** The link behind `token` when it is of `kind` and belongs to `practice` (used or not). */
async function ownLink(deps: Deps, practice: PracticeRow, kind: PasswordLinkKind, token: string): Promise<LinkRow | undefined> {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  const link = await deps.store.links.byTokenHash(hashSecret(token));
  return link && link.kind === KINDS[kind] && link.practiceId === practice.id ? link : undefined;
}

/**
 * True when `token` is a live link of `kind` in `practice`: not used, revoked or expired, and not
 * malformed, tampered with, or another practice's. Reading it changes nothing.
 */
export async function passwordLinkUsable(deps: Deps, practice: PracticeRow, kind: PasswordLinkKind, token: string): Promise<boolean> {
  const link = await ownLink(deps, practice, kind, token);
  return !!link && link.usedAt === null && link.revokedAt === null && link.expiresAt > deps.clock();
}

/**
 * Sets a client's portal password through an emailed link of `practice` (R10 sign-up, R11 reset);
 * the link service checks the strength rule (`weak_password`), refuses a used, expired or other
 * practice's link (`link_invalid`), and ends the client's other browser sessions. Returns the client's id.
 */
export async function setPasswordWithLink(
  deps: Deps, actor: Actor, practice: PracticeRow, kind: PasswordLinkKind, token: string, password: string,
): Promise<string> {
  // A malformed token is not looked up at all.
  if (!TOKEN_SHAPE.test(token)) throw refused("link_invalid", "this link has expired or has already been used; ask for a new one");
  const account = await (kind === "invite" ? portalSignup : portalReset)(deps, actor, { token, password }, practice.id);
  return account.clientId;
}

/**
 * R11 from the client's side: emails a fresh link to the client of `practice` with this address,
 * a new sign-up invite when they have no account yet, else a password-reset link. Does nothing for
 * an address no client has; the caller shows the same answer either way.
 */
export async function requestFreshLink(deps: Deps, actor: Actor, practice: PracticeRow, email: string): Promise<void> {
  const address = normalEmail(email);
  if (!address.includes("@") || address.length > MAX_FIELD) return;
  const now = deps.clock();
  const sent = await deps.store.tx(async (r) => {
    const client = await r.clients.byEmail(practice.id, address, now);
    if (!client?.email || client.archivedAt) return false; // an archived client gets nothing, and the page says the same
    await issuePortalLink(r, deps, actor, now, practice, client);
    return true;
  });
  if (sent) deps.mailQueued?.();
}
