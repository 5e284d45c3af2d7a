/**
 * tele's own video provider (R29): a 1:1 WebRTC call directly between the client's and the
 * provider's browsers. The server only relays their signalling (the session page's event stream one
 * way, POST …/session/signal the other) and mints each participant's short-lived TURN credential
 * for the practice's own coturn. No third party sees media or metadata; there is no account to set up.
 */
import type { ParticipantTokenRequest, PeerConfig, VideoClientConfig, VideoProvider } from "./provider.js";
import { iceServersFor, type IceSettings } from "./ice.js";

/**
 * The session page's headers for the built-in call, over the site's strict ones: only camera and
 * microphone for this origin. No 'unsafe-eval', no blob: scripts or workers, no cross-origin
 * isolation, no other origin to connect to (WebRTC media is not fetched, and the page's own
 * fetch and event stream stay on 'self').
 */
export const BUILTIN_SESSION_PAGE_HEADERS = {
  "permissions-policy": "camera=(self), microphone=(self), display-capture=(), geolocation=()",
} as const;

export class BuiltinVideoProvider implements VideoProvider {
  readonly name = "builtin";
  readonly configured = true;

  constructor(private readonly ice: IceSettings) {}

  /** The built-in call has no provider token: admission is the signed-in session itself. */
  participantToken(_req: ParticipantTokenRequest): string {
    throw new Error("the built-in video provider issues no tokens");
  }

  /** Sessions need no provider-side name: nothing outside this server refers to them. */
  sessionName(appointmentId: string): string {
    return `builtin-${appointmentId}`;
  }

  clientConfig(): VideoClientConfig {
    return { provider: this.name, configured: true, sdkModule: "", dependentAssets: "", language: "en-US", initOptions: {} };
  }

  /** One participant's ICE setup: the configured servers and a TURN credential that lives until `expiresAt` at most. */
  peerConfig(req: { issuedAt: number; expiresAt: number }): PeerConfig {
    return { iceServers: iceServersFor(this.ice, req.expiresAt, req.issuedAt), iceTransportPolicy: this.ice.iceTransportPolicy };
  }

  sessionPageHeaders(): Record<string, string> {
    return BUILTIN_SESSION_PAGE_HEADERS;
  }
}
