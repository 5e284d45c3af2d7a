/**
 * Zoom Video SDK webhooks at `POST /webhooks/zoom`: each delivery's signature is checked over the
 * raw body, stale ones are refused, Zoom's URL-validation challenge is answered, and the four
 * session events are handed on as a small typed event. What they mean for an appointment is the
 * lifecycle's business (onEvent), not this file's. A delivery without a valid signature costs one
 * counter (never an audit row: anyone can send them), and an address that keeps sending them is
 * refused for a while (429) before any work.
 *
 * Verification reference: https://developers.zoom.us/docs/api/webhooks/#verify-webhook-events
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Deps } from "../../domain/deps.js";
import type { VideoEvent, WebhookRefusal } from "../../domain/sessions/video-events.js";
import { errorHandler, sendProblem } from "../errors.js";
import { NO_PRACTICE, type Limits } from "../limits.js";
import { parseZoomPayload } from "./zoom-webhook-payload.js";

export type { VideoEvent, WebhookRefusal } from "../../domain/sessions/video-events.js";

export const ZOOM_WEBHOOK_PATH = "/webhooks/zoom";
/** Deliveries signed further than this from the server's clock, either way, are refused. */
export const MAX_SKEW_MS = 5 * 60 * 1000;

export type SignatureCheck = { ok: true } | { ok: false; code: string; detail: string };

/** Checks `x-zm-signature` (`v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}`) and the timestamp's age. */
export function verifyZoomSignature(o: { secret: string; signature: unknown; timestamp: unknown; rawBody: Buffer; now: number }): SignatureCheck {
  if (typeof o.signature !== "string" || typeof o.timestamp !== "string" || !o.signature || !o.timestamp) {
    return { ok: false, code: "webhook_signature_missing", detail: "the x-zm-signature and x-zm-request-timestamp headers are required" };
  }
  if (!/^\d{1,12}$/.test(o.timestamp)) {
    return { ok: false, code: "webhook_signature_invalid", detail: "x-zm-request-timestamp must be epoch seconds" };
  }
  const expected = Buffer.from(`v0=${createHmac("sha256", o.secret).update(`v0:${o.timestamp}:`).update(o.rawBody).digest("hex")}`);
  const given = Buffer.from(o.signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, code: "webhook_signature_invalid", detail: "the x-zm-signature does not match this body and timestamp" };
  }
  const age = o.now - Number(o.timestamp) * 1000;
  if (age > MAX_SKEW_MS) return { ok: false, code: "webhook_timestamp_stale", detail: "the delivery is more than 5 minutes old" };
  if (age < -MAX_SKEW_MS) return { ok: false, code: "webhook_timestamp_stale", detail: "the delivery is timestamped more than 5 minutes ahead of this server's clock" };
  return { ok: true };
}

/** The answer to `endpoint.url_validation`: the plain token and its HMAC-SHA256 (hex) with the secret. */
export function urlValidationAnswer(secret: string, plainToken: string) {
  return { plainToken, encryptedToken: createHmac("sha256", secret).update(plainToken).digest("hex") };
}

/** Remembers the last `max` keys, oldest forgotten first: enough to absorb Zoom's retries. */
export class RecentKeys {
  private readonly keys = new Set<string>();
  constructor(private readonly max: number) {}
  /** False when the key was already there. */
  add(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.keys.size > this.max) this.keys.delete(this.keys.values().next().value!);
    return true;
  }
  delete(key: string): void {
    this.keys.delete(key);
  }
}

/** Where handled deliveries are remembered, to drop Zoom's retries of one already applied. */
export interface DeliveryLog {
  /** False when the key was already there. */
  add(key: string): Promise<boolean>;
  remove(key: string): Promise<void>;
}

/** A DeliveryLog in memory (the server keeps its log in the database, so it survives a restart). */
export function memoryDeliveryLog(max = 2000): DeliveryLog {
  const seen = new RecentKeys(max);
  return { add: async (key) => seen.add(key), remove: async (key) => seen.delete(key) };
}

/** How long handled deliveries are remembered (Zoom retries within hours), and at most how many. */
const REMEMBER_MS = 24 * 3600_000;
const REMEMBER_MAX = 20_000;

/** The server's DeliveryLog: in the database, so a retry after a restart is still dropped; pruned as it goes. */
export function storedDeliveryLog(deps: Pick<Deps, "store" | "clock">): DeliveryLog {
  let added = 0;
  return {
    async add(key) {
      const now = deps.clock();
      const fresh = await deps.store.tx((r) => r.webhookDeliveries.add(key, now));
      if (fresh && ++added % 500 === 0) await deps.store.tx((r) => r.webhookDeliveries.prune(now - REMEMBER_MS, REMEMBER_MAX));
      return fresh;
    },
    remove: (key) => deps.store.tx((r) => r.webhookDeliveries.remove(key)),
  };
}

