/**
 * Page → server signalling for the built-in video (R29). Only the appointment's two participants
 * (the session page's access rule has admitted them), only while the session can be joined, only
 * messages of the four known kinds within size limits, and only from each side's current stream to
 * the other's (relay.ts): a stale sender or a peer that has gone is told so, and nothing is kept.
 */
import { z } from "zod";
import type { Deps } from "../deps.js";
import { conflict, DomainError } from "../errors.js";
import type { SessionAccess } from "./access.js";
import type { SessionHub } from "./hub.js";
import { joinable } from "./lifecycle.js";

/** The largest signalling body accepted (an SDP offer with several m-lines is a few KB). */
export const SIGNAL_BODY_LIMIT = 64 * 1024;

const ConnId = z.string().regex(/^c_[A-Za-z0-9_-]{16}$/);

export const SignalMessage = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("description"),
    description: z.object({ type: z.enum(["offer", "answer", "pranswer", "rollback"]), sdp: z.string().max(60_000) }).strict(),
  }).strict(),
  z.object({
    type: z.literal("candidate"),
    candidate: z.object({
      candidate: z.string().max(1024),
      sdpMid: z.string().max(64).nullable().optional(),
      sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
      usernameFragment: z.string().max(256).nullable().optional(),
    }).strict().nullable(),
  }).strict(),
  z.object({ type: z.literal("media"), camera: z.boolean(), mic: z.boolean(), audioOnly: z.boolean() }).strict(),
  z.object({ type: z.enum(["restart", "hello"]) }).strict(),
]);
export type SignalMessage = z.infer<typeof SignalMessage>;

export const SignalBody = z.object({ from: ConnId, to: ConnId, msg: SignalMessage }).strict();

/** Relays one message; throws a DomainError (400 bad message, 409 not joinable, stale or peer gone). */
export async function sendSignal(deps: Deps, hub: SessionHub, access: SessionAccess, body: unknown): Promise<void> {
  if (!deps.video?.provider.peerConfig) throw conflict("video_not_builtin", "this server's video does not use the built-in call");
  const parsed = SignalBody.safeParse(body);
  if (!parsed.success) throw new DomainError("invalid_signal", 400, "that is not a signalling message this server relays");
  const { appointment, practice } = access;
  const rec = await deps.store.sessions.byAppointment(practice.id, appointment.id);
  if (!rec || !joinable(appointment, practice, rec, deps.clock())) throw conflict("session_not_open", "this session is not open for video now");
  const { from, to, msg } = parsed.data;
  const result = await hub.relay.relay(practice.id, appointment.id, access.role, from, to, msg);
  if (result === "stale_sender") throw conflict("signal_stale", "this page's event stream has been replaced; it starts afresh on the new one");
  if (result === "peer_gone") throw conflict("peer_absent", "the other person's page is not connected now");
  if (msg.type === "media") await hub.setAudioOnly(access, msg.audioOnly);
}
