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
/** Who may change appointments and clients at all: a therapist only their own, a biller never (R1). */
export const CHANGERS: Role[] = ["owner", "manager", "therapist"];

/**
 * Two questions, asked apart (access is what a role may do intersected with what it may touch):
 * - "may this actor see it": `seesAll` (owners, managers, billers) or their own;
 * - "may this actor change it": `changesAll` (owners, managers) or their own, as a therapist.
 * A biller who is also a therapist reads everything but changes only their own appointments:
 * the biller's read scope is never a write scope.
 */
export type Purpose = "see" | "change";

/** Owners and managers manage everything (R1, R2). */
export const isManager = (a: StaffActor): boolean => a.staff.roles.includes("owner") || a.staff.roles.includes("manager");
/** Read scope: billers read everything; a therapist who is nothing else sees only their own. */
export const seesAll = (a: StaffActor): boolean => isManager(a) || a.staff.roles.includes("biller");
/** Write scope: only owners and managers change what is not their own. */
export const changesAll = (a: StaffActor): boolean => isManager(a);
/** The scope for `purpose`: everything, or only the actor's own. */
export const reachesAll = (a: StaffActor, purpose: Purpose): boolean => (purpose === "see" ? seesAll(a) : changesAll(a));
/** Whether the actor may change something of `therapistId`'s: a manager, or that therapist (with the therapist role). */
export const mayChangeFor = (a: StaffActor, therapistId: string): boolean =>
  changesAll(a) || (therapistId === a.staff.id && a.staff.roles.includes("therapist"));

/**
 * What each endpoint declares it lets a role do (README "Access"; tests/server/access-matrix.test.ts
 * holds the written table of outcomes). The route table checks the role part before the handler; the
 * service still decides what the actor may touch (their own, or everything).
 */
export const ACCESS = {
  /** Anyone; the request carries its own proof (a setup token, a link), or there is nothing to protect. */
  public: [],
  /** Any active staff member, about themselves and their practice. */
  self: READERS,
  /** See: owners, managers, billers everything; a therapist their own. */
  see: READERS,
  /** Change: owners and managers everything; a therapist their own; a biller nothing. */
  change: CHANGERS,
  /** Manage the practice and its staff: owners and managers. */
  manage: MANAGERS,
} as const satisfies Record<string, readonly Role[]>;
export type RouteAccess = keyof typeof ACCESS;
