/**
 * The Zoom Video SDK on the session page (R19).
 *
 * When this person is in the session (the page's state is waiting or live) it asks the server for
 * its token (the server decides host or participant), loads the SDK from this server, runs `init`
 * with `dependentAssets` at this server's copy of the SDK's lib folder, and `join`s. Camera and
 * microphone start only from the person's click (`startVideo`, `startAudio`). The other person's
 * video is attached when it starts (`attachVideo`). When the session ends the page leaves; the
 * provider's page ends the video session for both (`leave(true)`).
 *
 * Nothing here waits forever: each step has a time limit, and a failure shows what happened, what to
 * try and whom to contact, with Try again. The waiting room and presence (session.ts) carry on regardless.
 * The `data-video-state` attribute (idle, connecting, joined, not-configured, failed, left) says where it is.
 *
 * On a weak connection (stage-hooks.ts): Zoom's `connection-change` Reconnecting shows Reconnecting…
 * until Connected; `network-quality-change` (0–5) is the connection indicator; `auto-play-audio-failed`
 * shows Tap to hear; `device-change` carries on with a device still there; audio only stops the
 * video both ways and keeps the sound (video-zoom-media.ts).
 */
import { find, must } from "./dom.js";
import { stageHooks } from "./stage-hooks.js";
import { zoomMedia, type Client, type Media, type Sdk } from "./video-zoom-media.js";


/** The server's answer to the token request (`POST …/session/video`). */
interface VideoGrant {
  sessionName: string;
  token: string;
  userName: string;
  sdk: { sdkModule: string; dependentAssets: string; language: string; initOptions: Parameters<Client["init"]>[2] };
}

type Problem = "not-configured" | "server" | "signed-out" | "refused" | "browser" | "unreachable" | "lost";

const root = find("[data-video]");
if (root) start(root);

