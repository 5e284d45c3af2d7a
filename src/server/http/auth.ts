import type { FastifyRequest } from "fastify";
import type { Actor, Deps } from "../domain/deps.js";
import { DomainError } from "../domain/errors.js";
import { authenticateToken } from "../domain/staff/service.js";
import { RateLimited } from "./limits.js";

/** What an API token can look like (newSecret("tele_") makes them): anything else is not looked up. */
const API_TOKEN = /^[A-Za-z0-9_-]{16,200}$/;

declare module "fastify" {
  interface FastifyRequest {
    actor: Actor;
  }
}

export const bearer = (req: FastifyRequest): string | undefined => {
  const h = req.headers.authorization;
  const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
  return m?.[1];
};

/** Who is asking, from the Bearer token alone: the server decides, never the caller (R1). */
export async function resolveActor(deps: Deps, req: FastifyRequest, publicRoute: boolean): Promise<Actor> {
  const anonymous: Actor = { kind: "anonymous", ip: req.ip, requestId: req.id };
  if (publicRoute) return anonymous;
  const token = bearer(req);
  if (!token) throw new DomainError("unauthenticated", 401, "sign in first: send an API token as 'Authorization: Bearer <token>'");
  // An address that keeps sending wrong tokens is refused before any lookup.
  const limits = req.server.limits;
  const wait = await limits.refused("api_token", req);
  if (wait !== null) throw new RateLimited(wait);
  const staff = API_TOKEN.test(token) ? await authenticateToken(deps, token) : undefined;
  if (!staff) {
    await limits.failed("api_token", req);
    throw new DomainError("unauthenticated", 401, "the API token is wrong or has been revoked");
  }
  return { kind: "staff", practiceId: staff.practiceId, staff, ip: req.ip, requestId: req.id };
}
