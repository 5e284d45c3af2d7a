import { createHmac } from "node:crypto";
import type { VideoClientConfig, VideoRole } from "../../video/provider.js";
import { auditRead } from "../audit/audit.js";
import type { Actor, Deps, VideoSetup } from "../deps.js";
import { conflict, DomainError } from "../errors.js";
import type { SessionAccess } from "./access.js";
import { joinLinkExpiry } from "./join-link.js";
import { joinable } from "./lifecycle.js";
import { peerJoin, type PeerJoin } from "./peer-join.js";

/** What the session page needs to join the video session: the provider's token and how to load its SDK. */
export interface VideoJoin {
  provider: string;
  sessionName: string;
  token: string;
  /** host for the provider, participant for the client: decided here, never by the page. */
  role: VideoRole;
  /** The name the video provider shows: the side, never a person's name. */
  userName: string;
  sdk: VideoClientConfig;
}

/**
 * The server's video setup when it can admit people: the built-in call, or Zoom able to sign
 * tokens, name sessions and key participants.
 */
export function videoReady(deps: Pick<Deps, "video">): VideoSetup | undefined {
  const v = deps.video;
  const zoomReady = !!(v?.sessionName && v.participantKey);
  return v?.provider.configured && (zoomReady || v.provider.peerConfig)
    ? { provider: v.provider, sessionName: v.sessionName, participantKey: v.participantKey }
    : undefined;
}

/**
 * The key a video provider knows a participant by (Zoom's `user_key`, echoed in its webhooks): 36 hex
 * digits of an HMAC of the appointment and participant ids under a server secret. The same person
 * rejoining the same session gets the same key; across appointments the keys are unrelated, and none
 * holds an id or the time a record was made.
 */
export function participantKey(secret: string, appointmentId: string, participantId: string): string {
  if (!secret) throw new Error("a secret is required to key a video participant");
  return createHmac("sha256", secret).update(`tele/video-participant/v1\0${appointmentId}\0${participantId}`).digest("hex").slice(0, 36);
}

/**
 * Whom a user key from the provider's webhook names in an appointment's session, for its audit row:
 * the key itself says nothing, so it is matched against the appointment's client and the practice's staff.
 */
export async function keyedParticipant(deps: Deps, practiceId: string, appointmentId: string, userKey: string) {
  const key = deps.video?.participantKey;
  const appointment = key ? await deps.store.appointments.byId(practiceId, appointmentId) : undefined;
  if (!key || !appointment) return null;
  if (key(appointmentId, appointment.clientId) === userKey) return { type: "client", id: appointment.clientId };
  const staff = (await deps.store.staff.list(practiceId)).find((s) => key(appointmentId, s.id) === userKey);
  return staff ? { type: "staff", id: staff.id } : null;
}

export const VIDEO_NOT_CONFIGURED =
  "Video is not set up on this server yet. The practice's administrator sets ZOOM_SDK_KEY and ZOOM_SDK_SECRET and restarts it.";

/**
 * Signs the video token for one participant of an appointment's session (R19): only its client,
 * therapist, an owner or a manager (`access` has checked that), only while the session can be
 * joined, and valid until the latest the session can last (the provider clamps it to what it accepts).
 * Each token issued is audited.
 */
export async function videoJoin(deps: Deps, actor: Actor, access: SessionAccess): Promise<VideoJoin | PeerJoin> {
  const video = videoReady(deps);
  if (!video) throw new DomainError("video_not_configured", 503, VIDEO_NOT_CONFIGURED);
  const { appointment, practice } = access;
  const now = deps.clock();
  const rec = await deps.store.sessions.byAppointment(practice.id, appointment.id);
  if (!joinable(appointment, practice, rec, now)) {
    throw conflict("session_not_open", rec?.state === "completed"
      ? "this session has ended"
      : "this session cannot be joined now: it opens shortly before the appointment and closes when it completes");
  }
  if (video.provider.peerConfig) return peerJoin(deps, actor, access, video.provider, now);
  // The stored name is what webhooks are matched against; a record made before video was set up has none.
  const sessionName = rec?.sessionName ?? video.sessionName!(appointment.id);
  const role: VideoRole = access.role === "provider" ? "host" : "participant";
  const expiresAt = joinLinkExpiry(appointment, practice);
  const token = video.provider.participantToken({ sessionName, role, userKey: video.participantKey!(appointment.id, access.who.id), issuedAt: now, expiresAt });
  await auditRead(deps, actor, now, practice.id, "session.video_token", { type: "appointment", id: appointment.id }, { role });
  return {
    provider: video.provider.name,
    sessionName,
    token,
    role,
    userName: access.role === "provider" ? "Provider" : "Client",
    sdk: video.provider.clientConfig(),
  };
}
