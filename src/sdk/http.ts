import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { request } from "./transport.js";
import type { z } from "zod";
import { Problem } from "./schemas/common.js";
import {
  errorFromResponse,
  MalformedResponseError,
  TeleConnectionError,
  TeleError,
  type RequestInfo,
} from "./errors.js";

/** How the SDK talks to one tele server. */
export interface HttpOptions {
  /** The server's origin, such as `http://127.0.0.1:8080` (a path prefix is kept). */
  url: string;
  /** An API token (`tele staff token`); sent as `Authorization: Bearer`. */
  token?: string;
  /** Retries after the first attempt for safe requests (default 3). */
  retries?: number;
  /** Time allowed for one attempt, in milliseconds (default 30 000). */
  timeoutMs?: number;
  /** First backoff delay in milliseconds (default 250); doubles each retry, with jitter. */
  retryDelayMs?: number;
  /** Longest backoff delay in milliseconds (default 4 000). */
  maxRetryDelayMs?: number;
}

/** Per-call settings every SDK method accepts as its last argument. */
export interface RequestOptions {
  /** POST only: the key to send (reused across retries), or `false` to send none and not retry. */
  idempotencyKey?: string | false;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Use this bearer token instead of the client's (the server's setup token, for example). */
  token?: string;
  /** Called with the status and headers of the reply that is returned (e.g. to see `idempotent-replayed`). */
  onReply?: (reply: { status: number; headers: Record<string, string | string[] | undefined> }) => void;
}

/** One API call as the resources describe it. */
export interface ApiRequest {
  method: "GET" | "HEAD" | "POST" | "PATCH" | "PUT";
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  /** CSV text, or a function that streams the file's UTF-8 bytes (called again for each attempt). */
  csv?: CsvBody;
}

/** A CSV file to send: its text, or a function returning its UTF-8 bytes as a stream, anew each call. */
export type CsvBody = string | (() => AsyncIterable<Uint8Array>);

interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

const LenientProblem = Problem.partial();
const RETRY_STATUSES = new Set([502, 503, 504]);
// A timeout is not retried: the server may still be working on it, and a bulk request's limit is long already.
const NO_RETRY_REASONS = new Set(["ENOTFOUND", "cancelled", "timeout"]);

/** Backoff before retry number `attempt` (0-based): exponential, capped, with "equal jitter". */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return ceiling / 2 + random() * (ceiling / 2);
}

/** Sends requests with auth, JSON, timeouts and retries, and parses replies with a zod schema. */
export class HttpClient {
  readonly baseUrl: URL;
  private readonly token: string | undefined;
  private readonly retries: number;
  private readonly timeoutMs: number;
  private readonly retryDelayMs: number;
  private readonly maxRetryDelayMs: number;

  constructor(options: HttpOptions) {
    try {
      this.baseUrl = new URL(options.url);
    } catch {
      throw new TeleError("the server URL is not a valid URL, such as http://127.0.0.1:8080");
    }
    this.token = options.token;
    this.retries = Math.max(0, options.retries ?? 3);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retryDelayMs = options.retryDelayMs ?? 250;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 4_000;
  }

  /** The server's origin without any credentials, safe to print. */
  get origin(): string {
    return this.baseUrl.origin;
  }

  /** Sends `req` (retrying when safe) and returns the reply parsed with `schema`. */
  async send<S extends z.ZodType>(req: ApiRequest, schema: S, options: RequestOptions = {}): Promise<z.output<S>> {
    const key = req.method === "POST" && options.idempotencyKey !== false ? options.idempotencyKey || randomUUID() : undefined;
    // PUT sets a whole state, so sending it twice is the same as once (HTTP's idempotent methods).
    const safeToRepeat = req.method === "GET" || req.method === "HEAD" || req.method === "PUT" || key !== undefined;
    const info: RequestInfo = { method: req.method, path: redactPath(req.path) };
    for (let attempt = 0; ; attempt++) {
      let reply: RawReply;
      try {
        reply = await this.attempt(req, key, options);
      } catch (err) {
        const reason = err instanceof TeleConnectionError ? err.reason : "";
        // A refused connection never reached the server, so even a plain POST may be repeated.
        const mayRetry = (safeToRepeat || reason === "ECONNREFUSED") && !NO_RETRY_REASONS.has(reason);
        if (!mayRetry || attempt >= this.retries) throw err;
        await sleep(this.delay(attempt));
        continue;
      }
      if (RETRY_STATUSES.has(reply.status) && safeToRepeat && attempt < this.retries) {
        await sleep(this.delay(attempt, reply.headers["retry-after"]));
        continue;
      }
      options.onReply?.({ status: reply.status, headers: reply.headers });
      return parseReply(reply, schema, info);
    }
  }

