import type { Repos } from "../../db/repos.js";
import type { NewAudit } from "../../db/types.js";
import type { Actor, Deps } from "../deps.js";

type AuditArgs = [actor: Actor, at: number, practiceId: string, action: string, record: { type: string; id: string | null }, details?: unknown];

/** The row: who, what, which record, when, and from where (with the request id, to match a reply to its row). */
function entry(...[actor, at, practiceId, action, record, details]: AuditArgs): NewAudit {
  return {
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
  };
}

/**
 * Appends one audit row (R20). Called inside the same transaction as the change it records, so
 * neither exists without the other.
 */
export function audit(r: Repos, ...args: AuditArgs): Promise<void> {
  return r.audit.append(entry(...args));
}

/**
 * The audit row of a read (R20): it settles once the row is committed, so the caller sends the data
 * only after its row is durable; a failed commit throws here and the read fails. Rows of concurrent
 * reads share one commit.
 */
export function auditRead(deps: Deps, ...args: AuditArgs): Promise<void> {
  return deps.store.auditAlone(entry(...args));
}
