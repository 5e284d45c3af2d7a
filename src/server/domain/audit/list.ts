import { AuditQuery, type AuditEntry, type Page } from "../../../sdk/schemas/index.js";
import type { Actor, Deps } from "../deps.js";
import { keyOf, pageFrom } from "../shared/paging.js";
import { MANAGERS, requireStaff } from "../shared/permissions.js";
import { readTime } from "../shared/time.js";
import { auditView } from "../shared/views.js";

/**
 * One page of the audit log, newest first (owners and managers, R20): by record, action, actor (a
 * staff or client id) and since when (read in the practice's zone without an offset). Each filter
 * has an index behind it, and a page is at most 1000 rows.
 */
export async function listAudit(deps: Deps, actor: Actor, query: unknown): Promise<Page<AuditEntry>> {
  const a = requireStaff(actor, ...MANAGERS);
  const q = AuditQuery.parse(query ?? {});
  const since = q.since === undefined ? undefined : readTime("since", q.since, (await deps.store.practices.byId(a.practiceId))!.timeZone);
  const filter = { recordId: q.recordId, action: q.action, actorId: q.actor, since };
  const scope = { practiceId: a.practiceId, list: "audit", filter };
  const after = keyOf(scope, q.cursor, "nn") as [number, number] | undefined;
  const rows = await deps.store.audit.list(a.practiceId, { ...filter, after, limit: q.limit + 1 });
  return pageFrom(rows, q.limit, scope, (r) => [r.at, r.id], auditView);
}
