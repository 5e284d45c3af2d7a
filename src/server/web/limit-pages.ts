/**
 * The pages' side of the limits (http/limits.ts): a 429 page with its Retry-After, whether for too
 * many attempts at a form or too many dead links tried from one address.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Deps } from "../domain/deps.js";
import type { LimitKind } from "../http/limits.js";
import { errorPage } from "./index.js";

function tooMany(deps: Deps, reply: FastifyReply, wait: number): void {
  reply.header("retry-after", String(wait));
  errorPage(reply, deps, 429, "Too many attempts", `Please wait ${waitText(wait)}, then try again.`);
}

/**
 * Counts an attempt of `kind` from this address (and for `account`: an email, a link); false, with
 * a 429 page and its Retry-After sent, once either has used up its window.
 */
export async function withinLimit(
  deps: Deps, req: FastifyRequest, reply: FastifyReply, kind: LimitKind, o: { account?: string; practiceId?: string } = {},
): Promise<boolean> {
  const wait = await req.server.limits.attempt(kind, req, o);
  if (wait === null) return true;
  tooMany(deps, reply, wait);
  return false;
}

/** A wait as the pages say it: "15 minutes", "1 minute", "30 seconds". */
export function waitText(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? "1 second" : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}

/**
 * Before looking up a link's token: false, with a 429 page sent, when this address has tried too
 * many links that did not work. Call linkFailed after each one that does not.
 */
export async function linkPageAllowed(deps: Deps, req: FastifyRequest, reply: FastifyReply, practiceId?: string): Promise<boolean> {
  const wait = await req.server.limits.refused("link_page", req, practiceId);
  if (wait === null) return true;
  tooMany(deps, reply, wait);
  return false;
}

/** Counts a link that did not work (unknown, used, expired) towards linkPageAllowed. */
export const linkFailed = (req: FastifyRequest): Promise<void> => req.server.limits.failed("link_page", req);
