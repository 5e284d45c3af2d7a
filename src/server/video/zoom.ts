/**
 * Zoom Video SDK as the video provider (R19): the server signs each participant's Video SDK JWT
 * itself (HS256 with the SDK secret, node:crypto only) and names each appointment's session with
 * an HMAC, so nothing about the appointment or the people in it reaches Zoom.
 */
import { createHmac } from "node:crypto";
import type { ServerConfig } from "../config.js";
import { DomainError } from "../domain/errors.js";
import { zoomAssetPaths } from "./assets.js";
import type { ParticipantTokenRequest, VideoClientConfig, VideoProvider } from "./provider.js";

/** Zoom refuses a token whose `exp` is less than 30 minutes or more than 48 hours after its `iat`. */
export const MIN_TOKEN_SECONDS = 30 * 60;
export const MAX_TOKEN_SECONDS = 48 * 60 * 60;
/** `iat` is set this far back, as Zoom's own sample does, so a server clock slightly ahead of Zoom's still works. */
export const CLOCK_SKEW_SECONDS = 30;

/**
 * The Video SDK JWT payload.
 * Reference: https://developers.zoom.us/docs/video-sdk/auth/#payload
 */
export interface ZoomVideoSdkClaims {
  app_key: string;
  /** The session name ("topic"); Zoom lowercases it. */
  tpc: string;
  /** 1 = host, 0 = participant. */
  role_type: 0 | 1;
  version: 1;
  iat: number;
  exp: number;
  /** Zoom's name for the caller's per-user key (formerly `user_identity`), echoed in webhooks. */
  user_key: string;
}

