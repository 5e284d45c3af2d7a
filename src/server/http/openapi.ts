import { z } from "zod";
import * as sdkSchemas from "../../sdk/schemas/index.js";
import type { RouteSpec } from "./route.js";

type Route = RouteSpec & { path: string };
type Json = Record<string, unknown>;
type Registry = z.core.$ZodRegistry<{ id: string }>;

const OPTS = { unrepresentable: "any", target: "draft-2020-12" } as const;
const schemaRef = (id: string) => `#/components/schemas/${id}`;
const ref = (kind: string, id: string) => ({ $ref: `#/components/${kind}/${id}` });

/** Each error status by its name in `components.responses`. */
const PROBLEMS: Record<number, string> = {
  400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 409: "Conflict", 413: "ContentTooLarge",
  415: "UnsupportedMediaType", 422: "UnprocessableContent", 429: "TooManyRequests", 500: "InternalServerError",
};

/**
 * The SDK's exported object, array and enum schemas, named as the SDK exports them: `…Input` bodies
 * are converted as input (defaults optional), everything else as replies. Query schemas become parameters.
 */
function registries(): { output: Registry; input: Registry } {
  const output = z.registry<{ id: string }>();
  const input = z.registry<{ id: string }>();
  for (const [name, s] of Object.entries(sdkSchemas)) {
    if (!(s instanceof z.ZodType) || !["object", "array", "enum"].includes(s.def.type) || name.endsWith("Query")) continue;
    (name.endsWith("Input") ? input : output).add(s, { id: name });
  }
  return { output, input };
}

function components(reg: Registry, io: "input" | "output"): Record<string, Json> {
  const { schemas } = z.toJSONSchema(reg, { ...OPTS, io, uri: schemaRef }) as { schemas: Record<string, Json> };
  if (schemas.__shared) throw new Error("a schema shared by components has no name: export it from src/sdk/schemas");
  for (const s of Object.values(schemas)) {
    delete s.$id;
    delete s.$schema;
  }
  return schemas;
}

function inline(s: z.ZodType, io: "input" | "output"): Json {
  const { $schema: _, ...rest } = z.toJSONSchema(s, { ...OPTS, io }) as Json;
  return rest;
}

const pathParams = (path: string) => [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
const hasBody = (r: Route) => r.method !== "GET";
/** A staff POST honours `Idempotency-Key` (route.ts). */
const idempotent = (r: Route) => r.method === "POST" && !r.public;

/** The error statuses an operation can answer: those its shape implies, and those its rules add. */
export function problemStatuses(r: Route): number[] {
  const s = new Set<number>([500, ...(r.problems ?? [])]);
  const params = pathParams(r.path).length > 0;
  if (hasBody(r) || r.query || params) s.add(400); // a body that is not JSON or fails its schema, a bad query, a malformed path
  if (!r.public) s.add(401).add(403);
  if (params) s.add(404);
  if (hasBody(r)) s.add(413).add(415);
  if (idempotent(r)) s.add(409).add(422); // an Idempotency-Key still in flight, or reused for a different request
  if (r.public && hasBody(r)) s.add(429); // public endpoints that do work are rate-limited
  return [...s].sort((a, b) => a - b);
}

function operation(r: Route, reg: { output: Registry; input: Registry }): Json {
  const schemaOf = (s: z.ZodType, io: "input" | "output") => {
    const id = (io === "input" ? reg.input : reg.output).get(s)?.id;
    return id ? { $ref: schemaRef(id) } : inline(s, io);
  };
  const parameters: Json[] = pathParams(r.path).map((name) => ({ name, in: "path", required: true, schema: { type: "string" } }));
  if (r.query) {
    const q = inline(r.query, "input") as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, schema] of Object.entries(q.properties ?? {})) parameters.push({ name, in: "query", required: q.required?.includes(name) ?? false, schema });
  }
  if (idempotent(r)) parameters.push(ref("parameters", "IdempotencyKey"));
  const status = r.status ?? 200;
  const success: Json = {
    description: status === 201 ? "Created" : "OK",
    headers: { "X-Request-Id": ref("headers", "RequestId"), ...(idempotent(r) ? { "Idempotent-Replayed": ref("headers", "IdempotentReplayed") } : {}) },
  };
  if (r.reply) success.content = { "application/json": { schema: schemaOf(r.reply, "output") } };
  const responses: Json = { [String(status)]: success };
  for (const code of problemStatuses(r)) responses[String(code)] = ref("responses", PROBLEMS[code] ?? "InternalServerError");
  const op: Json = { operationId: r.operationId, summary: r.summary, tags: [r.tag], parameters, responses };
  if (r.public) op.security = [];
  if (r.body) op.requestBody = { required: true, content: { "application/json": { schema: schemaOf(r.body, "input") } } };
  if (r.csv) op.requestBody = { required: true, content: { "text/csv": { schema: { type: "string" } } } };
  return op;
}

