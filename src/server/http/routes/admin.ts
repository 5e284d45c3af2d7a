import { AuditList, AuditQuery, MailList, MailQuery } from "../../../sdk/schemas/index.js";
import type { Deps } from "../../domain/deps.js";
import { listMail } from "../../domain/mail/outbox.js";
import { MANAGERS, requireStaff } from "../../domain/shared/permissions.js";
import { auditView } from "../../domain/shared/views.js";
import type { RouteTable } from "../route.js";

export function adminRoutes(t: RouteTable, deps: Deps): void {
  t.add({ method: "GET", access: "manage", url: "/mail", operationId: "listMail", tag: "mail", summary: "Outgoing mail and its delivery status", query: MailQuery, reply: MailList,
    handler: ({ actor, query }) => listMail(deps, actor, query) });
  t.add({ method: "GET", access: "manage", url: "/audit", operationId: "listAudit", tag: "audit", summary: "The audit log, newest first (R20)", query: AuditQuery, reply: AuditList,
    handler: async ({ actor, query }) => {
      const a = requireStaff(actor, ...MANAGERS);
      return (await deps.store.audit.list(a.practiceId, AuditQuery.parse(query ?? {}))).map(auditView);
    } });
}