// Zoom's documented alphabet for `tpc`: letters, digits, space and these symbols; at most 200 characters.
const TOPIC = /^[A-Za-z0-9 !#$%&()+\-:;<=.>?@[\]^_{}|~,\\]{1,200}$/;
// Ids only: no "@" (so never an email address), at most Zoom's 36 characters.
const USER_KEY = /^[A-Za-z0-9_.:-]{1,36}$/;

const b64url = (s: string) => Buffer.from(s, "utf8").toString("base64url");

/** Signs an HS256 JWT over `claims` with `secret`. */
export function signHs256(claims: object, secret: string): string {
  const head = `${b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${b64url(JSON.stringify(claims))}`;
  return `${head}.${createHmac("sha256", secret).update(head).digest("base64url")}`;
}

/** The claims for one participant: `exp` clamped into Zoom's 30-minute to 48-hour window after `iat`. */
export function zoomClaims(sdkKey: string, req: ParticipantTokenRequest): ZoomVideoSdkClaims {
  if (!TOPIC.test(req.sessionName)) throw new Error("the Zoom session name must be 1-200 characters of Zoom's topic alphabet");
  if (!USER_KEY.test(req.userKey)) throw new Error("the Zoom user key must be an id of 1-36 letters, digits, '_', '.', ':' or '-'");
  if (!Number.isFinite(req.issuedAt) || !Number.isFinite(req.expiresAt)) throw new Error("issuedAt and expiresAt must be epoch milliseconds");
  const iat = Math.floor(req.issuedAt / 1000) - CLOCK_SKEW_SECONDS;
  const wanted = Math.ceil(req.expiresAt / 1000);
  const exp = Math.min(Math.max(wanted, iat + MIN_TOKEN_SECONDS), iat + MAX_TOKEN_SECONDS);
  return {
    app_key: sdkKey,
    tpc: req.sessionName,
    role_type: req.role === "host" ? 1 : 0,
    version: 1,
    iat,
    exp,
    user_key: req.userKey,
  };
}

export interface ZoomSettings {
  sdkKey?: string;
  sdkSecret?: string;
}

/** The Zoom Video SDK behind the VideoProvider interface. */
export class ZoomVideoProvider implements VideoProvider {
  readonly name = "zoom";

  sessionPageHeaders(): Record<string, string> {
    return ZOOM_SESSION_PAGE_HEADERS;
  }

  constructor(private readonly settings: ZoomSettings) {}

  get configured(): boolean {
    return Boolean(this.settings.sdkKey && this.settings.sdkSecret);
  }

  participantToken(req: ParticipantTokenRequest): string {
    const { sdkKey, sdkSecret } = this.settings;
    if (!sdkKey || !sdkSecret) {
      throw new DomainError(
        "video_not_configured",
        503,
        "video sessions are not set up on this server: set ZOOM_SDK_KEY and ZOOM_SDK_SECRET (from the Zoom Video SDK app) and restart it",
      );
    }
    return signHs256(zoomClaims(sdkKey, req), sdkSecret);
  }

  /**
   * `tele-` and 64 lowercase hex digits: an HMAC of the appointment id, so it is the same on every
   * call, reveals nothing, and survives Zoom lowercasing session names.
   */
  sessionName(appointmentId: string, secret: string): string {
    if (!appointmentId) throw new Error("an appointment id is required");
    if (!secret) throw new Error("a secret is required to name a video session");
    return `tele-${createHmac("sha256", secret).update(`tele/video-session/v1\0${appointmentId}`).digest("hex")}`;
  }

  clientConfig(): VideoClientConfig {
    const paths = zoomAssetPaths();
    return {
      provider: this.name,
      configured: this.configured,
      sdkModule: paths.module,
      dependentAssets: paths.lib,
      language: "en-US",
      // leaveOnPageUnload: a closed tab leaves at once instead of lingering in Zoom's failover.
      // patchJsMedia is left out: the SDK applies it only when dependentAssets is one of Zoom's CDNs.
      initOptions: { leaveOnPageUnload: true },
    };
  }
}

/**
 * The headers the session page needs for the SDK, relaxed from the site's strict ones only as far
 * as the SDK goes (tests/video/browser.test.ts checks them in Chromium):
 * - worker-src blob: `init` starts a worker from a blob: URL (refused under the site-wide CSP);
 * - script-src blob: 'wasm-unsafe-eval': after `join`, its workers importScripts() blob: URLs,
 *   audio worklets load from blob: URLs, and the media workers compile WebAssembly;
 * - connect-src Zoom: `join` first calls https://zoom.us/wc/lsdk, then Zoom's servers (*.zoom.us, wss);
 * - media-src / img-src blob: for video elements and snapshots the SDK fills from blobs;
 * - camera and microphone for this origin only (the site-wide policy denies both).
 * - script-src 'unsafe-eval': the SDK's `*_dynamic_*` audio workers eval() code, and it picks them
 *   when Zoom's join reply turns on ENABLE_WASM_DYNAMIC_LOAD or adaptive denoise, which Zoom decides
 *   per account and can change at any time; Zoom's documented CSP for its web SDKs includes it. Left
 *   out, audio would fail in some sessions with nothing for the practice to change. The page's own
 *   HTML escapes every value and loads script only from this origin, so there is nothing to eval but the SDK's.
 * COOP same-origin + COEP require-corp make the page cross-origin isolated, which lets the SDK use
 * SharedArrayBuffer (several videos at once); the SDK's files carry CORP same-origin, so they load under it.
 */
export const ZOOM_SESSION_PAGE_HEADERS = {
  "content-security-policy": [
    "default-src 'self'",
    "script-src 'self' blob: 'wasm-unsafe-eval' 'unsafe-eval'",
    "worker-src 'self' blob:",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "connect-src 'self' https://zoom.us https://*.zoom.us wss://*.zoom.us",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; "),
  "permissions-policy": "camera=(self), microphone=(self), display-capture=(), geolocation=()",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
} as const;

/** The provider for the server's settings (ZOOM_SDK_KEY, ZOOM_SDK_SECRET). */
export function zoomVideoProvider(config: Pick<ServerConfig, "zoomSdkKey" | "zoomSdkSecret">): ZoomVideoProvider {
  return new ZoomVideoProvider({ sdkKey: config.zoomSdkKey, sdkSecret: config.zoomSdkSecret });
}
