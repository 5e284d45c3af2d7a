import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Deps } from "../domain/deps.js";
import { DomainError } from "../domain/errors.js";
import { assetFile } from "./assets.js";
import { html, notice, page } from "./html.js";
import { pageHeaders } from "./security.js";

/** Sends a full HTML page with the strict page headers. */
export function sendPage(reply: FastifyReply, deps: Deps, status: number, body: string): FastifyReply {
  pageHeaders(reply, { https: deps.config.publicUrl.startsWith("https:") });
  return reply.code(status).type("text/html; charset=utf-8").send(body);
}

/** A plain page for a failure: the right 4xx, a clear sentence, never a stack trace. */
export function errorPage(reply: FastifyReply, deps: Deps, status: number, title: string, text: string): FastifyReply {
  return sendPage(reply, deps, status, page({ title, body: html`<h1>${title}</h1>${notice("error", text)}` }));
}

type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** Wraps a page handler so domain errors become pages (not problem+json) and surprises a logged 500 page. */
export function pageHandler(deps: Deps, fn: Handler): Handler {
  return async (req, reply) => {
    try {
      return await fn(req, reply);
    } catch (err) {
      if (err instanceof DomainError) {
        const title = err.status === 404 ? "Not found" : err.status === 403 ? "Not allowed" : "Something is not right";
        return errorPage(reply, deps, err.status, title, err.message);
      }
      req.log.error({ err: { type: (err as Error).name, message: (err as Error).message, stack: (err as Error).stack } }, "page failed");
      return errorPage(reply, deps, 500, "Something went wrong", "Please try again in a moment. If it keeps happening, contact your practice.");
    }
  };
}

/**
 * A route-level error handler for the pages: bodies that are too large or malformed get a plain
 * 4xx page instead of the API's problem+json; anything else is a logged 500 page.
 */
export function pageErrors(deps: Deps) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const status = err.statusCode ?? 500;
    if (status === 413) return errorPage(reply, deps, 413, "Too much text", "The form sent more text than it may. Go back and shorten it.");
    if (status >= 400 && status < 500) return errorPage(reply, deps, 400, "Something is not right", "The form could not be read. Go back and try again.");
    req.log.error({ err: { type: err.name, message: err.message, stack: err.stack } }, "page failed");
    return errorPage(reply, deps, 500, "Something went wrong", "Please try again in a moment. If it keeps happening, contact your practice.");
  };
}

/** Form bodies (application/x-www-form-urlencoded, decoded by form-body.ts) as a flat record of strings. */
export function formOf(req: FastifyRequest): Record<string, string> {
  return (req.body && typeof req.body === "object" ? req.body : {}) as Record<string, string>;
}

/** The browser side: assets and the page modules (form bodies: form-body.ts, registered with the plugins). */
export function registerWeb(app: FastifyInstance, deps: Deps, modules: ((app: FastifyInstance, deps: Deps) => void)[]): void {
  app.get("/assets/:name", async (req, reply) => {
    const asset = assetFile((req.params as { name: string }).name);
    if (!asset) return errorPage(reply, deps, 404, "Not found", "There is no such file.");
    // Content-hashed names: a new build is a new URL, so a copy may be kept for a year.
    return reply.type(asset.type).header("cache-control", "public, max-age=31536000, immutable").header("x-content-type-options", "nosniff").send(asset.body);
  });
  for (const m of modules) m(app, deps);
}
