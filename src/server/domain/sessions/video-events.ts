/**
 * What the session domain hears from a video provider's webhooks, in its own words: the routes
 * that receive a provider's deliveries translate them into these, so the domain never imports the
 * provider or the route.
 */

/** A session event as the lifecycle sees it; `at` is epoch milliseconds, `userKey` the provider token's user key. */
export interface VideoEvent {
  kind: "started" | "ended" | "user_joined" | "user_left";
  sessionName: string;
  at: number;
  userKey?: string;
}

/** A refused or repeated delivery, as the audit log needs it. */
export interface WebhookRefusal {
  /** e.g. webhook_signature_invalid, webhook_timestamp_stale, invalid_request, webhook_duplicate. */
  code: string;
  status: number;
  /** The session name the body claims (unverified unless `signed`); the audit row goes to its practice. */
  claimedSessionName?: string;
  /** True for a correctly signed delivery (a repeat, or a malformed event). */
  signed: boolean;
  ip: string;
  requestId: string;
}
