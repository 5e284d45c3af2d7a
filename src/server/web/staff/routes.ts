import type { FastifyInstance } from "fastify";
import type { Deps } from "../../domain/deps.js";

/** Staff sign-in, the provider dashboard and the appointment and session pages (R14). */
export function staffPages(_app: FastifyInstance, _deps: Deps): void {}
