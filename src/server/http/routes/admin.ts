import { AuditList, AuditQuery, CreatePracticeInput, InitResult, MailList, MailQuery } from "../../../sdk/schemas/index.js";
import type { Deps } from "../../domain/deps.js";
import { listMail } from "../../domain/mail/outbox.js";
import { checkSetupToken, createPractice } from "../../domain/practice/service.js";
import { MANAGERS, requireStaff } from "../../domain/shared/permissions.js";
import { auditView } from "../../domain/shared/views.js";
import { bearer } from "../auth.js";
import type { RouteTable } from "../route.js";

export function adminRoutes(t: RouteTable, deps: Deps): void {
  t.add({ method: "POST", url: "/practices", tag: "practice", public: true, summary: "Create a practice and its owner (needs the server's setup token)",
    body: CreatePracticeInput, reply: InitResult, status: 201,
    handler: ({ actor, body, req }) => {
      checkSetupToken(deps, bearer(req));
      return createPractice(deps, actor, body);
    } });
  t.add({ method: "GET", url: "/mail", tag: "mail", summary: "Outgoing mail and its delivery status", query: MailQuery, reply: MailList,
    handler: ({ actor, query }) => listMail(deps, actor, query) });
  t.add({ method: "GET", url: "/audit", tag: "audit", summary: "The audit log, newest first (R20)", query: AuditQuery, reply: AuditList,
    handler: async ({ actor, query }) => {
      const a = requireStaff(actor, ...MANAGERS);
      return (await deps.store.audit.list(a.practiceId, AuditQuery.parse(query ?? {}))).map(auditView);
    } });
}
