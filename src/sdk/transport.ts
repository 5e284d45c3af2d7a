/**
 * One HTTP request over Node's own `http`/`https` modules, with the small part of undici's
 * `request()` shape the SDK uses: `{ statusCode, headers, body }`, where `body` is the response
 * stream with a `text()` that reads it whole.
 *
 * Why not undici: loading it (110 modules) was about 250 ms of CPU in every `tele` process, a third
 * of a short command's run; Node's modules are already in memory. Keep-alive and idle sockets that do
 * not hold the process open come from Node's global agents, as they did from undici's pool.
 */
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Readable } from "node:stream";

export interface TransportOptions {
  method: string;
  headers: Record<string, string>;
  /** Sent with its Content-Length (a string), or streamed chunked (a Readable). */
  body?: string | Readable;
  signal?: AbortSignal;
}

export interface TransportReply {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage & { text(): Promise<string> };
}

/** Sends one request and resolves when the reply's status and headers have arrived. */
export function request(url: URL, options: TransportOptions): Promise<TransportReply> {
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  const headers: Record<string, string> = { ...options.headers };
  if (typeof options.body === "string") headers["content-length"] = String(Buffer.byteLength(options.body));
  return new Promise((resolve, reject) => {
    const req = send(url, { method: options.method, headers, signal: options.signal }, (res) => {
      resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: Object.assign(res, { text: () => readText(res) }) });
    });
    req.on("error", reject);
    const body = options.body;
    if (body === undefined || typeof body === "string") {
      req.end(body);
      return;
    }
    body.on("error", (err) => req.destroy(err));
    body.pipe(req);
  });
}

/** The whole body as UTF-8 text; rejects when the connection ends before the body does. */
function readText(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (chunk: Buffer) => chunks.push(chunk));
    res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    res.on("error", reject);
    res.on("aborted", () => reject(Object.assign(new Error("the connection closed before the reply ended"), { code: "ECONNRESET" })));
  });
}
