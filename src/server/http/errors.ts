import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { ZodError } from "zod";
import { DomainError } from "../domain/errors.js";

const TITLES: Record<number, string> = {
  400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 409: "Conflict",
  413: "Content Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Content", 429: "Too Many Requests",
  500: "Internal Server Error", 503: "Service Unavailable",
};

/** Sends an RFC 9457 problem document with a stable `code`. */
export function sendProblem(reply: FastifyReply, req: FastifyRequest, status: number, code: string, detail: string, details?: unknown) {
  const body: Record<string, unknown> = { type: "about:blank", title: TITLES[status] ?? "Error", status, code, detail, requestId: req.id };
  if (details !== undefined) body.details = details;
  return reply.code(status).type("application/problem+json").send(body);
}

/** Zod issues as `{path, message}`: the offending values are left out (they may be PHI). */
export function zodDetails(err: ZodError) {
  return err.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
}

function zodSummary(err: ZodError): string {
  return err.issues.slice(0, 5).map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}

/** The one error handler: domain errors and bad input become 4xx; anything else is a logged, generic 500. */
export function errorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof DomainError && typeof (err as { retryAfterSeconds?: unknown }).retryAfterSeconds === "number") {
    reply.header("retry-after", String((err as unknown as { retryAfterSeconds: number }).retryAfterSeconds));
  }
  if (err instanceof DomainError) return sendProblem(reply, req, err.status, err.code, err.message, err.details);
  if (err instanceof ZodError) return sendProblem(reply, req, 400, "invalid_request", zodSummary(err), zodDetails(err));
  const fe = err as FastifyError;
  if (fe.code === "FST_ERR_CTP_BODY_TOO_LARGE") return sendProblem(reply, req, 413, "payload_too_large", "the request body is too large");
  if (fe.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") return sendProblem(reply, req, 415, "unsupported_media_type", "send application/json (or text/csv for imports)");
  // JSON that does not parse is not the media type it claims to be.
  if (fe.code === "FST_ERR_CTP_INVALID_JSON_BODY") return sendProblem(reply, req, 415, "unsupported_media_type", "the body is not valid JSON: send application/json");
  if (fe.code === "FST_ERR_CTP_EMPTY_JSON_BODY") return sendProblem(reply, req, 400, "invalid_request", "the JSON body is empty");
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    const detail = err instanceof SyntaxError ? "the body is not valid JSON" : "the request is malformed";
    return sendProblem(reply, req, fe.statusCode, "invalid_request", detail);
  }
  req.log.error({ err: { type: err.name, message: err.message, stack: err.stack } }, "unexpected error");
  return sendProblem(reply, req, 500, "internal", "something went wrong on the server; the request id identifies it in the log");
}
