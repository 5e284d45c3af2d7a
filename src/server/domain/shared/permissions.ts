import type { Role } from "../../../sdk/schemas/index.js";
import type { Actor, StaffActor } from "../deps.js";
import { forbidden } from "../errors.js";

/** The actor as a staff member holding one of `roles`; anyone else is refused (R2: 403). */
export function requireStaff(actor: Actor, ...roles: Role[]): StaffActor {
  if (actor.kind !== "staff") throw forbidden();
  if (roles.length && !roles.some((r) => actor.staff.roles.includes(r))) throw forbidden();
  return actor;
}

export const MANAGERS: Role[] = ["owner", "manager"];
export const READERS: Role[] = ["owner", "manager", "biller", "therapist"];

/** Owners and managers manage everything (R1, R2). */
export const isManager = (a: StaffActor): boolean => a.staff.roles.includes("owner") || a.staff.roles.includes("manager");
/** Billers read everything; a therapist who is nothing else sees only their own. */
export const seesAll = (a: StaffActor): boolean => isManager(a) || a.staff.roles.includes("biller");
