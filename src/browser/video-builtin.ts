/**
 * tele's own 1:1 video call on the session page (R29): WebRTC directly between the two browsers,
 * with this server as the only signalling relay (signals go out as POSTs to the admission's
 * signalUrl and arrive as `rtc` events on the page's event stream, which session.ts forwards as
 * `tele:rtc`). The server decides the side and who is polite (peer.ts negotiates).
 *
 * Each time the server says the pair of current streams changed (this page's stream reconnected,
 * the other person reloaded, arrived or left), the call starts afresh on a new RTCPeerConnection:
 * an old negotiation is never replayed into a new one. On a fresh pc the impolite side always makes
 * the first offer and the polite side only answers it: a polite offer rolled back at the very start
 * can leave Chromium's pc unable to gather candidates for good (the pair then sat at "connecting").
 * A fresh pair that still has not connected after a few seconds starts afresh by itself: the
 * impolite side sends `hello` (everything it sent before is void) and both make a new pc.
 * `data-call` on the panel says where it is: idle, alone (the other person is not here),
 * connecting, connected, reconnecting, ended.
 */
import { find, must } from "./dom.js";
import { PeerLink, type SignalMsg } from "./peer.js";
import { localMedia, type Chosen } from "./video-media.js";

interface Admission {
  side: "provider" | "client";
  polite: boolean;
  iceServers: RTCIceServer[];
  iceTransportPolicy: RTCIceTransportPolicy;
  signalUrl: string;
}
type RtcEvent = { type: "peer"; you: string; peer: string | null } | { type: "signal"; from: string; msg: SignalMsg };
type Media = { camera: boolean; mic: boolean; audioOnly: boolean };

/** How long a fresh pair may take to connect before it starts afresh, and the longest wait as it repeats. */
const FRESH_MS = 6_000;
const FRESH_MAX_MS = 20_000;

const root = find("[data-video]");
if (root && root.getAttribute("data-video-provider") === "builtin") start(root);

