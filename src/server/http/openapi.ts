import { z } from "zod";
import { Problem } from "../../sdk/schemas/index.js";
import type { RouteSpec } from "./route.js";

const jsonSchema = (s: z.ZodType, io: "input" | "output") =>
  z.toJSONSchema(s, { io, unrepresentable: "any", target: "draft-2020-12" }) as Record<string, unknown>;

/** OpenAPI 3.1 from the same zod schemas that validate requests and shape replies. */
export function openApiDocument(routes: (RouteSpec & { path: string })[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  const problem = { description: "Problem details (RFC 9457)", content: { "application/problem+json": { schema: jsonSchema(Problem, "output") } } };
  for (const r of routes) {
    const path = r.path.replace(/:(\w+)/g, "{$1}");
    const params = [...r.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    if (r.query) {
      const q = jsonSchema(r.query, "input") as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(q.properties ?? {})) {
        params.push({ name, in: "query", required: q.required?.includes(name) ?? false, schema } as never);
      }
    }
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      parameters: params,
      responses: {
        [String(r.status ?? 200)]: { description: "OK", content: r.reply ? { "application/json": { schema: jsonSchema(r.reply, "output") } } : undefined },
        "4XX": problem,
        "5XX": problem,
      },
    };
    if (r.public) op.security = [];
    if (r.body) op.requestBody = { required: true, content: { "application/json": { schema: jsonSchema(r.body, "input") } } };
    if (r.csv) op.requestBody = { required: true, content: { "text/csv": { schema: { type: "string" } } } };
    (paths[path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: "3.1.0",
    info: { title: "tele API", version, description: "Telehealth for therapy practices. Errors are application/problem+json with a stable `code`." },
    servers: [{ url: "/" }],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    security: [{ bearer: [] }],
    paths,
  };
}
