/**
 * The Zoom webhook bodies this server reads, as zod schemas, and the one small event the rest of
 * the server sees. Participants' display names arrive in these bodies; they are dropped here.
 */
import { z } from "zod";
import type { VideoEvent } from "../../domain/sessions/video-events.js";

const IsoTime = z.iso.datetime({ offset: true });

/**
 * Every webhook body: `event`, `event_ts` (epoch ms) and `payload`.
 * Reference: https://developers.zoom.us/docs/api/webhooks/
 */
const Envelope = z.object({ event: z.string().min(1), event_ts: z.number().int().nonnegative(), payload: z.unknown() });

/**
 * The challenge Zoom sends when the endpoint is saved and every 72 hours after.
 * Reference: https://developers.zoom.us/docs/api/webhooks/#validate-your-webhook-endpoint
 */
const UrlValidation = z.object({ plainToken: z.string().min(1).max(1024) });

const SessionObject = {
  id: z.string().optional(),
  session_id: z.string().min(1),
  // Zoom lowercases session names; ours are lowercase already, this keeps the comparison exact.
  session_name: z.string().min(1).max(200).transform((s) => s.toLowerCase()),
  session_key: z.string().optional(),
};

/**
 * `session.started`.
 * Reference: https://developers.zoom.us/docs/api/video-sdk/events/ (session.started)
 * (typed in Zoom's Rivet: https://zoom.github.io/rivet-javascript/types/Video_SDK.SessionStartedEvent.html)
 */
const SessionStarted = z.object({ object: z.object({ ...SessionObject, start_time: IsoTime }) });

/**
 * `session.ended`.
 * Reference: https://developers.zoom.us/docs/api/video-sdk/events/ (session.ended)
 * (Rivet: https://zoom.github.io/rivet-javascript/types/Video_SDK.SessionEndedEvent.html)
 */
const SessionEnded = z.object({ object: z.object({ ...SessionObject, start_time: IsoTime.optional(), end_time: IsoTime }) });

/**
 * `session.user_joined`; `user.name` is the display name and is never read.
 * Reference: https://developers.zoom.us/docs/api/video-sdk/events/ (session.user_joined)
 * (Rivet: https://zoom.github.io/rivet-javascript/types/Video_SDK.SessionUserJoinedEvent.html)
 */
const UserJoined = z.object({
  object: z.object({ ...SessionObject, user: z.object({ id: z.string().min(1), join_time: IsoTime, user_key: z.string().optional() }) }),
});

/**
 * `session.user_left`.
 * Reference: https://developers.zoom.us/docs/api/video-sdk/events/ (session.user_left)
 * (Rivet: https://zoom.github.io/rivet-javascript/types/Video_SDK.SessionUserLeftEvent.html)
 */
const UserLeft = z.object({
  object: z.object({
    ...SessionObject,
    user: z.object({ id: z.string().min(1), leave_time: IsoTime, leave_reason: z.string().optional(), user_key: z.string().optional() }),
  }),
});

export type ParsedZoomPayload =
  | { type: "url_validation"; plainToken: string }
  | { type: "event"; event: VideoEvent; dedupeKey: string }
  | { type: "ignored"; event: string }
  | { type: "invalid"; event?: string };

/** Reads a verified webhook body: the challenge, one of the four session events, another event (ignored), or a malformed body. */
export function parseZoomPayload(json: unknown): ParsedZoomPayload {
  const env = Envelope.safeParse(json);
  if (!env.success) return { type: "invalid" };
  const { event, event_ts, payload } = env.data;
  const key = (sessionId: string, userId = "") => [event, event_ts, sessionId, userId].join("|");
  const at = (iso: string) => Date.parse(iso);
  switch (event) {
    case "endpoint.url_validation": {
      const p = UrlValidation.safeParse(payload);
      return p.success ? { type: "url_validation", plainToken: p.data.plainToken } : { type: "invalid", event };
    }
    case "session.started": {
      const p = SessionStarted.safeParse(payload);
      if (!p.success) return { type: "invalid", event };
      const o = p.data.object;
      return { type: "event", dedupeKey: key(o.session_id), event: { kind: "started", sessionName: o.session_name, at: at(o.start_time) } };
    }
    case "session.ended": {
      const p = SessionEnded.safeParse(payload);
      if (!p.success) return { type: "invalid", event };
      const o = p.data.object;
      return { type: "event", dedupeKey: key(o.session_id), event: { kind: "ended", sessionName: o.session_name, at: at(o.end_time) } };
    }
    case "session.user_joined": {
      const p = UserJoined.safeParse(payload);
      if (!p.success) return { type: "invalid", event };
      const { user, ...o } = p.data.object;
      const e: VideoEvent = { kind: "user_joined", sessionName: o.session_name, at: at(user.join_time) };
      if (user.user_key) e.userKey = user.user_key;
      return { type: "event", dedupeKey: key(o.session_id, user.id), event: e };
    }
    case "session.user_left": {
      const p = UserLeft.safeParse(payload);
      if (!p.success) return { type: "invalid", event };
      const { user, ...o } = p.data.object;
      const e: VideoEvent = { kind: "user_left", sessionName: o.session_name, at: at(user.leave_time) };
      if (user.user_key) e.userKey = user.user_key;
      return { type: "event", dedupeKey: key(o.session_id, user.id), event: e };
    }
    default:
      return { type: "ignored", event };
  }
}
