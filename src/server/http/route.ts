import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import type { Actor, Deps } from "../domain/deps.js";
import { DomainError } from "../domain/errors.js";
import { ACCESS, requireStaff, type RouteAccess } from "../domain/shared/permissions.js";
import { resolveActor } from "./auth.js";
import { CsvUpload } from "./csv-upload.js";
import { checkMediaType } from "./media.js";
import type { LimitKind } from "./limits.js";

/** One endpoint: its schemas (for validation and for OpenAPI) and a thin handler that calls a service. */
export interface RouteSpec {
  method: "GET" | "POST" | "PATCH" | "PUT";
  url: string;
  /** The operation's stable camelCase name in the OpenAPI document, what a generated client calls it. */
  operationId: string;
  summary: string;
  tag: string;
  /** Who may call it (permissions.ts ACCESS): required, so no endpoint goes unchecked; "public" needs `public: true`. */
  access: RouteAccess;
  public?: boolean;
  body?: z.ZodType;
  query?: z.ZodType;
  reply?: z.ZodType;
  status?: number;
  /**
   * The reply holds a secret shown once or a live link (an API token, a sign-in link): it is never
   * stored for Idempotency-Key replays; a repeated key gets 409 instead of a second secret. A test
   * holds every route whose reply schema has a `token` or `url` field to this.
   */
  secretReply?: boolean;
  /**
   * A public route that does work: each request counts against this kind's limit per address (and
   * per `account`, e.g. the link's token), refused with 429 and Retry-After beyond it.
   */
  limit?: { kind: LimitKind; account?: (body: unknown) => string | undefined };
  /** The body is CSV text, not JSON. */
  csv?: boolean;
  bodyLimit?: number;
  /**
   * Error statuses its rules can answer beyond those its shape implies (openapi.ts derives 400 to 500
   * from public, body, query and path parameters), e.g. 404 for an id named in the body.
   */
  problems?: number[];
  handler: (ctx: { actor: Actor; params: Record<string, string>; body: unknown; query: unknown; req: FastifyRequest; reply: FastifyReply }) => Promise<unknown>;
}

/** Registers routes under a prefix and remembers them for the OpenAPI document. */
export class RouteTable {
  readonly specs: (RouteSpec & { path: string })[] = [];
  constructor(private readonly app: FastifyInstance, private readonly deps: Deps, private readonly prefix: string) {}

  add(spec: RouteSpec): void {
    const path = this.prefix + spec.url;
    if ((spec.access === "public") !== !!spec.public) throw new Error(`${spec.method} ${path}: access "public" and public: true go together`);
    this.specs.push({ ...spec, path });
    this.app.route({
      method: spec.method,
      url: path,
      bodyLimit: spec.bodyLimit,
      config: { access: spec.access },
      handler: async (req, reply) => {
        if (spec.limit) await req.server.limits.require(spec.limit.kind, req, { account: spec.limit.account?.(req.body) });
        const actor = await resolveActor(this.deps, req, !!spec.public);
        if (spec.access !== "public") requireStaff(actor, ...ACCESS[spec.access]);
        checkMediaType(spec, req);
        const run = async () => {
          const out = await spec.handler({ actor, params: req.params as Record<string, string>, body: req.body, query: req.query, req, reply });
          return { status: spec.status ?? 200, out };
        };
        const key = req.headers["idempotency-key"];
        const { status, out } = spec.method === "POST" && typeof key === "string" && actor.kind === "staff"
          ? await this.idempotent(actor, key, req, reply, run, !!spec.secretReply)
          : await run();
        if (reply.sent) return reply;
        return reply.code(status).send(out);
      },
    });
  }

  /** Honours `Idempotency-Key`: a repeat of the same request gets the first reply, not a second change. */
  private async idempotent(
    actor: Extract<Actor, { kind: "staff" }>, key: string, req: FastifyRequest, reply: FastifyReply,
    run: () => Promise<{ status: number; out: unknown }>, secretReply: boolean,
  ) {
    if (key.length > 200) throw new DomainError("invalid_request", 400, "Idempotency-Key is longer than 200 characters");
    const hashing = createHash("sha256").update(`${req.method} ${req.url}\n`);
    // A CSV upload streams (issue 14): its bytes are hashed as they are read, so the hash is known once the body is.
    const upload = req.body instanceof CsvUpload ? req.body : undefined;
    if (upload) upload.tap(hashing);
    else hashing.update(typeof req.body === "string" ? req.body : JSON.stringify(req.body ?? null));
    let digest: string | undefined;
    const hashOf = () => (digest ??= hashing.digest("hex"));
    const stored = await this.deps.store.idempotency.get(actor.practiceId, actor.staff.id, key);
    if (stored) return this.replay(stored, hashOf, upload, reply, secretReply);
    // In flight in any server process on the database (issue 13): the claim is one statement of its own.
    const claim = { practiceId: actor.practiceId, staffId: actor.staff.id, key, processId: this.deps.processId ?? "local", now: this.deps.clock() };
    if (!(await this.deps.store.idempotencyClaims.claim(claim))) {
      throw new DomainError("idempotency_key_in_use", 409, "a request with this Idempotency-Key is still being processed");
    }
    try {
      // Another process may have finished it between the look above and the claim.
      const done = await this.deps.store.idempotency.get(actor.practiceId, actor.staff.id, key);
      if (done) return await this.replay(done, hashOf, upload, reply, secretReply);
      const result = await run();
      const body = JSON.stringify(result.out);
      // A secret is kept only as a hash (in its own table): the replay store records that the key was used, not the reply.
      const kept = secretReply ? "null" : body;
      await upload?.drain();
      await this.deps.store.tx((r) => r.idempotency.put({ practiceId: actor.practiceId, staffId: actor.staff.id, key, requestHash: hashOf(), statusCode: result.status, body: kept, createdAt: this.deps.clock() }));
      reply.type("application/json");
      return { status: result.status, out: body };
    } finally {
      await this.deps.store.idempotencyClaims.release(actor.practiceId, actor.staff.id, key);
    }
  }

  /** The stored reply to a key's first request (or a refusal: a different request, or a secret shown once). */
  private async replay(
    stored: { requestHash: string; statusCode: number; body: string }, hashOf: () => string, upload: CsvUpload | undefined,
    reply: FastifyReply, secretReply: boolean,
  ): Promise<{ status: number; out: unknown }> {
    await upload?.drain();
    if (stored.requestHash !== hashOf()) throw new DomainError("idempotency_key_reused", 422, "this Idempotency-Key was used for a different request");
    if (secretReply) {
      throw new DomainError("idempotency_key_in_use", 409,
        "this request already ran with this Idempotency-Key; its reply held a secret that is shown only once, so it cannot be replayed: send it again with a new key");
    }
    reply.header("idempotent-replayed", "true").type("application/json");
    return { status: stored.statusCode, out: stored.body };
  }
}
