/**
 * Limits on what a request without credentials can make the server do (issue 8): each public
 * endpoint that does work counts attempts per address and, where there is one, per account, in
 * fixed windows. An account's limit is the tighter one, so one person guessing one account's
 * password does not lock out the rest of an office that shares an address. Refusals are counted
 * in memory and written as one row per practice, day and kind now and then: a flood never writes
 * a row per request.
 *
 * The windows are @fastify/rate-limit's (its `createRateLimit` checks, IPv6 addresses grouped by
 * /64) over a store in the database (rate-limit-store.ts), so every server process on one
 * database counts the same attempts (issue 13). The replies stay ours: a 429 page or problem+json.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { normalizeIP } from "@fastify/rate-limit";
import type { Store } from "../db/repos.js";
import { DomainError } from "../domain/errors.js";
import { hashSecret } from "../domain/shared/crypto.js";
import { databaseStore } from "./rate-limit-store.js";

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

type Check = ReturnType<FastifyInstance["createRateLimit"]>;
type Window = { exceeded: boolean; remaining: number; wait: number };

/** Where a check finds its key: set on the request just before the check runs (checks run one at a time). */
const KEY = Symbol("tele.limitKey");
type Keyed = FastifyRequest & { [KEY]?: string };

export class Limits {
  private readonly checks = new Map<string, Check>();
  private readonly counts = new Map<string, number>();
  /**
   * Addresses `refused` found clear lately, with until when (monotonic ms): an API client sending
   * good tokens does not read the table on every request (it was the largest statement of an
   * audited read after the client's own). A failure here forgets the address at once, so this
   * process's own count stays exact; a refusal counted by another process reaches this one within
   * CLEAR_MS, or at its first failure here, whichever is sooner.
   */
  private readonly clear = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  /** `deps.store` is read at each use (a test may put another store in its place). */
  constructor(readonly settings: LimitSettings, private readonly deps: { store: Store; clock: () => number }, private readonly app: FastifyInstance) {}

  private get store(): Store {
    return this.deps.store;
  }

  private clock(): number {
    return this.deps.clock();
  }

  /** The options to register @fastify/rate-limit with: no global hook (the checks are called where the key is known), the database store. */
  pluginOptions() {
    return { global: false, store: databaseStore(() => this.store.rateLimits, () => this.clock()), keyGenerator: (req: Keyed) => req[KEY]! };
  }

  /**
   * Counts one attempt of `kind` from `req`'s address (and for `account`, when given). Null: go
   * ahead. A number: refused, retry after that many seconds; the refusal is counted for the practice.
   */
  async attempt(kind: LimitKind, req: FastifyRequest, o: { account?: string; practiceId?: string } = {}): Promise<number | null> {
    const address = await this.window(req, addressKey(kind, req.ip), this.settings.addressAttempts, this.settings.windowMs, true);
    const account = o.account === undefined ? undefined
      : await this.window(req, accountKey(kind, `${o.practiceId ?? ""}\n${o.account}`), this.settings.accountAttempts, this.settings.windowMs, true);
    if (!address.exceeded && !account?.exceeded) return null;
    this.count(o.practiceId ?? NO_PRACTICE, `rate_limited.${kind}`);
    return Math.max(address.exceeded ? address.wait : 0, account?.exceeded ? account.wait : 0);
  }

  /**
   * For work that is limited by its failures only (a wrong API token, an unsigned webhook, a dead
   * link): null while the address may still try; else the wait, and the refusal is counted. Call
   * `failed` after each failure.
   */
  async refused(kind: LimitKind, req: FastifyRequest, practiceId = NO_PRACTICE): Promise<number | null> {
    const key = addressKey(kind, req.ip);
    const until = this.clear.get(key);
    if (until !== undefined && until > performance.now()) return null;
    const address = await this.window(req, key, this.settings.addressAttempts, this.settings.windowMs, false);
    if (address.remaining > 0) {
      if (this.clear.size >= CLEAR_MAX) this.clear.clear();
      this.clear.set(key, performance.now() + CLEAR_MS);
      return null;
    }
    this.count(practiceId, `rate_limited.${kind}`);
    return address.wait;
  }

  /** Counts a failure towards `refused`. */
  async failed(kind: LimitKind, req: FastifyRequest): Promise<void> {
    const key = addressKey(kind, req.ip);
    this.clear.delete(key);
    await this.window(req, key, this.settings.addressAttempts, this.settings.windowMs, true);
  }

  /** Like attempt, for the API: throws RateLimited. */
  async require(kind: LimitKind, req: FastifyRequest, o: { account?: string; practiceId?: string } = {}): Promise<void> {
    const wait = await this.attempt(kind, req, o);
    if (wait !== null) throw new RateLimited(wait);
  }

  /** A quiet quota (not a refusal): true while `account` has used fewer than `max` of `name` in `windowMs`. */
  async quota(name: string, req: FastifyRequest, account: string, max: number, windowMs: number): Promise<boolean> {
    return !(await this.window(req, accountKey(name, account), max, windowMs, true)).exceeded;
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

  /** Every `intervalMs` until stop: flushes the refusals and forgets ended windows. */
  start(intervalMs = 60_000): void {
    const tick = async () => {
      await this.flush();
      await this.store.rateLimits.prune(this.clock());
    };
    this.timer = setInterval(() => void tick().catch(() => undefined), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  /** One window of `max` per `windowMs` on `key`, counting this call (`hit`) or only looking. */
  private async window(req: FastifyRequest, key: string, max: number, windowMs: number, hit: boolean): Promise<Window> {
    const name = `${max}/${windowMs}`;
    let check = this.checks.get(name);
    if (!check) this.checks.set(name, (check = this.app.createRateLimit({ max, timeWindow: windowMs })));
    (req as Keyed)[KEY] = key;
    const r = await check(req, { increment: hit });
    if (r.isAllowed) return { exceeded: false, remaining: max, wait: 0 };
    return { exceeded: r.isExceeded, remaining: r.remaining, wait: Math.max(1, r.ttlInSeconds) };
  }
}

/** How long `refused` trusts a clear look at an address, and how many addresses it remembers before starting over. */
const CLEAR_MS = 1000;
const CLEAR_MAX = 10_000;

/** An address's key: IPv6 by its /64 (one host's many addresses are one), IPv4-mapped as IPv4. */
const addressKey = (kind: string, ip: string) => `${kind}\n${normalizeIP(ip)}`;
/** An account's key: hashed, so the table holds no email address. */
const accountKey = (kind: string, account: string) => `${kind}\n#${hashSecret(account)}`;
