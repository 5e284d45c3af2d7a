import type { Mail, MailMessage } from "../../../sdk/schemas/index.js";
import { audit, auditRead } from "../audit/audit.js";
import type { Actor, Deps } from "../deps.js";
import { conflict, notFound } from "../errors.js";
import { MANAGERS, requireStaff } from "../shared/permissions.js";
import { mailView } from "../shared/views.js";

/**
 * One outgoing mail with its text (owners and managers, as `tele mail list`); the read is audited
 * (R20). A delivered mail's body is not kept (it may have held a single-use link), so `text` is
 * null for it. A mail still waiting holds its link: shown to whoever may manage the practice's mail.
 */
export async function getMail(deps: Deps, actor: Actor, id: string): Promise<MailMessage> {
  const a = requireStaff(actor, ...MANAGERS);
  const m = await deps.store.mail.byId(a.practiceId, id);
  if (!m) throw notFound("mail", id);
  await auditRead(deps, a, deps.clock(), a.practiceId, "mail.read", { type: "mail", id: m.id });
  return { ...mailView(m), text: m.status === "sent" || m.text === "" ? null : m.text };
}

/**
 * Attempts a queued or failed mail again now (owners and managers): it becomes due at once and the
 * worker is woken; the reply is the mail as it stands (the attempt follows within moments). A sent
 * mail is refused (409 `mail_already_sent`): it went out, and its body is gone.
 */
export async function retryMail(deps: Deps, actor: Actor, id: string): Promise<Mail> {
  const a = requireStaff(actor, ...MANAGERS);
  const now = deps.clock();
  const m = await deps.store.tx(async (r) => {
    const found = await r.mail.byId(a.practiceId, id);
    if (!found) throw notFound("mail", id);
    if (found.status === "sent" || !(await r.mail.retryNow(a.practiceId, id, now))) {
      throw conflict("mail_already_sent", `mail ${id} was already sent${found.sentAt ? ` at ${new Date(found.sentAt).toISOString()}` : ""}; there is nothing to retry`);
    }
    await audit(r, a, now, a.practiceId, "mail.retry", { type: "mail", id }, { status: found.status, attempts: found.attempts });
    return (await r.mail.byId(a.practiceId, id))!;
  });
  deps.mailQueued?.();
  return mailView(m); // never the body: a POST reply is no place for a live link
}
