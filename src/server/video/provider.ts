/**
 * The video provider behind a telehealth session (R19, R29): Zoom's Video SDK (zoom.ts) or tele's
 * own 1:1 WebRTC between the two browsers (builtin.ts).
 */
import type { IceServer, IceTransportPolicy } from "./ice.js";

/** Who a token is for: the provider hosts the session, the client takes part in it. */
export type VideoRole = "host" | "participant";

export interface ParticipantTokenRequest {
  /** The provider session name from `sessionName()`: opaque, never a person's name. */
  sessionName: string;
  /** Decided by the server from who is signed in, never by the page. */
  role: VideoRole;
  /**
   * An opaque key for this participant in this session (never an id, a name or an email), at most
   * 36 characters; the provider reports it back in its webhooks.
   */
  userKey: string;
  /** Epoch milliseconds. */
  issuedAt: number;
  /** Epoch milliseconds; a provider may clamp it to the lifetimes it accepts. */
  expiresAt: number;
}

/** What the session page needs to load and start the provider's browser SDK. */
export interface VideoClientConfig {
  provider: string;
  configured: boolean;
  /** Same-origin path of the SDK's ES module. */
  sdkModule: string;
  /**
   * Same-origin path of the SDK's dependent assets (workers, WebAssembly); the page passes it as
   * an absolute URL: `new URL(dependentAssets, location.href).href`.
   */
  dependentAssets: string;
  language: string;
  /** Passed as-is to the SDK's init. */
  initOptions: Record<string, unknown>;
}

/** What a browser-to-browser provider gives each admitted participant for its RTCPeerConnection. */
export interface PeerConfig {
  iceServers: IceServer[];
  iceTransportPolicy: IceTransportPolicy;
}

export interface VideoProvider {
  readonly name: "zoom" | "builtin";
  /** False until the credentials are set; then tokens are refused with `video_not_configured`. */
  readonly configured: boolean;
  /** A signed token that lets one participant join one session; throws when not configured. */
  participantToken(req: ParticipantTokenRequest): string;
  /** The provider's name for an appointment's session: stable per appointment, opaque, ≤ 200 characters. */
  sessionName(appointmentId: string, secret: string): string;
  /** What the page needs to load the SDK from this server. */
  clientConfig(): VideoClientConfig;
  /** Present when media flows between the browsers (builtin): each participant's ICE setup. */
  peerConfig?(req: { issuedAt: number; expiresAt: number }): PeerConfig;
  /** The session page's headers over the site's strict ones, only as far as this provider needs. */
  sessionPageHeaders(): Record<string, string>;
}
