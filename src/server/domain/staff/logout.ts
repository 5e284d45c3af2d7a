/**
 * Signing out from the CLI (`tele logout`): the API token that signed the request is revoked, so a
 * copy of the credentials file left behind stops working. Any staff member may revoke their own
 * token; revoking someone else's stays with owners and managers (deactivate.ts).
 */
import type { TokenRevocation } from "../../../sdk/schemas/index.js";
import { audit } from "../audit/audit.js";
import type { Actor, Deps } from "../deps.js";
import { invalid } from "../errors.js";
import { hashSecret } from "../shared/crypto.js";
import { requireStaff } from "../shared/permissions.js";
import { tokenView } from "../shared/views.js";

/** Revokes `token`, the Bearer token of the actor's own request; audited as `staff.token.revoke`. */
export async function revokeOwnToken(deps: Deps, actor: Actor, token: string | undefined): Promise<TokenRevocation> {
  const a = requireStaff(actor);
  const found = token ? await deps.store.tokens.staffForHash(hashSecret(token)) : undefined;
  // The request was authenticated by this token, so a miss means it was revoked in the meantime.
  if (!found || found.staff.id !== a.staff.id) throw invalid("this request was not signed with a live API token of yours");
  const now = deps.clock();
  return deps.store.tx(async (r) => {
    const t = await r.tokens.byId(a.practiceId, found.tokenId);
    if (!t) throw invalid("this request was not signed with a live API token of yours");
    const changed = await r.tokens.revoke(a.practiceId, t.id, now);
    if (changed) await audit(r, a, now, a.practiceId, "staff.token.revoke", { type: "staff", id: a.staff.id }, { tokenId: t.id, by: "logout" });
    return { token: tokenView(changed ? { ...t, revokedAt: now } : t), changed };
  });
}
