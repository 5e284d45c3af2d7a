import { CreateStaffInput, DisableTeletherapyInput, StaffQuery, type Page, type Staff, type TeletherapyChange } from "../../../sdk/schemas/index.js";
import type { StaffRow } from "../../db/types.js";
import { audit } from "../audit/audit.js";
import type { Actor, Deps } from "../deps.js";
import { conflict, forbidden, refused } from "../errors.js";
import { hashSecret, newId, newSecret } from "../shared/crypto.js";
import { MANAGERS, READERS, requireStaff, seesAll } from "../shared/permissions.js";
import { keyOf, pageFrom, pageSize } from "../shared/paging.js";
import { findStaff } from "../shared/resolve.js";
import { staffView } from "../shared/views.js";
import { refuseDeactivated } from "./deactivate.js";
import { issueStaffInvite } from "./web.js";

/** One page of the staff by name; a therapist who is nothing else sees only themselves. */
export async function listStaff(deps: Deps, actor: Actor, query: unknown = {}): Promise<Page<Staff>> {
  const a = requireStaff(actor, ...READERS);
  const q = StaffQuery.parse(query ?? {});
  if (!seesAll(a)) return { items: [staffView(a.staff)], nextCursor: null };
  const scope = { practiceId: a.practiceId, list: "staff", filter: {} };
  const size = pageSize(q.limit);
  const after = keyOf(scope, q.cursor, "ss") as [string, string] | undefined;
  return pageFrom(await deps.store.staff.page(a.practiceId, after, size + 1), size, scope, (s) => [s.name, s.id], staffView);
}

export async function getStaff(deps: Deps, actor: Actor, ref: string): Promise<Staff> {
  const a = requireStaff(actor, ...READERS);
  const s = await findStaff(deps.store, a.practiceId, ref);
  if (!seesAll(a) && s.id !== a.staff.id) throw forbidden();
  return staffView(s);
}

/** Adds a staff member (owners and managers; only an owner may make another owner) and emails them an invite. */
export async function addStaff(deps: Deps, actor: Actor, input: unknown): Promise<Staff> {
  const a = requireStaff(actor, ...MANAGERS);
  const { name, email, roles } = CreateStaffInput.parse(input);
  if (roles.includes("owner") && !a.staff.roles.includes("owner")) throw forbidden("only an owner may add another owner");
  const now = deps.clock();
  const added = await deps.store.tx(async (r) => {
    if (await r.staff.byEmail(a.practiceId, email)) throw conflict("already_exists", "a staff member with this email already exists");
    const row: StaffRow = { id: newId("stf"), practiceId: a.practiceId, name, email, roles: [...new Set(roles)], teletherapy: false, createdAt: now, deactivatedAt: null };
    await r.staff.insert(row);
    // The invite to set a browser password is part of adding: both exist, or neither (R21), in one audit row.
    const invite = await issueStaffInvite(r, deps, now, (await r.practices.byId(a.practiceId))!, row);
    await audit(r, a, now, a.practiceId, "staff.add", { type: "staff", id: row.id }, { roles: row.roles, invite });
    return staffView(row);
  });
  deps.mailQueued?.();
  return added;
}

/** R2: only an owner or manager turns Teletherapy on, and only for a therapist. Idempotent. */
export async function enableTeletherapy(deps: Deps, actor: Actor, ref: string): Promise<TeletherapyChange> {
  const a = requireStaff(actor, ...MANAGERS);
  const now = deps.clock();
  return deps.store.tx(async (r) => {
    const s = await findStaff(r, a.practiceId, ref);
    refuseDeactivated(s);
    if (!s.roles.includes("therapist")) {
      throw refused("not_a_therapist", `staff member ${s.id} does not have the therapist role; Teletherapy is a permission under it`);
    }
    if (s.teletherapy) return { staff: staffView(s), changed: false, convertedToInPerson: [] };
    await r.staff.setTeletherapy(a.practiceId, s.id, true);
    await audit(r, a, now, a.practiceId, "staff.teletherapy.enable", { type: "staff", id: s.id });
    return { staff: staffView({ ...s, teletherapy: true }), changed: true, convertedToInPerson: [] };
  });
}

/**
 * R2, R3: turns Teletherapy off. Upcoming telehealth appointments are never orphaned silently:
 * the caller either is refused with their ids, or has them converted back to in-person.
 */
export async function disableTeletherapy(deps: Deps, actor: Actor, ref: string, input: unknown): Promise<TeletherapyChange> {
  const a = requireStaff(actor, ...MANAGERS);
  const { upcoming } = DisableTeletherapyInput.parse(input ?? {});
  const now = deps.clock();
  return deps.store.tx(async (r) => {
    const s = await findStaff(r, a.practiceId, ref);
    if (!s.teletherapy) return { staff: staffView(s), changed: false, convertedToInPerson: [] };
    const ids = await r.appointments.upcomingTelehealth(a.practiceId, s.id, now);
    if (ids.length && upcoming === "refuse") {
      throw conflict("upcoming_telehealth",
        `staff member ${s.id} has ${ids.length} upcoming telehealth appointment(s); convert them to in-person or keep Teletherapy on`,
        { appointments: ids });
    }
    if (ids.length) {
      await r.appointments.setTelehealth(a.practiceId, ids, false, now);
      await audit(r, a, now, a.practiceId, "appointments.convert", { type: "appointment", id: null }, { telehealth: false, ids, reason: "teletherapy_disabled" });
    }
    await r.staff.setTeletherapy(a.practiceId, s.id, false);
    await audit(r, a, now, a.practiceId, "staff.teletherapy.disable", { type: "staff", id: s.id }, { convertedToInPerson: ids.length });
    return { staff: staffView({ ...s, teletherapy: false }), changed: true, convertedToInPerson: ids };
  });
}

/** Mints an API token for a staff member; the token is returned once and stored only as a hash. */
export async function createApiToken(deps: Deps, actor: Actor, ref: string) {
  const a = requireStaff(actor, ...MANAGERS);
  const now = deps.clock();
  return deps.store.tx(async (r) => {
    const s = await findStaff(r, a.practiceId, ref);
    refuseDeactivated(s);
    // As with adding staff: a manager cannot become an owner, here by holding an owner's token.
    if (s.roles.includes("owner") && !a.staff.roles.includes("owner")) throw forbidden("only an owner may mint a token for an owner");
    const token = newSecret("tele_");
    const id = newId("tok");
    await r.tokens.insert({ id, practiceId: a.practiceId, staffId: s.id, tokenHash: hashSecret(token), createdBy: a.staff.id, createdAt: now });
    await audit(r, a, now, a.practiceId, "staff.token.create", { type: "staff", id: s.id }, { tokenId: id });
    return { token, id, staffId: s.id, createdAt: new Date(now).toISOString() };
  });
}

/** How stale a token's "last used" may get before a request records it again (one write a minute, not one per request). */
export const TOKEN_TOUCH_MS = 60_000;

/** The staff member behind a Bearer token, or undefined for an unknown or revoked one, or a deactivated staff member's. */
export async function authenticateToken(deps: Deps, token: string): Promise<StaffRow | undefined> {
  const found = await deps.store.tokens.staffForHash(hashSecret(token));
  if (!found) return undefined;
  const now = deps.clock();
  if (found.lastUsedAt === null || now - found.lastUsedAt >= TOKEN_TOUCH_MS) await deps.store.tokens.touch(found.tokenId, now);
  return found.staff;
}
