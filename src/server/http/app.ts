import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import type { Deps } from "../domain/deps.js";
import { newId } from "../domain/shared/crypto.js";
import { missingPageHeaders } from "../web/security.js";
import { errorHandler, sendProblem } from "./errors.js";
import { registerBodyParsers } from "./media.js";
import { DEFAULT_LIMITS, Limits, type LimitSettings } from "./limits.js";
import { openApiDocument } from "./openapi.js";
import { registerPlugins } from "./plugins.js";
import { RouteTable } from "./route.js";
import { adminRoutes } from "./routes/admin.js";
import { appointmentRoutes } from "./routes/appointments.js";
import { clientRoutes } from "./routes/clients.js";
import { consentRoutes } from "./routes/consent.js";
import { practiceRoutes } from "./routes/practice.js";
import { staffRoutes } from "./routes/staff.js";
import { homePages } from "../web/home.js";
import { consentPages } from "../web/consent/routes.js";
import { registerWeb } from "../web/index.js";
import { portalPages } from "../web/portal/routes.js";
import { sessionEventRoutes } from "../web/session/events.js";
import { joinLinkPages } from "../web/session/join.js";
import { sessionVideoRoutes } from "../web/session/video.js";
import { sessionSignalRoutes } from "../web/session/signal.js";
import { staffPages } from "../web/staff/routes.js";

export const API_PREFIX = "/api/v1";

/**
 * A URL as the log may show it: no query string, and no path segment that could be an email
 * address or a secret (refs may be client emails; links carry tokens).
 */
export function redactUrl(url: string): string {
  const path = url.split("?")[0]!;
  return path
    .split("/")
    .map((seg) => (seg.includes("@") || seg.includes("%40") ? "[email]" : seg.length >= 32 ? "[secret]" : seg))
    .join("/");
}

export interface AppOptions {
  logger?: FastifyServerOptions["logger"];
  version?: string;
  /** Told of every route as it is registered, with the access an API route declares (the access matrix test lists them). */
  onRoute?: (route: { method: string; url: string; access?: string }) => void;
  /** Limits on unauthenticated work; DEFAULT_LIMITS when not given. */
  limits?: LimitSettings;
}

/** The HTTP app over the given services; it never listens (main.ts does). */
export function buildApp(deps: Deps, opts: AppOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 1024 * 1024,
    genReqId: () => newId("req"),
    requestIdHeader: false,
    trustProxy: false,
    // Bad URLs never reach the routes; answer them in the same vocabulary, without echoing the URL.
    // (The onSend hooks do not run for these, so the headers are set here.)
    frameworkErrors: (_err, req, reply) => {
      missingPageHeaders(reply.header("x-request-id", req.id), { https: deps.config.publicUrl.startsWith("https:") });
      return sendProblem(reply, req, 400, "invalid_request", "the URL is malformed or too long");
    },
  });
  if (opts.onRoute) {
    const tell = opts.onRoute;
    app.addHook("onRoute", (r) => {
      for (const method of [r.method].flat()) tell({ method, url: r.url, access: (r.config as { access?: string } | undefined)?.access });
    });
  }
  registerBodyParsers(app);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) => sendProblem(reply, req, 404, "not_found", `no such endpoint: ${req.method} ${redactUrl(req.url)}`));
  const limits = new Limits(opts.limits ?? DEFAULT_LIMITS, deps, app);
  app.decorate("limits", limits);
  registerPlugins(app, limits);
  app.addHook("onClose", () => limits.stop().catch(() => undefined));
  app.addHook("onSend", async (req, reply, payload) => {
    reply.header("x-request-id", req.id);
    // Every response, redirects and errors included, carries the page headers (a page's own are kept).
    missingPageHeaders(reply, { https: deps.config.publicUrl.startsWith("https:") });
    if (reply.statusCode === 429 && !reply.hasHeader("retry-after")) reply.header("retry-after", String(Math.ceil(limits.settings.windowMs / 1000)));
    return payload;
  });

  app.get("/healthz", async () => ({ ok: true }));
  const table = new RouteTable(app, deps, API_PREFIX);
  practiceRoutes(table, deps);
  consentRoutes(table, deps);
  staffRoutes(table, deps);
  clientRoutes(table, deps);
  appointmentRoutes(table, deps);
  adminRoutes(table, deps);
  registerWeb(app, deps, [homePages, portalPages, consentPages, staffPages, sessionEventRoutes, sessionVideoRoutes, sessionSignalRoutes, joinLinkPages]);
  let doc: unknown;
  app.get(`${API_PREFIX}/openapi.json`, async () => (doc ??= openApiDocument(table.specs, opts.version ?? "0.0.0", API_PREFIX)));
  return app;
}

/** Pino serializers that keep PHI and secrets out of request logs. */
export const logSerializers = {
  req: (req: { method: string; url: string; id: string }) => ({ method: req.method, url: redactUrl(req.url), id: req.id }),
  res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
};
