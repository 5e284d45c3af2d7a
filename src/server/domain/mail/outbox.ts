import type { Mail, Page } from "../../../sdk/schemas/index.js";
import { MailQuery } from "../../../sdk/schemas/index.js";
import type { Repos } from "../../db/repos.js";
import { auditRead } from "../audit/audit.js";
import type { Actor, Deps } from "../deps.js";
import { newId } from "../shared/crypto.js";
import { keyOf, pageFrom, pageSize } from "../shared/paging.js";
import { MANAGERS, requireStaff } from "../shared/permissions.js";
import { mailView } from "../shared/views.js";
import type { Letter } from "./transports.js";

/**
 * Queues an email inside the caller's transaction (R21): it exists exactly when the change that
 * caused it does, and the worker delivers it after commit.
 */
export async function queueMail(r: Repos, now: number, m: { practiceId: string; to: string; subject: string; text: string; letter?: Letter }): Promise<string> {
  const id = newId("mail");
  const letter = m.letter ? JSON.stringify(m.letter) : null;
  await r.mail.insert({ id, practiceId: m.practiceId, to: m.to, subject: m.subject, text: m.text, letter, nextAttemptAt: now, createdAt: now });
  return id;
}

/** One page of outgoing mail and its delivery status, newest first (owners and managers). */
export async function listMail(deps: Deps, actor: Actor, query: unknown): Promise<Page<Mail>> {
  const a = requireStaff(actor, ...MANAGERS);
  const q = MailQuery.parse(query ?? {});
  const filter = { to: q.to?.toLowerCase(), status: q.status };
  const scope = { practiceId: a.practiceId, list: "mail", filter };
  const size = pageSize(q.limit);
  const after = keyOf(scope, q.cursor, "ns") as [number, string] | undefined;
  const page = pageFrom(await deps.store.mail.list(a.practiceId, { ...filter, after, limit: size + 1 }), size, scope, (m) => [m.createdAt, m.id], mailView);
  await auditRead(deps, a, deps.clock(), a.practiceId, "mail.list", { type: "mail", id: null }, { count: page.items.length });
  return page;
}
