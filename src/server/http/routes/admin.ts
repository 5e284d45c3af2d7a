import { AuditPage, AuditQuery, MailPage, MailQuery } from "../../../sdk/schemas/index.js";
import { listAudit } from "../../domain/audit/list.js";
import type { Deps } from "../../domain/deps.js";
import { listMail } from "../../domain/mail/outbox.js";
import type { RouteTable } from "../route.js";

export function adminRoutes(t: RouteTable, deps: Deps): void {
  t.add({ method: "GET", access: "manage", url: "/mail", operationId: "listMail", tag: "mail", summary: "Outgoing mail and its delivery status, newest first, one page at a time", query: MailQuery, reply: MailPage,
    handler: ({ actor, query }) => listMail(deps, actor, query) });
  t.add({ method: "GET", access: "manage", url: "/audit", operationId: "listAudit", tag: "audit", summary: "The audit log, newest first, one page at a time (R20)", query: AuditQuery, reply: AuditPage,
    handler: ({ actor, query }) => listAudit(deps, actor, query) });
}
