/**
 * The Fastify ecosystem's plugins the app uses (issue 13), in one place, registered before any
 * route so every scope inherits them:
 * - @fastify/rate-limit: the windows behind Limits, over the database store (shared by processes);
 *   no global hook, since each check needs a key known only inside its handler (an email, a link).
 * - @fastify/cookie: its RFC 6265 parser and serializer (web/session.ts), without its per-request
 *   hooks: an API request, which has no cookies, pays nothing for them.
 * - @fastify/formbody: the form parser, with a strict decoder of ours (web/form-body.ts).
 * Security headers (web/security.ts) and the built assets (web/assets.ts) stay ours until
 * @fastify/helmet and @fastify/static are measured against them (README, design section).
 */
import fastifyCookie from "@fastify/cookie";
import fastifyFormbody from "@fastify/formbody";
import fastifyRateLimit from "@fastify/rate-limit";
import type { FastifyInstance } from "fastify";
import { FORM_BODY_OPTIONS } from "../web/form-body.js";
import type { Limits } from "./limits.js";

export function registerPlugins(app: FastifyInstance, limits: Limits): void {
  app.register(fastifyRateLimit, limits.pluginOptions());
  app.register(fastifyCookie, { hook: false });
  app.register(fastifyFormbody, FORM_BODY_OPTIONS);
}