/** The two endpoints outside the route table (app.ts): both public, neither can fail but with a 500. */
function serverOperations(apiPrefix: string): Record<string, Json> {
  const plain = (operationId: string, summary: string, schema: Json) => ({
    get: {
      operationId, summary, tags: ["server"], security: [],
      responses: {
        200: { description: "OK", headers: { "X-Request-Id": ref("headers", "RequestId") }, content: { "application/json": { schema } } },
        500: ref("responses", "InternalServerError"),
      },
    },
  });
  return {
    "/healthz": plain("getHealth", "Whether the server is up (for load balancers and monitors)",
      { type: "object", properties: { ok: { type: "boolean", const: true } }, required: ["ok"], additionalProperties: false }),
    [`${apiPrefix}/openapi.json`]: plain("getOpenApiDocument", "This document", { type: "object" }),
  };
}

const PROBLEM_HEADERS = { "X-Request-Id": ref("headers", "RequestId") };

/** OpenAPI 3.1 from the same zod schemas that validate requests and shape replies. */
export function openApiDocument(routes: Route[], version: string, apiPrefix = "/api/v1") {
  const reg = registries();
  const paths: Record<string, Json> = serverOperations(apiPrefix);
  for (const r of routes) (paths[r.path.replace(/:(\w+)/g, "{$1}")] ??= {})[r.method.toLowerCase()] = operation(r, reg);
  const responses = Object.fromEntries(Object.entries(PROBLEMS).map(([code, name]) => [name, {
    description: `${code} ${name.replace(/(?<=.)([A-Z])/g, " $1")}: problem details (RFC 9457) with a stable \`code\``,
    headers: code === "429" ? { ...PROBLEM_HEADERS, "Retry-After": ref("headers", "RetryAfter") } : PROBLEM_HEADERS,
    content: { "application/problem+json": { schema: { $ref: schemaRef("Problem") } } },
  }]));
  return {
    openapi: "3.1.0",
    info: { title: "tele API", version, description: "Telehealth for therapy practices. Errors are application/problem+json with a stable `code`." },
    servers: [{ url: "/" }],
    tags: [...new Set(["server", ...routes.map((r) => r.tag)])].map((name) => ({ name })),
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas: { ...components(reg.output, "output"), ...components(reg.input, "input") },
      responses,
      parameters: {
        IdempotencyKey: {
          name: "Idempotency-Key", in: "header", required: false, schema: { type: "string", minLength: 1, maxLength: 200 },
          description: "Repeating a request with the same key returns the first reply instead of making a second change; a key reused for a different request is 422",
        },
      },
      headers: {
        RequestId: { description: "The request's id, as in problem details' `requestId` and the server log", schema: { type: "string" } },
        IdempotentReplayed: { description: "`true` when this is the stored reply to an earlier request with the same Idempotency-Key", schema: { type: "string", enum: ["true"] } },
        RetryAfter: { description: "Seconds to wait before trying again", schema: { type: "integer", minimum: 0 } },
      },
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "An API token from `tele init` or `tele staff token`" } },
    },
  };
}
