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
