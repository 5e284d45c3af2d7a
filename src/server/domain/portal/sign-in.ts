import type { PracticeRow } from "../../db/types.js";
import { audit } from "../audit/audit.js";
import type { Actor, Deps } from "../deps.js";
import { passwordMissDelay, verifyPassword } from "../shared/crypto.js";

export type ClientActor = Extract<Actor, { kind: "client" }>;

/** What the sign-in form says for any failure, so it never tells whether an account exists. */
export const SIGN_IN_FAILED = "That email and password don't match. Check them and try again.";

/** The longest value any portal form field may hold (emails, passwords, tokens). */
export const MAX_FIELD = 200;

/** The password rule, as the pages explain it. */
export const PASSWORD_RULE =
  "At least 10 characters, mixing at least two kinds: lowercase letters, capital letters, digits, spaces or symbols.";

/** Why a new portal password is too weak, or null when it is strong enough. */
export function passwordProblem(password: string): string | null {
  if (password.length < 10) return "Your password needs at least 10 characters.";
  if (password.length > MAX_FIELD) return `Your password can have at most ${MAX_FIELD} characters.`;
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password)).length;
  if (kinds < 2) return "Mix at least two kinds of characters: lowercase letters, capital letters, digits, spaces or symbols.";
  return null;
}

/** The email as clients are stored: trimmed, lower case (the Email schema does the same). */
export const normalEmail = (email: string) => email.trim().toLowerCase();

/**
 * Checks a client's email and password for the portal of `practice`. Returns the client's id, or
 * null with the same answer whether the email is unknown, has no account, or the password is wrong.
 * Both outcomes are audited; a failure records the client id only when there is one, never the email.
 * scrypt runs only for an account that has a password: a miss waits as long without the work.
 */
export async function signInClient(
  deps: Deps, actor: Actor, practice: PracticeRow, email: string, password: string,
): Promise<string | null> {
  const found = email.includes("@") ? await deps.store.clients.byEmail(practice.id, normalEmail(email), deps.clock()) : undefined;
  // An archived client signs in no more: the same answer as a wrong password, and the attempt is audited by id.
  const client = found?.archivedAt ? undefined : found;
  const stored = client ? await deps.store.clients.passwordHash(practice.id, client.id) : null;
  const ok = stored && password ? await verifyPassword(password, stored) : (await passwordMissDelay(), false);
  const now = deps.clock();
  if (ok && client && stored) {
    await recordSignIn(deps, actor, practice.id, client.id, "password");
    return client.id;
  }
  const anonymous: Actor = { kind: "anonymous", ip: actor.ip, requestId: actor.requestId };
  await deps.store.tx((r) =>
    audit(r, anonymous, now, practice.id, "portal.sign_in_failed", { type: "client", id: found?.id ?? null }, found?.archivedAt ? { archived: true } : undefined),
  );
  return null;
}

/** Audits a client's sign-in (by password, or straight after setting one through an emailed link). */
export async function recordSignIn(
  deps: Deps, actor: Actor, practiceId: string, clientId: string, via: "password" | "signup" | "reset",
): Promise<void> {
  const who: ClientActor = { kind: "client", practiceId, clientId, ip: actor.ip, requestId: actor.requestId };
  const now = deps.clock();
  await deps.store.tx((r) => audit(r, who, now, practiceId, "portal.sign_in", { type: "client", id: clientId }, { via }));
}

/** Audits a client's sign-out. */
export async function recordSignOut(deps: Deps, actor: ClientActor): Promise<void> {
  const now = deps.clock();
  await deps.store.tx((r) => audit(r, actor, now, actor.practiceId, "portal.sign_out", { type: "client", id: actor.clientId }));
}
