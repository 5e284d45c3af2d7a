/**
 * Admission to a built-in (browser-to-browser) video call (R29): what the session page needs to set
 * up its RTCPeerConnection. The server decides the side and who is polite in the "perfect
 * negotiation" pattern (the client is polite); the page never does. Each admission mints fresh
 * TURN credentials that end with the session's deadline at the latest (a few hours at most).
 */
import { sessionPath } from "../appointments/window.js";
import type { IceServer, IceTransportPolicy } from "../../video/ice.js";
import type { VideoProvider } from "../../video/provider.js";
import { audit } from "../audit/audit.js";
import type { Actor, Deps } from "../deps.js";
import type { SessionAccess, SessionRole } from "./access.js";
import { joinLinkExpiry } from "./join-link.js";

export interface PeerJoin {
  provider: "builtin";
  /** This page's side of the call. */
  side: SessionRole;
  /** The polite peer yields when both offer at once; decided here: the client is polite. */
  polite: boolean;
  iceServers: IceServer[];
  iceTransportPolicy: IceTransportPolicy;
  /** Where the page POSTs its signalling messages (the replies arrive on its event stream). */
  signalUrl: string;
}

export async function peerJoin(deps: Deps, actor: Actor, access: SessionAccess, provider: VideoProvider, now: number): Promise<PeerJoin> {
  const { appointment, practice } = access;
  const ice = provider.peerConfig!({ issuedAt: now, expiresAt: joinLinkExpiry(appointment, practice) });
  await deps.store.tx((r) => audit(r, actor, now, practice.id, "session.video_admit", { type: "appointment", id: appointment.id },
    { role: access.role, provider: provider.name, turn: ice.iceServers.some((s) => s.credential !== undefined) }));
  return {
    provider: "builtin",
    side: access.role,
    polite: access.role === "client",
    iceServers: ice.iceServers,
    iceTransportPolicy: ice.iceTransportPolicy,
    signalUrl: `${sessionPath(practice.slug, appointment.id)}/signal`,
  };
}
