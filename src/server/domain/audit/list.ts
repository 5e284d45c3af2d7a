import { AuditQuery, type AuditEntry } from "../../../sdk/schemas/index.js";
import type { Actor, Deps } from "../deps.js";
import { MANAGERS, requireStaff } from "../shared/permissions.js";
import { readTime } from "../shared/time.js";
import { auditView } from "../shared/views.js";

/**
 * The audit log, newest first (owners and managers, R20): by record, action, actor (a staff or
 * client id) and since when (read in the practice's zone without an offset). Always bounded by
 * `limit` (at most 1000); each filter has an index behind it.
 */
export async function listAudit(deps: Deps, actor: Actor, query: unknown): Promise<AuditEntry[]> {
  const a = requireStaff(actor, ...MANAGERS);
  const q = AuditQuery.parse(query ?? {});
  const since = q.since === undefined ? undefined : readTime("since", q.since, (await deps.store.practices.byId(a.practiceId))!.timeZone);
  const rows = await deps.store.audit.list(a.practiceId, { recordId: q.recordId, action: q.action, actorId: q.actor, since, limit: q.limit });
  return rows.map(auditView);
}
