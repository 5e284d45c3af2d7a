import type { FastifyReply } from "fastify";

/** The strict page headers: no inline script, no framing, no referrer (links carry tokens). */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=()",
  "cache-control": "no-store",
};
const HSTS = "max-age=31536000";

/** Strict headers for every page: no inline script, no framing, no referrer (links carry tokens). */
export function pageHeaders(reply: FastifyReply, opts: { https: boolean }): void {
  for (const [name, value] of Object.entries(PAGE_HEADERS)) reply.header(name, value);
  if (opts.https) reply.header("strict-transport-security", HSTS);
}

/**
 * The page headers on a response that has not set its own (redirects, errors, API replies, the
 * webhook): every response carries them, and a page's own choices (the Zoom page's policy, an
 * asset's caching) are kept.
 */
export function missingPageHeaders(reply: FastifyReply, opts: { https: boolean }): void {
  for (const [name, value] of Object.entries(PAGE_HEADERS)) if (!reply.hasHeader(name)) reply.header(name, value);
  if (opts.https && !reply.hasHeader("strict-transport-security")) reply.header("strict-transport-security", HSTS);
}

/**
 * A fixed-window limiter per key (an address or an account, with the action): see http/limits.ts.
 * In memory: one server process holds a practice's pages.
 */
export class RateLimiter {
  private readonly hits = new Map<string, { count: number; resetAt: number }>();
  private sweptAt = 0;
  constructor(private readonly limit: number, private readonly windowMs: number, private readonly clock: () => number = Date.now) {}

  /** True when this attempt is allowed; false once the key has used up its window. */
  allow(key: string): boolean {
    const now = this.clock();
    // Forget expired keys at most once a window: during a flood, a sweep per attempt would be the slow part.
    if (this.hits.size > 10_000 && now - this.sweptAt >= this.windowMs) {
      this.sweptAt = now;
      for (const [k, v] of this.hits) if (v.resetAt <= now) this.hits.delete(k);
    }
    const h = this.hits.get(key);
    if (!h || h.resetAt <= now) {
      this.hits.set(key, { count: 1, resetAt: now + this.windowMs });
      return true;
    }
    h.count++;
    return h.count <= this.limit;
  }

  /** True while the key has used up its window (looking does not count as an attempt). */
  blocked(key: string): boolean {
    const h = this.hits.get(key);
    return !!h && h.resetAt > this.clock() && h.count >= this.limit;
  }

  /** Whole seconds until the key's window ends (at least 1): a refused caller's Retry-After. */
  retryAfterSeconds(key: string): number {
    const h = this.hits.get(key);
    return Math.max(1, Math.ceil(((h?.resetAt ?? this.clock() + this.windowMs) - this.clock()) / 1000));
  }
}