function start(root: HTMLElement): void {
  const q = <E extends Element = HTMLElement>(sel: string) => must<E>(sel, root);
  const status = q("[data-video-status]");
  const stage = q("[data-video-stage]");
  const peerVideo = q<HTMLVideoElement>("[data-peer-video]");
  const selfVideo = q<HTMLVideoElement>("[data-self-video]");
  const placeholder = q("[data-peer-placeholder]");
  const quality = q("[data-quality]");
  const reconnecting = q("[data-reconnecting]");
  const tapToHear = q<HTMLButtonElement>("[data-tap-to-hear]");
  const audioOnlyButton = q<HTMLButtonElement>("[data-audio-only]");
  const cameraButton = q<HTMLButtonElement>("[data-video-camera]");
  const micButton = q<HTMLButtonElement>("[data-video-mic]");
  const help = q("[data-media-help]");
  const problemBox = q("[data-video-problem-box]");
  const csrf = root.getAttribute("data-csrf") ?? "";

  let sessionState = (find("[data-session-events]") ?? root).getAttribute("data-state");
  let admission: Admission | null = null;
  let admitting = false;
  let local: MediaStream | null = null;
  let mediaReady = false;
  let chosen: Chosen = {};
  let ids: { you: string | null; peer: string | null } = { you: null, peer: null };
  let link: PeerLink | null = null;
  let pending: SignalMsg[] = [];
  let me: Media = { camera: false, mic: false, audioOnly: false };
  let them: Media = { camera: true, mic: true, audioOnly: false };
  let remote = new MediaStream();
  let outbox: Promise<unknown> = Promise.resolve();
  let freshMs = FRESH_MS;

  const call = (state: string, text?: string) => {
    root.setAttribute("data-call", state);
    reconnecting.hidden = state !== "reconnecting";
    if (text !== undefined) status.textContent = text;
  };
  const wanted = () => sessionState === "waiting" || sessionState === "live";
  const track = (kind: "audio" | "video") => local?.getTracks().find((t) => t.kind === kind && t.readyState === "live") ?? null;
  const transceiver = (kind: "audio" | "video") => link?.pc.getTransceivers().find((t) => t.receiver.track.kind === kind && t.currentDirection !== "stopped");

  function problem(title: string, text: string): void {
    root.setAttribute("data-video-state", "failed");
    must("[data-video-problem-title]", root).textContent = title;
    must("[data-video-problem-text]", root).textContent = text;
    problemBox.hidden = false;
  }

  // Signals out, one at a time so the other side gets them in order; a refusal (stale stream, peer gone) is dropped.
  function send(msg: SignalMsg): void {
    const { you, peer } = ids;
    if (!admission || !you || !peer) return;
    const url = admission.signalUrl;
    outbox = outbox.then(() => fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body: JSON.stringify({ from: you, to: peer, msg }),
    })).catch(() => undefined);
  }

  const sendMedia = () => send({ type: "media", ...me });

  /**
   * What this side sends: its camera unless off or either side switched to audio only; its
   * microphone unless off. The polite side changes nothing on its pc before the first offer has been
   * applied (beforeAnswer): a track added earlier would make it offer too, and collide.
   */
  async function applySending(): Promise<void> {
    if (!link || (admission?.polite && !link.pc.remoteDescription)) return showSelf();
    const wantVideo = me.camera && !me.audioOnly && !them.audioOnly;
    const plan = [["video", wantVideo], ["audio", me.mic]] as const;
    // Directions first, with no await in between, so an answer being made now includes both.
    for (const [kind, on] of plan) {
      const tr = transceiver(kind);
      const t = track(kind);
      // Taken over from the other side's offer: it only received until now.
      if (tr && on && t && (tr.direction === "recvonly" || tr.direction === "inactive")) tr.direction = "sendrecv";
      else if (!tr && on && t && local) link.pc.addTrack(t, local);
    }
    // Off is no track at all, so nothing is sent (a disabled track would still send silence or black).
    for (const [kind, on] of plan) {
      const tr = transceiver(kind);
      const t = on ? track(kind) : null;
      if (tr && tr.sender.track !== t) await tr.sender.replaceTrack(t).catch(() => undefined);
    }
    showSelf();
  }

  function showSelf(): void {
    selfVideo.hidden = !me.camera;
    showPlaceholder();
  }

  function showPlaceholder(): void {
    const off = !them.camera || them.audioOnly || me.audioOnly || !ids.peer;
    placeholder.hidden = !off;
    peerVideo.classList.toggle("off", off);
  }

  function newLink(): void {
    if (!admission || !mediaReady || !ids.peer || link || !wanted()) return;
    remote = new MediaStream();
    peerVideo.srcObject = remote;
    link = new PeerLink({
      polite: admission.polite,
      config: { iceServers: admission.iceServers, iceTransportPolicy: admission.iceTransportPolicy },
      send,
      onTrack: (t) => {
        remote.addTrack(t);
        play();
      },
      onLink: (s) => {
        if (s === "connected") freshMs = FRESH_MS;
        call(s, s === "connected" ? "Video connected." : s === "reconnecting" ? "Reconnecting…" : "Connecting the video…");
      },
      onMedia: (m) => {
        them = m;
        void applySending();
      },
      beforeAnswer: () => void applySending(),
      onStuck: startAfresh,
      freshMs,
    });
    (window as unknown as { __telePc?: RTCPeerConnection }).__telePc = link.pc; // read by the browser tests' getStats checks
    // A fresh pair: the impolite side offers first, always (receive-only where it has no track, so
    // there is an offer even without a camera or microphone); the polite side adds its tracks when it
    // answers. The two never start with colliding offers.
    if (!admission.polite) {
      void applySending();
      for (const kind of ["video", "audio"] as const) if (!transceiver(kind)) link.pc.addTransceiver(kind, { direction: "recvonly" });
    }
    sendMedia();
    call("connecting", "Connecting the video…");
    const queued = pending;
    pending = [];
    for (const m of queued) void link.receive(m);
  }

  /**
   * Impolite side: this fresh pair has not connected in time (an offer lost, or a pc that never
   * gathered candidates): `hello` tells the other side to start afresh too, then a new pc offers.
   * Each repeat waits longer, so a slow phone gets the time it needs.
   */
  function startAfresh(): void {
    dropLink();
    freshMs = Math.min(freshMs * 1.5, FRESH_MAX_MS);
    send({ type: "hello" });
    newLink();
  }

  function dropLink(): void {
    link?.close();
    link = null;
    pending = [];
    remote.getTracks().forEach((t) => remote.removeTrack(t));
    peerVideo.srcObject = null;
    quality.setAttribute("data-level", "0");
    quality.textContent = "Connection: 0 of 5";
  }

  function play(): void {
    peerVideo.play().catch(() => {
      // The browser refused sound without a gesture: show the picture muted, and offer Tap to hear.
      peerVideo.muted = true;
      tapToHear.hidden = false;
      void peerVideo.play().catch(() => undefined);
    });
  }
  tapToHear.addEventListener("click", () => {
    peerVideo.muted = false;
    void peerVideo.play().then(() => (tapToHear.hidden = true), () => undefined);
  });

  function onRtc(ev: RtcEvent): void {
    if (ev.type === "peer") {
      if (ev.you === ids.you && ev.peer === ids.peer) return;
      ids = { you: ev.you, peer: ev.peer };
      freshMs = FRESH_MS;
      dropLink(); // a new pair: start afresh on both sides
      if (!ev.peer) {
        if (wanted()) call("alone", "Video starts when the other person joins.");
        showPlaceholder();
        return;
      }
      newLink();
    } else if (ev.from === ids.peer && ev.msg.type === "hello") {
      // The other side started this pair afresh: what it sent before is void, and so is this pc.
      dropLink();
      newLink();
    } else if (ev.from === ids.peer) {
      if (link) void link.receive(ev.msg);
      else if (pending.length < 500) pending.push(ev.msg);
    }
  }

  async function admit(): Promise<void> {
    if (admission || admitting || !wanted()) return;
    if (typeof RTCPeerConnection !== "function") {
      return problem("This browser could not start the video", "Update your browser, or open this page in a current Chrome, Edge, Safari or Firefox.");
    }
    admitting = true;
    root.setAttribute("data-video-state", "connecting");
    status.textContent = "Starting the video…";
    try {
      const res = await fetch(root.getAttribute("data-video")!, {
        method: "POST", credentials: "same-origin", headers: { "x-csrf-token": csrf, accept: "application/json" },
      });
      if (res.status === 401) return problem("You are signed out", "Your sign-in has ended. Reload this page and sign in again.");
      if (!res.ok) return problem("The video session is not open", "The session cannot be joined right now. Reload the page; if it has ended, it cannot be joined again.");
      admission = (await res.json()) as Admission;
    } catch {
      return problem("We could not reach the practice", "Check that you are online (Wi-Fi or mobile data), then reload the page.");
    } finally {
      admitting = false;
    }
    root.setAttribute("data-video-state", "joined");
    stage.hidden = false;
    document.dispatchEvent(new CustomEvent("tele:camera-release"));
    const got = await localMedia(chosen);
    local = got.stream;
    me = { camera: !!track("video"), mic: !!track("audio"), audioOnly: false };
    if (got.problem) {
      help.hidden = false;
      must("[data-media-help-text]", root).textContent = got.problem;
      root.setAttribute("data-media-problem", got.kind ?? "unknown");
    }
    selfVideo.srcObject = local;
    void selfVideo.play().catch(() => undefined);
    mediaReady = true;
    labels();
    for (const b of [cameraButton, micButton, audioOnlyButton]) b.hidden = false;
    if (!ids.peer) call("alone", "Video starts when the other person joins.");
    newLink();
  }

  function labels(): void {
    cameraButton.textContent = me.camera ? "Turn camera off" : "Turn camera on";
    micButton.textContent = me.mic ? "Turn microphone off" : "Turn microphone on";
    audioOnlyButton.textContent = me.audioOnly ? "Turn video back on" : "Switch to audio only";
    audioOnlyButton.setAttribute("aria-pressed", String(me.audioOnly));
  }

  async function toggle(kind: "audio" | "video"): Promise<void> {
    const key = kind === "video" ? "camera" : "mic";
    if (!me[key] && !track(kind)) {
      // Not started (refused earlier, or never there): ask again, from this click.
      const got = await localMedia(chosen, kind);
      const t = got.stream?.getTracks()[0];
      if (!t) {
        help.hidden = false;
        must("[data-media-help-text]", root).textContent = got.problem ?? "";
        return;
      }
      (local ??= new MediaStream()).addTrack(t);
      selfVideo.srcObject = local;
    }
    me = { ...me, [key]: !me[key] };
    const t = track(kind);
    if (t) t.enabled = me[key];
    labels();
    status.textContent = `Your ${kind === "video" ? "camera" : "microphone"} is ${me[key] ? "on" : "off"}.`;
    await applySending();
    sendMedia();
  }
  cameraButton.addEventListener("click", () => void toggle("video"));
  micButton.addEventListener("click", () => void toggle("audio"));
  audioOnlyButton.addEventListener("click", () => {
    me = { ...me, audioOnly: !me.audioOnly };
    labels();
    status.textContent = me.audioOnly ? "Audio only: video is off for both of you." : "Video is back on.";
    void applySending();
    sendMedia();
  });

  document.addEventListener("tele:devices-chosen", (e) => {
    chosen = { ...(e as CustomEvent<Chosen>).detail };
  });

  // The network quality, every two seconds from getStats().
  window.setInterval(async () => {
    const level = await link?.quality();
    if (level === undefined) return;
    quality.setAttribute("data-level", String(level));
    quality.textContent = `Connection: ${level} of 5`;
  }, 2_000);

  function end(): void {
    dropLink();
    local?.getTracks().forEach((t) => t.stop());
    local = null;
    stage.hidden = true;
    root.setAttribute("data-video-state", "left");
    call("ended", "The video has ended.");
  }

  document.addEventListener("tele:rtc", (e) => onRtc((e as CustomEvent<RtcEvent>).detail));
  document.addEventListener("tele:session-state", (e) => {
    sessionState = (e as CustomEvent<{ state: string }>).detail.state;
    if (sessionState === "completed" || sessionState === "cancelled") end();
    else void admit();
  });
  call("idle");
  document.dispatchEvent(new CustomEvent("tele:rtc-listening"));
  void admit();
}
