/**
 * The video provider behind a telehealth session (R19). Zoom's Video SDK is the only one today;
 * a second provider implements this interface and nothing else in the server changes.
 */

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

export interface VideoProvider {
  readonly name: string;
  /** False until the credentials are set; then tokens are refused with `video_not_configured`. */
  readonly configured: boolean;
  /** A signed token that lets one participant join one session; throws when not configured. */
  participantToken(req: ParticipantTokenRequest): string;
  /** The provider's name for an appointment's session: stable per appointment, opaque, ≤ 200 characters. */
  sessionName(appointmentId: string, secret: string): string;
  /** What the page needs to load the SDK from this server. */
  clientConfig(): VideoClientConfig;
}
