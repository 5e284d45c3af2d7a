/**
 * Limits on what a request without credentials can make the server do (issue 8): each public
 * endpoint that does work counts attempts per address and, where there is one, per account, in
 * fixed windows. An account's limit is the tighter one, so one person guessing one account's
 * password does not lock out the rest of an office that shares an address. Refusals are counted
 * in memory and written as one row per practice, day and kind now and then: a flood never writes
 * a row per request.
 */
import type { FastifyReply } from "fastify";
import type { Store } from "../db/repos.js";
import { DomainError } from "../domain/errors.js";
import { RateLimiter } from "../web/security.js";

declare module "fastify" {
  interface FastifyInstance {
    /** The app's one set of limits (buildApp makes it). */
    limits: Limits;
  }
}

/** The settings (TELE_RATE_LIMIT_*). */
export interface LimitSettings {
  /** Attempts per account (an email at a practice, a link) per window; default 10. */
  accountAttempts: number;
  /** Attempts per address per window, for everything of one kind together; default 100. */
  addressAttempts: number;
  windowMs: number;
}

export const DEFAULT_LIMITS: LimitSettings = { accountAttempts: 10, addressAttempts: 100, windowMs: 15 * 60_000 };

/** What is being attempted; each kind has its own windows. */
export type LimitKind =
  | "portal_sign_in" | "portal_password" | "portal_fresh_link" | "staff_sign_in" | "staff_password"
  | "link_page" | "api_token" | "api_portal" | "practice_setup" | "webhook";

/** The practice id of counters that concern no practice. */
export const NO_PRACTICE = "server";

/** A 429 for the API, with its Retry-After (errorHandler sends the header). */
export class RateLimited extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super("rate_limited", 429, `too many attempts from here; try again in ${retryAfterSeconds} seconds`);
  }
}

export class Limits {
  private readonly byAddress = new Map<LimitKind, RateLimiter>();
  private readonly byAccount = new Map<LimitKind, RateLimiter>();
  private readonly counts = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly settings: LimitSettings, private readonly store: Store, private readonly clock: () => number) {}

  /**
   * Counts one attempt of `kind` from `ip` (and for `account`, when given). Null: go ahead.
   * A number: refused, retry after that many seconds; the refusal is counted for the practice.
   */
  attempt(kind: LimitKind, ip: string, o: { account?: string; practiceId?: string } = {}): number | null {
    const address = this.limiter(this.byAddress, kind, this.settings.addressAttempts);
    const okAddress = address.allow(ip);
    const account = o.account === undefined ? undefined : this.limiter(this.byAccount, kind, this.settings.accountAttempts);
    const okAccount = account ? account.allow(`${o.practiceId ?? ""}\n${o.account}`) : true;
    if (okAddress && okAccount) return null;
    this.count(o.practiceId ?? NO_PRACTICE, `rate_limited.${kind}`);
    const waits = [okAddress ? 0 : address.retryAfterSeconds(ip), okAccount ? 0 : account!.retryAfterSeconds(`${o.practiceId ?? ""}\n${o.account}`)];
    return Math.max(...waits);
  }

  /**
   * For work that is limited by its failures only (a wrong API token, an unsigned webhook, a dead
   * link): null while `ip` may still try; else the wait, and the refusal is counted. Call `failed`
   * after each failure.
   */
  refused(kind: LimitKind, ip: string, practiceId = NO_PRACTICE): number | null {
    const address = this.limiter(this.byAddress, kind, this.settings.addressAttempts);
    if (!address.blocked(ip)) return null;
    this.count(practiceId, `rate_limited.${kind}`);
    return address.retryAfterSeconds(ip);
  }

  /** Counts a failure towards `refused`. */
  failed(kind: LimitKind, ip: string): void {
    this.limiter(this.byAddress, kind, this.settings.addressAttempts).allow(ip);
  }

  /** Like attempt, for the API: throws RateLimited. */
  require(kind: LimitKind, ip: string, o: { account?: string; practiceId?: string } = {}): void {
    const wait = this.attempt(kind, ip, o);
    if (wait !== null) throw new RateLimited(wait);
  }

  /** Sets Retry-After for a page's 429 (the limit's wait). */
  static retryAfter(reply: FastifyReply, seconds: number): FastifyReply {
    return reply.header("retry-after", String(seconds));
  }

  /** Counts one refusal that is not worth an audit row each (a rate-limited attempt, an unsigned webhook). */
  count(practiceId: string, kind: string): void {
    const key = `${practiceId}\n${kind}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** Writes the counted refusals (one row per practice, UTC day and kind) and starts counting afresh. */
  async flush(): Promise<void> {
    if (!this.counts.size) return;
    const day = new Date(this.clock()).toISOString().slice(0, 10);
    const rows = [...this.counts].map(([key, n]) => {
      const [practiceId, kind] = key.split("\n") as [string, string];
      return { practiceId, day, kind, count: n };
    });
    this.counts.clear();
    await this.store.tx((r) => r.refusals.add(rows));
  }

  /** Flushes every `intervalMs` until stop. */
  start(intervalMs = 60_000): void {
    this.timer = setInterval(() => void this.flush().catch(() => undefined), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  private limiter(map: Map<LimitKind, RateLimiter>, kind: LimitKind, limit: number): RateLimiter {
    let l = map.get(kind);
    if (!l) map.set(kind, (l = new RateLimiter(limit, this.settings.windowMs, this.clock)));
    return l;
  }
}
