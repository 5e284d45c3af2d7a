import type { Store } from "../../db/repos.js";
import type { MailRow } from "../../db/types.js";

/** Where mail goes: SMTP, or `.eml` files in the data dir when no SMTP server is configured. */
export interface MailTransport {
  deliver(m: MailRow): Promise<void>;
  close?(): void;
  /** Deletes delivered copies kept on this server whose links no longer work; returns how many. */
  prune?(isLive: (tokenHash: string) => Promise<boolean>): Promise<number>;
}

export interface MailWorkerOptions {
  store: Store;
  transport: MailTransport;
  clock?: () => number;
  /** First retry delay; doubles with each failed attempt up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  pollMs?: number;
  /** How often delivered copies kept on this server are pruned of dead links (default 60 s). */
  pruneMs?: number;
  log?: (msg: string, fields: Record<string, unknown>) => void;
}

/** How long a mail taken for delivery is left to the worker that took it; after a crash mid-send, it is retried then. */
const CLAIM_MS = 5 * 60_000;

/** The delay before attempt `attempts + 1`, with ±20% jitter so retries of many messages spread out. */
export function retryDelay(attempts: number, base: number, max: number): number {
  const d = Math.min(max, base * 2 ** Math.max(0, attempts - 1));
  return Math.round(d * (0.8 + Math.random() * 0.4));
}

/**
 * Delivers queued mail (R21): each message is marked sent only after the transport accepted it; a
 * failure keeps it, marked failed, for a later attempt with backoff. Survives SMTP outages.
 */
export class MailWorker {
  private timer: NodeJS.Timeout | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly o: Required<Omit<MailWorkerOptions, "log">> & Pick<MailWorkerOptions, "log">;

  constructor(opts: MailWorkerOptions) {
    this.o = { clock: Date.now, baseDelayMs: 5_000, maxDelayMs: 15 * 60_000, pollMs: 1_000, pruneMs: 60_000, ...opts };
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.nudge(), this.o.pollMs);
    this.timer.unref();
    if (this.o.transport.prune) {
      this.pruneTimer = setInterval(() => void this.prune().catch((err) => this.o.log?.("mail prune failed", { err: (err as Error).message })), this.o.pruneMs);
      this.pruneTimer.unref();
    }
    this.nudge();
  }

  /** Deletes the transport's kept copies (`.eml` files) whose links no longer work; returns how many. */
  prune(): Promise<number> {
    const now = this.o.clock();
    return this.o.transport.prune?.(async (hash) => {
      const link = await this.o.store.links.byTokenHash(hash);
      return !!link && link.usedAt === null && link.revokedAt === null && link.expiresAt > now;
    }) ?? Promise.resolve(0);
  }

  /** Runs a delivery pass now (or right after the current one). */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((err) => this.o.log?.("mail pass failed", { err: (err as Error).message }))
      .finally(() => {
        this.running = undefined;
        if (this.again) (this.again = false), this.nudge();
      });
  }

  /** Delivers everything due; returns when done. Exposed for tests and for a clean stop. */
  async pass(): Promise<void> {
    let sent = 0;
    try {
      await this.deliverDue(() => sent++);
    } finally {
      // Sent bodies were blanked (they hold live links): leave no old copy of them in the journal.
      if (sent) await this.o.store.scrub?.();
    }
  }

  private async deliverDue(onSent: () => void): Promise<void> {
    while (!this.stopped) {
      // Taken for this attempt first: another server on the same database skips it (no mail goes twice).
      const now = this.o.clock();
      const m = await this.o.store.tx((r) => r.mail.claimNext(now, now + CLAIM_MS));
      if (!m) return;
      try {
        await this.o.transport.deliver(m);
        await this.o.store.tx((r) => r.mail.markSent(m.id, this.o.clock()));
        onSent();
      } catch (err) {
        const next = this.o.clock() + retryDelay(m.attempts + 1, this.o.baseDelayMs, this.o.maxDelayMs);
        const reason = describe(err);
        await this.o.store.tx((r) => r.mail.markFailed(m.id, reason, next));
        this.o.log?.("mail delivery failed; will retry", { mailId: m.id, attempt: m.attempts + 1, reason });
      }
    }
  }

  /** Stops polling and waits for a delivery pass in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await this.running;
    this.o.transport.close?.();
  }
}

/** A delivery error without addresses: SMTP replies can quote the recipient. */
function describe(err: unknown): string {
  const e = err as { code?: string; responseCode?: number; message?: string };
  const text = (e.message ?? String(err)).replace(/[^\s<>@]+@[^\s<>@]+/g, "[address]");
  return [e.code, e.responseCode, text].filter(Boolean).join(" ").slice(0, 300);
}
