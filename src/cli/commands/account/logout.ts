/**
 * `tele logout [--profile P]`: forgets a saved profile's token, and first revokes it on the server
 * when the server can be reached, so a copy of the credentials file stops working too.
 */
import { TeleApiError, TeleConnectionError, UnauthenticatedError } from "../../../sdk/errors.js";
import { checkProfileName, deleteProfile, readProfile } from "../../config.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { EXIT, ExitError } from "../../errors.js";
import { printJsonValue } from "../../output.js";

/** What happened to the token on the server. */
export type Revocation = "revoked" | "already_revoked" | "unreachable" | "refused";

/** The profile name `tele logout` works on (`--profile`, else `default`). */
export function parseLogout(_ctx: CommandContext, { flags }: RawArgs): string {
  return checkProfileName(flags.profile ?? "default");
}

async function revoke(url: string, token: string): Promise<Revocation> {
  try {
    // One quick try: signing out must not hang on a server that is gone.
    const { Tele } = await import("../../../sdk/client.js");
    const out = await new Tele({ url, token, retries: 0, timeoutMs: 5_000 }).revokeOwnToken();
    return out.changed ? "revoked" : "already_revoked";
  } catch (err) {
    if (err instanceof UnauthenticatedError) return "already_revoked";
    if (err instanceof TeleConnectionError) return "unreachable";
    if (err instanceof TeleApiError) return "refused";
    throw err;
  }
}

const SAYS: Record<Revocation, string> = {
  revoked: "its token is revoked on the server",
  already_revoked: "the server already refused its token (revoked earlier)",
  unreachable: "the server could not be reached, so its token was NOT revoked there",
  refused: "the server did not revoke its token",
};

/** Revokes (when it can) and forgets the profile's token. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const profile = parseLogout(ctx, args);
  const saved = await readProfile(ctx.io.env, profile);
  if (!saved) {
    throw new ExitError(EXIT.notFound, "not_found", `profile "${profile}" not found: nothing to sign out of`, `"tele profiles" lists the saved profiles`);
  }
  const revocation = await revoke(saved.url, saved.token);
  await deleteProfile(ctx.io.env, profile);
  if (ctx.json) {
    printJsonValue(ctx.io, { profile, url: saved.url, removed: true, revocation });
    return 0;
  }
  ctx.io.out(`Signed out of profile "${profile}" (${saved.url}): removed from this computer; ${SAYS[revocation]}.\n`);
  if (revocation === "unreachable" || revocation === "refused") {
    ctx.io.err(`An owner or manager can revoke it with "tele staff tokens list STAFF" and "tele staff tokens revoke TOKEN-ID".\n`);
  }
  return 0;
}
