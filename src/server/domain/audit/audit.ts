import type { Repos } from "../../db/repos.js";
import type { Actor } from "../deps.js";

/**
 * Appends one audit row (R20): who, what, which record, when, and from where. Called inside the
 * same transaction as the change it records, so neither exists without the other.
 */
export function audit(
  r: Repos,
  actor: Actor,
  at: number,
  practiceId: string,
  action: string,
  record: { type: string; id: string | null },
  details?: unknown,
): Promise<void> {
  return r.audit.append({
    practiceId,
    at,
    actorType: actor.kind,
    actorId: actor.kind === "staff" ? actor.staff.id : actor.kind === "client" ? actor.clientId : null,
    action,
    recordType: record.type,
    recordId: record.id,
    ip: actor.ip,
    requestId: actor.requestId,
    details,
  });
}
