/**
 * One RTCPeerConnection for the built-in call, negotiated with the W3C "perfect negotiation"
 * pattern (https://w3c.github.io/webrtc-pc/#perfect-negotiation-example): both sides may offer at
 * any time; on a collision the polite side (the server says which) rolls back, the impolite side
 * ignores the other's offer. Messages are handled one at a time, in order. ICE restarts after a few
 * seconds of `disconnected`, at once on `failed`, and again every few seconds until it recovers;
 * the impolite side restarts, the polite side asks it to. A fresh pair that has never connected some
 * seconds after both pcs exist is given up on by the impolite side (`onStuck`): a new pc on both
 * sides, because a pc whose first negotiation went wrong may never gather candidates again.
 */

import { linkFigures, qualityLevel, type LossCounter } from "./quality.js";

export type SignalMsg =
  | { type: "description"; description: { type: RTCSdpType; sdp: string } }
  | { type: "candidate"; candidate: RTCIceCandidateInit | null }
  | { type: "media"; camera: boolean; mic: boolean; audioOnly: boolean }
  | { type: "restart" }
  | { type: "hello" };

export interface PeerOptions {
  polite: boolean;
  config: RTCConfiguration;
  send(msg: SignalMsg): void;
  /** The other side's tracks, as they arrive. */
  onTrack(track: MediaStreamTrack): void;
  /** connected, reconnecting (disconnected or failed, restarting), or closed. */
  onLink(state: "connecting" | "connected" | "reconnecting"): void;
  onMedia(m: { camera: boolean; mic: boolean; audioOnly: boolean }): void;
  /** Called after an offer is applied and before it is answered: the place to add this side's tracks. */
  beforeAnswer(): void;
  /** Impolite side only: this pc has not connected `freshMs` after the other side's pc said it exists. */
  onStuck(): void;
  /** How long a fresh pair may take to connect before `onStuck` (the caller backs off when it repeats). */
  freshMs: number;
}

/** Seconds of `disconnected` before an ICE restart, and between restarts while it has not recovered. */
const DISCONNECTED_MS = 2_500;
const RETRY_MS = 5_000;
/** A new pair that has negotiated but not connected by then restarts too (a lost candidate, a collision). */
const FIRST_CONNECT_MS = 5_000;

export class PeerLink {
  readonly pc: RTCPeerConnection;
  private makingOffer = false;
  private ignoreOffer = false;
  private settingAnswer = false;
  private chain: Promise<void> = Promise.resolve();
  private readonly timer: number;
  /** Since when it has not been connected (or since the pc was made). */
  private since = Date.now();
  private lastRestart = 0;
  private readonly loss: LossCounter = { lost: 0, received: 0 };
  private closed = false;
  private wasConnected = false;
  /** Whether the other side's pc has said it exists (its first `media` message). */
  private heard = false;
  private stuck = false;

  constructor(private readonly o: PeerOptions) {
    const pc = (this.pc = new RTCPeerConnection(o.config));
    pc.onnegotiationneeded = async () => {
      try {
        this.makingOffer = true;
        await pc.setLocalDescription();
        if (pc.localDescription) this.send({ type: "description", description: { type: pc.localDescription.type, sdp: pc.localDescription.sdp } });
      } catch {
        /* a newer negotiation superseded this one */
      } finally {
        this.makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) this.send({ type: "candidate", candidate: candidate.toJSON() });
    };
    pc.ontrack = ({ track }) => o.onTrack(track);
    pc.onconnectionstatechange = () => this.watch();
    this.timer = window.setInterval(() => this.tick(), 1_000);

  }

  /** Handles one message from the other side, after every earlier one. */
  receive(msg: SignalMsg): Promise<void> {
    this.chain = this.chain.then(() => this.handle(msg)).catch(() => undefined);
    return this.chain;
  }

  /** The link's quality 0–5 from getStats() (quality.ts), or undefined while not connected. */
  async quality(): Promise<number | undefined> {
    if (this.pc.connectionState !== "connected") return undefined;
    const report = await this.pc.getStats().catch(() => null);
    return report ? qualityLevel(linkFigures(report.values(), this.loss)) : undefined;
  }

  close(): void {
    this.closed = true;
    window.clearInterval(this.timer);
    this.pc.onconnectionstatechange = null;
    this.pc.close();
  }

  private async handle(msg: SignalMsg): Promise<void> {
    if (this.closed) return;
    const pc = this.pc;
    if (msg.type === "description") {
      const d = msg.description;
      const readyForOffer = !this.makingOffer && (pc.signalingState === "stable" || this.settingAnswer);
      const collision = d.type === "offer" && !readyForOffer;
      this.ignoreOffer = !this.o.polite && collision;
      if (this.ignoreOffer) return;
      this.settingAnswer = d.type === "answer";
      await pc.setRemoteDescription(d); // the polite side rolls back its own offer implicitly
      this.settingAnswer = false;
      if (d.type === "offer") {
        this.o.beforeAnswer();
        await pc.setLocalDescription();
        if (pc.localDescription) this.send({ type: "description", description: { type: pc.localDescription.type, sdp: pc.localDescription.sdp } });
      }
    } else if (msg.type === "candidate") {
      if (!msg.candidate) return;
      try {
        await pc.addIceCandidate(msg.candidate);
      } catch (err) {
        if (!this.ignoreOffer) throw err;
      }
    } else if (msg.type === "media") {
      // The other side's pc has just been made (it says so first): a fresh pair's time to connect counts from here.
      if (!this.heard && !this.wasConnected) this.since = Date.now();
      this.heard = true;
      this.o.onMedia(msg);
    } else if (msg.type === "restart") {
      if (!this.o.polite) pc.restartIce();
    }
  }

  /** Nothing from a closed pc goes out: a late offer or candidate would reach the other side's next pc. */
  private send(msg: SignalMsg): void {
    if (!this.closed) this.o.send(msg);
  }

  /** The page's indicator follows the connection state; `failed` restarts at once. */
  private watch(): void {
    const s = this.pc.connectionState;
    if (s === "connected") {
      this.wasConnected = true;
      this.since = Date.now();
      return this.o.onLink("connected");
    }
    if (s === "new" || s === "connecting") return this.o.onLink(this.wasConnected ? "reconnecting" : "connecting");
    if (s === "disconnected" || s === "failed") this.o.onLink("reconnecting");
    if (s === "failed") this.tick();
  }

  /**
   * Once a second: not connected for a few seconds after being connected (at once when failed), or
   * never connected 5 s after negotiating, restarts ICE, and again every few seconds until it works;
   * never connected `freshMs` after both pcs exist (negotiated or not), the impolite side gives up on the pair.
   */
  private tick(): void {
    if (this.closed) return;
    const now = Date.now();
    const s = this.pc.connectionState;
    if (s === "connected") {
      this.since = now;
      return;
    }
    if (!this.wasConnected && !this.o.polite && !this.stuck && now - this.since >= this.o.freshMs) {
      this.stuck = true;
      return this.o.onStuck();
    }
    const due = s === "failed" ? 0 : this.wasConnected ? DISCONNECTED_MS : FIRST_CONNECT_MS;
    if (now - this.since < due || now - this.lastRestart < RETRY_MS) return;
    if (this.pc.signalingState !== "stable" || !this.pc.remoteDescription) return;
    this.lastRestart = now;
    // Only the impolite side restarts (the polite one asks it to), so two restarts never collide.
    if (this.o.polite) this.send({ type: "restart" });
    else this.pc.restartIce();
  }
}