function start(root: HTMLElement): void {
  const status = must("[data-video-status]", root);
  const stage = must("[data-video-stage]", root);
  const peerTile = must('[data-tile="peer"]', root);
  const selfTile = must('[data-tile="self"]', root);
  const cameraButton = must<HTMLButtonElement>("[data-video-camera]", root);
  const micButton = must<HTMLButtonElement>("[data-video-mic]", root);
  const problemBox = must("[data-video-problem-box]", root);
  const problemTitle = must("[data-video-problem-title]", root);
  const problemText = must("[data-video-problem-text]", root);
  const retry = must<HTMLButtonElement>("[data-video-retry]", root);
  const provider = root.getAttribute("data-role") === "provider";
  const practice = root.getAttribute("data-practice") || "your practice";
  const STEP_MS = 20_000;
  const hooks = stageHooks(stage);

  let sdk: Sdk | null = null;
  let client: Client | null = null;
  let media: Media | null = null;
  /** Who else has their camera on (attached unless audio only). */
  const peersWithVideo = new Set<number>();
  let sessionState = (find("[data-session-events]") ?? root).getAttribute("data-state");

  const MESSAGES: Record<Problem, [string, string]> = {
    "not-configured": ["Video is not set up yet",
      "This practice has not finished setting up video, so the call cannot start on this page. You can stay here: the page still shows when the other person arrives."],
    server: [`We could not reach ${practice}`,
      "Your device could not reach the practice's server. Check that you are online (Wi-Fi or mobile data), then press Try again."],
    "signed-out": ["You are signed out",
      "Your sign-in has ended. Reload this page and sign in again; the video starts by itself."],
    refused: ["The video session is not open",
      "The session cannot be joined right now. Reload the page; if it has ended, it cannot be joined again."],
    browser: ["This browser could not start the video",
      "Update your browser, or open this page in a current Chrome, Edge, Safari or Firefox, then press Try again."],
    unreachable: ["We could not connect to the video service (Zoom)",
      "Check that you are online (Wi-Fi or mobile data) and turn off any VPN, then press Try again. On a work network, the firewall may block Zoom."],
    lost: ["The video connection was lost",
      "Check your connection, then press Try again. You stay in the session meanwhile."],
  };

  function setState(state: string, text?: string): void {
    root.setAttribute("data-video-state", state);
    if (text !== undefined) status.textContent = text;
  }

  function problem(kind: Problem, detail?: unknown): void {
    const [title, text] = MESSAGES[kind];
    // The box says it (role=alert); the status line would only repeat it.
    setState(kind === "not-configured" ? "not-configured" : "failed", "");
    root.setAttribute("data-video-problem", kind);
    if (detail !== undefined) root.setAttribute("data-video-error", String(detail).slice(0, 120));
    problemTitle.textContent = title;
    problemText.textContent = text;
    problemBox.hidden = false;
    retry.hidden = kind === "not-configured";
    stage.hidden = true;
  }

  function clearProblem(): void {
    problemBox.hidden = true;
    root.removeAttribute("data-video-problem");
    root.removeAttribute("data-video-error");
  }

  const within = <T>(promise: Promise<T>, what: string): Promise<T> => Promise.race([promise, new Promise<never>((_, reject) =>
    setTimeout(() => reject({ type: "TIMEOUT", reason: `${what} took longer than ${STEP_MS / 1000} s` }), STEP_MS))]);
  const reasonOf = (e: unknown): string => {
    const o = (e ?? {}) as { reason?: string; message?: string; type?: string };
    return o.reason || o.message || o.type || "unknown";
  };
  const busy = () => {
    const s = root.getAttribute("data-video-state");
    return s === "connecting" || s === "joined";
  };
  const wanted = () => sessionState === "waiting" || sessionState === "live";
  const me = () => client!.getCurrentUserInfo().userId;

  async function join(): Promise<void> {
    if (busy() || !wanted()) return;
    clearProblem();
    if (root.getAttribute("data-video-configured") !== "1") return problem("not-configured");
    setState("connecting", "Connecting to video…");
    let info: VideoGrant;
    try {
      const res = await fetch(root.getAttribute("data-video")!, {
        method: "POST", credentials: "same-origin",
        headers: { "x-csrf-token": root.getAttribute("data-csrf") ?? "", accept: "application/json" },
      });
      if (res.status === 503) return problem("not-configured");
      if (res.status === 401) return problem("signed-out", res.status);
      if (!res.ok) return problem("refused", res.status);
      info = (await res.json()) as VideoGrant;
    } catch (e) {
      return problem("server", reasonOf(e));
    }
    try {
      sdk = sdk || (await within(import(/* the server's own copy */ info.sdk.sdkModule) as Promise<Sdk>, "loading the video software"));
      client = sdk.default.createClient();
      const lib = new URL(info.sdk.dependentAssets, location.href).href;
      await within(Promise.resolve(client.init(info.sdk.language, lib, info.sdk.initOptions)), "starting the video software");
    } catch (e) {
      drop();
      return problem("browser", reasonOf(e));
    }
    try {
      await within(Promise.resolve(client.join(info.sessionName, info.token, info.userName)), "connecting to Zoom");
    } catch (e) {
      drop();
      return problem("unreachable", reasonOf(e));
    }
    if (!wanted()) return leave();
    media = client.getMediaStream();
    client.on("peer-video-state-change", (p) => {
      if (p.action === "Start") peersWithVideo.add(p.userId);
      else peersWithVideo.delete(p.userId);
      void (p.action === "Start" ? attach(p.userId) : detach(p.userId));
    });
    client.on("user-removed", (users) => (users || []).forEach((u) => {
      peersWithVideo.delete(u.userId);
      void detach(u.userId);
    }));
    client.on("connection-change", (p) => {
      // Reconnecting: Zoom is failing over and the call usually comes back by itself; say so and wait.
      if (p.state === "Reconnecting") return hooks.reconnecting(true);
      if (p.state === "Connected") return hooks.reconnecting(false);
      if (p.state === "Closed" || p.state === "Fail") {
        drop();
        if (wanted()) problem("lost", p.reason);
      }
    });
    // Zoom rates each direction 0–5 (0–1 bad, 2 normal, 3–5 good); this person's worse one is shown.
    // When it turns bad (0–1) the status line says once what helps, until it is good again (3+).
    const links: Partial<Record<"uplink" | "downlink", number>> = {};
    let weak = false;
    client.on("network-quality-change", (p) => {
      if (p.userId !== me()) return;
      links[p.type] = p.level;
      const worst = Math.min(...Object.values(links));
      hooks.quality(worst);
      if (worst <= 1 && !weak && !hooks.isAudioOnly()) status.textContent = "Your connection is weak. If the picture freezes, press Switch to audio only.";
      weak = worst <= 1 ? true : worst >= 3 ? false : weak;
    });
    // The browser would not play the call's sound without a gesture; the SDK plays it on the next
    // interaction with the page, which the tap is.
    client.on("auto-play-audio-failed", () => hooks.tapToHear(() => void (status.textContent = "You can hear the call now.")));
    client.on("device-change", () => void controls.devicesChanged());
    const self = me();
    client.getAllUser().forEach((u) => {
      if (u.userId !== self && u.bVideoOn) {
        peersWithVideo.add(u.userId);
        void attach(u.userId);
      }
    });
    stage.hidden = false;
    cameraButton.hidden = false;
    micButton.hidden = false;
    hooks.audioOnly(controls.audioOnly);
    peerShown();
    setState("joined", "Video connected. Turn on your camera and microphone when you are ready.");
  }

  const peerShown = () => hooks.peerPicture(!!peerTile.querySelector("video-player"));

  async function attach(userId: number): Promise<void> {
    if (!media || !sdk || userId === me() || hooks.isAudioOnly()) return;
    try {
      const el = await media.attachVideo(userId, sdk.VideoQuality.Video_360P);
      if (el instanceof Element) peerTile.appendChild(el);
    } catch { /* their video shows when it next starts */ }
    peerShown();
  }

  async function detach(userId: number): Promise<void> {
    if (!media) return;
    try {
      const els = await media.detachVideo(userId);
      for (const el of Array.isArray(els) ? els : [els]) if (el instanceof Element) el.remove();
    } catch { /* nothing attached */ }
    peerShown();
  }

  const controls = zoomMedia({
    media: () => media, sdk: () => sdk, me, status, cameraButton, micButton, selfTile,
    peers: {
      attachAll: async () => { for (const id of peersWithVideo) await attach(id); },
      detachAll: async () => { for (const id of peersWithVideo) await detach(id); },
    },
  });

  retry.addEventListener("click", () => void join());

  function drop(): void {
    media = null;
    controls.reset();
    peersWithVideo.clear();
    hooks.reset();
    if (sdk && client) {
      try {
        void sdk.default.destroyClient();
      } catch { /* already gone */ }
    }
    client = null;
  }

  async function leave(): Promise<void> {
    const c = client;
    if (c) {
      try {
        await within(Promise.resolve(c.leave(provider)), "leaving");
      } catch { /* Zoom ends idle sessions by itself */ }
    }
    drop();
    stage.hidden = true;
    clearProblem();
    setState("left", "The video has ended.");
  }

  // In the session (waiting or live): join. Ended: leave, and on the provider's page end it for both.
  function follow(state: string | null): void {
    sessionState = state;
    if (state === "completed" || state === "cancelled") void leave();
    else if (wanted()) void join();
  }
  document.addEventListener("tele:session-state", (e) => follow((e as CustomEvent<{ state: string }>).detail.state));
  follow(sessionState);
}