  /**
   * Sends a GET whose reply is a stream (an export): an error reply is read and thrown as `send`
   * would; a success is handed back unread, as text chunks, so nothing holds the whole body.
   * Not retried once the body has started (a retry would repeat rows already given).
   */
  async stream(req: ApiRequest & { method: "GET" }, accept: string, options: RequestOptions = {}): Promise<AsyncIterable<string>> {
    const info: RequestInfo = { method: req.method, path: redactPath(req.path) };
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(this.urlFor(req), { method: "GET", headers: { ...this.headersFor(req, undefined, options.token), accept: `${accept}, application/problem+json` }, signal: options.signal });
    } catch (err) {
      const reason = errorCode(err);
      throw new TeleConnectionError(`cannot reach the tele server at ${this.origin} (${reason})`, reason, { cause: err });
    }
    if (res.statusCode >= 400) {
      const text = await res.body.text();
      parseReply({ status: res.statusCode, headers: res.headers, text }, Problem, info);
    }
    res.body.setEncoding("utf8");
    return res.body as AsyncIterable<string>;
  }

  private delay(attempt: number, retryAfter?: string | string[]): number {
    const computed = backoffDelay(attempt, this.retryDelayMs, this.maxRetryDelayMs);
    const seconds = Number(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
    const asked = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
    return Math.min(this.maxRetryDelayMs, Math.max(computed, asked));
  }

  private async attempt(req: ApiRequest, key: string | undefined, options: RequestOptions): Promise<RawReply> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
    try {
      const res = await request(this.urlFor(req), {
        method: req.method,
        headers: this.headersFor(req, key, options.token),
        body: typeof req.csv === "function" ? Readable.from(req.csv()) : req.csv ?? (req.json === undefined ? undefined : JSON.stringify(req.json)),
        signal,
      });
      const text = await res.body.text();
      return { status: res.statusCode, headers: res.headers, text };
    } catch (err) {
      if (options.signal?.aborted) throw new TeleConnectionError("the request was cancelled", "cancelled", { cause: err });
      if (timeout.aborted) {
        throw new TeleConnectionError(`no reply from the tele server at ${this.origin} within ${timeoutMs} ms`, "timeout", { cause: err });
      }
      const reason = errorCode(err);
      throw new TeleConnectionError(`cannot reach the tele server at ${this.origin} (${reason})`, reason, { cause: err });
    }
  }

  private urlFor(req: ApiRequest): URL {
    const url = new URL(this.baseUrl.href);
    url.username = "";
    url.password = "";
    url.pathname = url.pathname.replace(/\/+$/, "") + req.path;
    url.search = "";
    for (const [name, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url;
  }

  private headersFor(req: ApiRequest, key: string | undefined, tokenOverride: string | undefined): Record<string, string> {
    const headers: Record<string, string> = {
      accept: "application/json, application/problem+json",
      "user-agent": `tele-sdk node/${process.versions.node}`,
    };
    const token = tokenOverride ?? this.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (req.csv !== undefined) headers["content-type"] = "text/csv; charset=utf-8";
    else if (req.json !== undefined) headers["content-type"] = "application/json";
    if (key) headers["idempotency-key"] = key;
    return headers;
  }
}

/** Turns a reply into the parsed value, or throws the typed error it stands for. */
function parseReply<S extends z.ZodType>(reply: RawReply, schema: S, request: RequestInfo): z.output<S> {
  const body = parseJson(reply.text);
  if (reply.status >= 400) throw problemError(reply, body.ok ? body.value : undefined, request);
  if (!body.ok) {
    throw new MalformedResponseError(`the server's reply to ${request.method} ${request.path} is not JSON`, {
      status: reply.status,
      request,
    });
  }
  const parsed = schema.safeParse(body.value);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join(".") || "(root)";
    throw new MalformedResponseError(
      `the server's reply to ${request.method} ${request.path} does not match the expected shape (at ${where}); is the server the same version as this SDK?`,
      { status: reply.status, issues: parsed.error.issues, request },
    );
  }
  return parsed.data;
}

function problemError(reply: RawReply, body: unknown, request: RequestInfo) {
  // Partial: a proxy in front of the server may answer with only some of the fields.
  const problem = LenientProblem.safeParse(body);
  const header = reply.headers["x-request-id"];
  const headerId = Array.isArray(header) ? header[0] : header;
  if (!problem.success) return errorFromResponse({ status: reply.status, requestId: headerId, request });
  const { code, detail, title, requestId, details } = problem.data;
  return errorFromResponse({
    status: reply.status,
    code,
    message: detail || title || undefined,
    requestId: requestId ?? headerId,
    details,
    request,
  });
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === "") return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function errorCode(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === "string" ? code : "network_error";
}

/** Paths may hold a staff member's or client's email as a ref; keep it out of messages. */
export function redactPath(path: string): string {
  return path
    .split("/")
    .map((segment) => (/@|%40/i.test(segment) ? ":ref" : segment))
    .join("/");
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
