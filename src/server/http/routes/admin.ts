import { AuditPage, AuditQuery, Mail, MailMessage, MailPage, MailQuery } from "../../../sdk/schemas/index.js";
import { listAudit } from "../../domain/audit/list.js";
import type { Deps } from "../../domain/deps.js";
import { getMail, retryMail } from "../../domain/mail/manage.js";
import { listMail } from "../../domain/mail/outbox.js";
import type { RouteTable } from "../route.js";

export function adminRoutes(t: RouteTable, deps: Deps): void {
  t.add({ method: "GET", access: "manage", url: "/mail", operationId: "listMail", tag: "mail", summary: "Outgoing mail and its delivery status, newest first, one page at a time", query: MailQuery, reply: MailPage,
    handler: ({ actor, query }) => listMail(deps, actor, query) });
  t.add({ method: "GET", access: "manage", url: "/mail/:id", operationId: "getMail", tag: "mail", summary: "One outgoing mail with its text (null once delivered; audited read)", reply: MailMessage,
    handler: ({ actor, params }) => getMail(deps, actor, params.id!) });
  t.add({ method: "POST", access: "manage", url: "/mail/:id/retry", operationId: "retryMail", tag: "mail", problems: [409], summary: "Attempt a queued or failed mail again now (409 when it was sent)", reply: Mail,
    handler: ({ actor, params }) => retryMail(deps, actor, params.id!) });
  t.add({ method: "GET", access: "manage", url: "/audit", operationId: "listAudit", tag: "audit", summary: "The audit log, newest first, by record, action, actor and since when, one page at a time (R20)", query: AuditQuery, reply: AuditPage,
    handler: ({ actor, query }) => listAudit(deps, actor, query) });
}
