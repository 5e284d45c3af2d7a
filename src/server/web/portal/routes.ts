import type { FastifyInstance } from "fastify";
import type { Deps } from "../../domain/deps.js";

/** The client portal pages (R10–R12, R15). */
export function portalPages(_app: FastifyInstance, _deps: Deps): void {}
