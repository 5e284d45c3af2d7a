import { audit } from "../audit/audit.js";
import type { Actor, Deps } from "../deps.js";
import type { WebhookRefusal } from "./video-events.js";

/** The audit log's practice id for rows that concern no practice (webhook deliveries naming no session of ours). */
export const SERVER_AUDIT_SCOPE = "server";

/**
 * A signed delivery that was refused (malformed) or repeated, audited (R20): in the practice of the
 * session it names, or, naming none of ours, under the practice id `server`, which no practice's
 * audit listing shows. Unsigned deliveries never get here: they are counted, not audited.
 */
export async function auditWebhookRefusal(deps: Pick<Deps, "store" | "clock">, r: WebhookRefusal): Promise<void> {
  const rec = r.claimedSessionName ? await deps.store.sessions.bySessionName(r.claimedSessionName) : undefined;
  const actor: Actor = { kind: "anonymous", ip: r.ip, requestId: r.requestId };
  await deps.store.tx((tx) => audit(tx, actor, deps.clock(), rec?.practiceId ?? SERVER_AUDIT_SCOPE,
    r.signed && r.code === "webhook_duplicate" ? "session.video.webhook_repeated" : "session.video.webhook_refused",
    rec ? { type: "appointment", id: rec.appointmentId } : { type: "webhook", id: null },
    { code: r.code, status: r.status, signed: r.signed }));
}
