import type { FastifyReply } from "fastify";

/** Strict headers for every page: no inline script, no framing, no referrer (links carry tokens). */
export function pageHeaders(reply: FastifyReply, opts: { https: boolean }): void {
  reply.header(
    "content-security-policy",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
      "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  );
  reply.header("x-content-type-options", "nosniff");
  reply.header("referrer-policy", "no-referrer");
  reply.header("x-frame-options", "DENY");
  reply.header("cross-origin-opener-policy", "same-origin");
  reply.header("permissions-policy", "camera=(), microphone=(), geolocation=()");
  reply.header("cache-control", "no-store");
  if (opts.https) reply.header("strict-transport-security", "max-age=31536000");
}

/**
 * A fixed-window limiter per key (IP + action): sign-in, sign-up and reset attempts. In memory:
 * one server process holds a practice's pages.
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
}
