import type { ApiTokenInfo, Deactivation, TokenRevocation } from "../../../sdk/schemas/index.js";
import type { StaffRow } from "../../db/types.js";
import { audit } from "../audit/audit.js";
import type { Actor, Deps, StaffActor } from "../deps.js";
import { conflict, forbidden, notFound } from "../errors.js";
import { MANAGERS, requireStaff } from "../shared/permissions.js";
import { findStaff } from "../shared/resolve.js";
import { staffView, tokenView } from "../shared/views.js";

/** The links that act for a staff member: their password invite and the CLI's session sign-in links. */
const STAFF_LINKS = ["staff_invite", "staff_sign_in"] as const;

/** Only an owner acts on an owner's access (a manager cannot cut off, or take over, an owner). */
function mayManage(a: StaffActor, target: StaffRow): void {
  if (target.roles.includes("owner") && !a.staff.roles.includes("owner")) throw forbidden("only an owner may manage an owner's access");
}

/** A refusal for changes that would act as, or for, someone already cut off. */
export function refuseDeactivated(s: StaffRow): void {
  if (s.deactivatedAt !== null) throw conflict("staff_deactivated", `staff member ${s.id} is deactivated`);
}

/**
 * `tele staff deactivate`: cuts a staff member off at once, in one transaction: every API token
 * revoked, every browser session ended, every invite and sign-in link dead. Their record, their
 * appointments and the audit log stay. The last active owner cannot be deactivated (409
 * `last_owner`): someone must be able to manage the practice. Idempotent.
 */
export async function deactivateStaff(deps: Deps, actor: Actor, ref: string): Promise<Deactivation> {
  const a = requireStaff(actor, ...MANAGERS);
  const now = deps.clock();
  const out = await deps.store.tx(async (r): Promise<Deactivation> => {
    const s = await findStaff(r, a.practiceId, ref);
    mayManage(a, s);
    if (s.deactivatedAt !== null) return { staff: staffView(s), changed: false, revokedTokens: [], endedWebSessions: 0, revokedLinks: 0 };
    if (s.roles.includes("owner") && (await r.staff.activeOwners(a.practiceId)) <= 1) {
      throw conflict("last_owner", `staff member ${s.id} is the practice's last active owner; make someone else an owner first`);
    }
    await r.staff.deactivate(a.practiceId, s.id, now);
    const revokedTokens = await r.tokens.revokeAllFor(a.practiceId, s.id, now);
    const endedWebSessions = await r.webSessions.revokeAllFor(a.practiceId, "staff", s.id, now);
    const revokedLinks = await r.links.revokeLive(a.practiceId, s.id, [...STAFF_LINKS], now);
    await audit(r, a, now, a.practiceId, "staff.deactivate", { type: "staff", id: s.id }, { revokedTokens, endedWebSessions, revokedLinks });
    return { staff: staffView({ ...s, deactivatedAt: now }), changed: true, revokedTokens, endedWebSessions, revokedLinks };
  });
  // Pages they have open stop hearing their sessions now, not at their next request.
  if (out.changed) deps.sessions?.endStreamsOf("staff", out.staff.id);
  return out;
}

/** `tele staff tokens list STAFF`: ids and times of a staff member's API tokens, never the tokens (owner or manager). */
export async function listTokens(deps: Deps, actor: Actor, ref: string): Promise<ApiTokenInfo[]> {
  const a = requireStaff(actor, ...MANAGERS);
  const s = await findStaff(deps.store, a.practiceId, ref);
  mayManage(a, s);
  return (await deps.store.tokens.listFor(a.practiceId, s.id)).map(tokenView);
}

/** `tele staff tokens revoke TOKEN-ID`: the token stops working at once (owner or manager; an owner's only by an owner). Idempotent. */
export async function revokeToken(deps: Deps, actor: Actor, tokenId: string): Promise<TokenRevocation> {
  const a = requireStaff(actor, ...MANAGERS);
  const now = deps.clock();
  return deps.store.tx(async (r) => {
    const t = /^[A-Za-z0-9_-]{1,64}$/.test(tokenId) ? await r.tokens.byId(a.practiceId, tokenId) : undefined;
    if (!t) throw notFound("API token", tokenId);
    const owner = await r.staff.byId(a.practiceId, t.staffId);
    if (owner) mayManage(a, owner);
    const changed = await r.tokens.revoke(a.practiceId, t.id, now);
    if (changed) await audit(r, a, now, a.practiceId, "staff.token.revoke", { type: "staff", id: t.staffId }, { tokenId: t.id });
    return { token: tokenView(changed ? { ...t, revokedAt: now } : t), changed };
  });
}
