import { UpdateStaffInput, type Role, type Staff } from "../../../sdk/schemas/index.js";
import type { StaffRow } from "../../db/types.js";
import { audit } from "../audit/audit.js";
import type { Actor, Deps } from "../deps.js";
import { conflict, forbidden } from "../errors.js";
import { MANAGERS, requireStaff } from "../shared/permissions.js";
import { findStaff } from "../shared/resolve.js";
import { staffView } from "../shared/views.js";
import { refuseDeactivated } from "./deactivate.js";

/**
 * Edits a staff member's name, email, roles or licensed states (owner or manager, R25); the audit row names the fields
 * that changed and, for roles, the old and new sets. Nothing changed, nothing is written.
 *
 * - Only an owner changes an owner, or grants or removes the owner role (a manager could otherwise
 *   take over an owner's account through its email): 403.
 * - The practice never loses its last active owner: 409 `last_owner`.
 * - The email stays unique among staff (409 `already_exists`); a new one revokes the pending staff
 *   invite sent to the old address.
 * - Teletherapy is a permission under the therapist role (R1): removing the role turns it off, and is
 *   refused while upcoming telehealth appointments depend on it (409 `upcoming_telehealth`, R3).
 */
export async function updateStaff(deps: Deps, actor: Actor, ref: string, input: unknown): Promise<Staff> {
  const a = requireStaff(actor, ...MANAGERS);
  const v = UpdateStaffInput.parse(input ?? {});
  const now = deps.clock();
  return deps.store.tx(async (r) => {
    const s = await findStaff(r, a.practiceId, ref);
    const name = v.name !== undefined && v.name !== s.name ? v.name : undefined;
    const email = v.email !== undefined && v.email !== s.email ? v.email : undefined;
    const roles = v.roles && !sameRoles(v.roles, s.roles) ? [...new Set(v.roles)] : undefined;
    // R25: the states replace the set (already unique and sorted by the schema).
    const licensedIn = v.licensedIn && v.licensedIn.join(",") !== (s.licensedIn ?? []).join(",") ? v.licensedIn : undefined;
    const fields = [name !== undefined && "name", email !== undefined && "email", roles && "roles", licensedIn && "licensedIn"].filter((f): f is string => !!f);
    if (fields.length === 0) return staffView(s);
    refuseDeactivated(s);
    const isOwner = a.staff.roles.includes("owner");
    if (!isOwner && s.roles.includes("owner")) throw forbidden("only an owner may change an owner");
    if (roles && roles.includes("owner") !== s.roles.includes("owner")) {
      if (!isOwner) throw forbidden("only an owner may grant or remove the owner role");
      if (!roles.includes("owner") && (await r.staff.activeOwners(a.practiceId)) <= 1) {
        throw conflict("last_owner", `staff member ${s.id} is the practice's last active owner; make someone else an owner first`);
      }
    }
    if (email !== undefined && (await r.staff.byEmail(a.practiceId, email))) {
      throw conflict("already_exists", "a staff member with this email already exists");
    }
    const teletherapyOff = !!roles && s.teletherapy && !roles.includes("therapist");
    if (teletherapyOff) {
      const ids = await r.appointments.upcomingTelehealth(a.practiceId, s.id, now);
      if (ids.length) {
        throw conflict("upcoming_telehealth",
          `staff member ${s.id} has ${ids.length} upcoming telehealth appointment(s); removing the therapist role would turn Teletherapy off: convert them to in-person first`,
          { appointments: ids });
      }
      await r.staff.setTeletherapy(a.practiceId, s.id, false);
    }
    await r.staff.update(a.practiceId, s.id, { name, email, roles, licensedIn });
    const revokedLinks = email !== undefined ? await r.links.revokeLive(a.practiceId, s.id, ["staff_invite"], now) : 0;
    const details: Record<string, unknown> = { fields };
    if (roles) Object.assign(details, { rolesBefore: s.roles, rolesAfter: roles });
    if (licensedIn) Object.assign(details, { licensedInBefore: s.licensedIn ?? [], licensedInAfter: licensedIn });
    if (teletherapyOff) details.teletherapyOff = true;
    if (revokedLinks) details.revokedLinks = revokedLinks;
    await audit(r, a, now, a.practiceId, "staff.update", { type: "staff", id: s.id }, details);
    const updated: StaffRow = { ...s, name: name ?? s.name, email: email ?? s.email, roles: roles ?? s.roles, teletherapy: s.teletherapy && !teletherapyOff,
      licensedIn: licensedIn ?? s.licensedIn };
    return staffView(updated);
  });
}

const sameRoles = (a: Role[], b: Role[]) => new Set(a).size === new Set(b).size && a.every((x) => b.includes(x));