export interface ZoomWebhookOptions {
  /** The event subscription's Secret Token (ZOOM_WEBHOOK_SECRET); unset, every delivery gets a 503. */
  secret: string | undefined;
  /** Called once per distinct event, in delivery order; a throw makes the reply a 500 so Zoom retries. */
  onEvent: (event: VideoEvent) => void | Promise<void>;
  /** Deliveries already handled (default: the last 2,000, in memory). */
  deliveries?: DeliveryLog;
  /** Told of every signed refusal and every repeated delivery, for the audit log; its failure is logged, never the reply's. */
  onRefused?: (r: WebhookRefusal) => void | Promise<void>;
  /** Counts unsigned deliveries and refuses an address that sends too many (default: the app's own, when it has them). */
  limits?: Limits;
}

/** The session name a body claims, read best-effort from untrusted bytes: only to route the audit row. */
function claimedSessionName(raw: Buffer): string | undefined {
  try {
    const name = (JSON.parse(raw.toString("utf8")) as { payload?: { object?: { session_name?: unknown } } })?.payload?.object?.session_name;
    return typeof name === "string" && name.length <= 200 ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Refusals go to the server log at warn (the reason, address and request id, never the body or
 * headers) and to `onRefused` for the audit log.
 */
function refuse(req: FastifyRequest, reply: FastifyReply, status: number, code: string, detail: string) {
  req.log.warn({ webhook: "zoom", code, status, ip: req.ip, requestId: req.id }, "zoom webhook refused");
  return sendProblem(reply, req, status, code, detail);
}

async function report(req: FastifyRequest, opts: ZoomWebhookOptions, r: Omit<WebhookRefusal, "ip" | "requestId">): Promise<void> {
  try {
    await opts.onRefused?.({ ...r, ip: req.ip, requestId: req.id });
  } catch (err) {
    req.log.error({ webhook: "zoom", err: (err as Error).message, requestId: req.id }, "zoom webhook refusal could not be audited");
  }
}

/**
 * Adds `POST /webhooks/zoom` in its own encapsulated scope, where the body is kept as raw bytes
 * (the signature covers them exactly); the app's JSON parser elsewhere is untouched.
 */
export function registerZoomWebhook(app: FastifyInstance, deps: Pick<Deps, "clock">, opts: ZoomWebhookOptions): void {
  const seen = opts.deliveries ?? memoryDeliveryLog();
  const limits = opts.limits ?? (app.hasDecorator("limits") ? app.limits : undefined);
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: 64 * 1024 }, (_req, body, done) => done(null, body));
    scope.setErrorHandler((err: FastifyError, req, reply) => {
      if (err.statusCode && err.statusCode < 500) req.log.warn({ webhook: "zoom", code: err.code, status: err.statusCode, ip: req.ip, requestId: req.id }, "zoom webhook refused");
      return errorHandler(err, req, reply);
    });

    scope.post(ZOOM_WEBHOOK_PATH, async (req, reply) => {
      if (!opts.secret) {
        return refuse(req, reply, 503, "video_not_configured", "Zoom webhooks are not set up on this server: set ZOOM_WEBHOOK_SECRET to the Secret Token of the Zoom app's event subscription");
      }
      const wait = (await limits?.refused("webhook", req)) ?? null;
      if (wait !== null) {
        reply.header("retry-after", String(wait));
        return refuse(req, reply, 429, "rate_limited", `too many unsigned deliveries from here; try again in ${wait} seconds`);
      }
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const check = verifyZoomSignature({
        secret: opts.secret, signature: req.headers["x-zm-signature"], timestamp: req.headers["x-zm-request-timestamp"], rawBody: raw, now: deps.clock(),
      });
      if (!check.ok) {
        // Anyone can send these: a counter, not an audit row, and no lookup of the session it names.
        await limits?.failed("webhook", req);
        limits?.count(NO_PRACTICE, `webhook.${check.code}`);
        return refuse(req, reply, 401, check.code, check.detail);
      }

      let json: unknown;
      try {
        json = JSON.parse(raw.toString("utf8"));
      } catch {
        return refuse(req, reply, 400, "invalid_request", "the body is not valid JSON");
      }
      const parsed = parseZoomPayload(json);
      switch (parsed.type) {
        case "invalid":
          await report(req, opts, { code: "invalid_request", status: 400, claimedSessionName: claimedSessionName(raw), signed: true });
          return refuse(req, reply, 400, "invalid_request", `the ${parsed.event ?? "webhook"} payload does not have the documented shape`);
        case "url_validation":
          return reply.code(200).send(urlValidationAnswer(opts.secret, parsed.plainToken));
        case "ignored":
          return reply.code(200).send({ ok: true });
        case "event": {
          if (!(await seen.add(parsed.dedupeKey))) {
            req.log.info({ webhook: "zoom", event: parsed.event.kind, requestId: req.id }, "zoom webhook duplicate ignored");
            await report(req, opts, { code: "webhook_duplicate", status: 200, claimedSessionName: parsed.event.sessionName, signed: true });
            return reply.code(200).send({ ok: true });
          }
          try {
            await opts.onEvent(parsed.event);
          } catch (err) {
            await seen.remove(parsed.dedupeKey); // let Zoom's retry through
            throw err;
          }
          return reply.code(200).send({ ok: true });
        }
      }
    });
  });
}
