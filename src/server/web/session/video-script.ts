/**
 * video.js, an ES module served from /assets: the Zoom Video SDK on the session page (R19).
 *
 * When this person is in the session (the page's state is waiting or live) it asks the server for
 * its token (the server decides host or participant), loads the SDK from this server, runs `init`
 * with `dependentAssets` at this server's copy of the SDK's lib folder, and `join`s. Camera and
 * microphone start only from the person's click (`startVideo`, `startAudio`). The other person's
 * video is attached when it starts (`attachVideo`). When the session ends the page leaves; the
 * provider's page ends the video session for both (`leave(true)`).
 *
 * Nothing here waits forever: each step has a time limit, and a failure shows what happened, what to
 * try and whom to contact, with Try again. The waiting room and presence (session.js) carry on regardless.
 * The `data-video-state` attribute (idle, connecting, joined, not-configured, failed, left) says where it is.
 */
export const VIDEO_JS = `const root = document.querySelector("[data-video]");
if (root) start(root);

function start(root) {
  const $ = (sel) => root.querySelector(sel);
  const status = $("[data-video-status]");
  const stage = $("[data-video-stage]");
  const peerTile = $('[data-tile="peer"]');
  const selfTile = $('[data-tile="self"]');
  const cameraButton = $("[data-video-camera]");
  const micButton = $("[data-video-mic]");
  const problemBox = $("[data-video-problem-box]");
  const problemTitle = $("[data-video-problem-title]");
  const problemText = $("[data-video-problem-text]");
  const retry = $("[data-video-retry]");
  const provider = root.getAttribute("data-role") === "provider";
  const practice = root.getAttribute("data-practice") || "your practice";
  const STEP_MS = 20000;

  let sdk = null;
  let client = null;
  let media = null;
  let cameraOn = false;
  let micStarted = false;
  let micMuted = true;
  let sessionState = (document.querySelector("[data-session-events]") || root).getAttribute("data-state");

  const MESSAGES = {
    "not-configured": ["Video is not set up yet",
      "This practice has not finished setting up video, so the call cannot start on this page. You can stay here: the page still shows when the other person arrives."],
    server: ["We could not reach " + practice,
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

  function setState(state, text) {
    root.setAttribute("data-video-state", state);
    if (text !== undefined) status.textContent = text;
  }

  function problem(kind, detail) {
    const [title, text] = MESSAGES[kind];
    // The box says it (role=alert); the status line would only repeat it.
    setState(kind === "not-configured" ? "not-configured" : "failed", "");
    root.setAttribute("data-video-problem", kind);
    if (detail) root.setAttribute("data-video-error", String(detail).slice(0, 120));
    problemTitle.textContent = title;
    problemText.textContent = text;
    problemBox.hidden = false;
    retry.hidden = kind === "not-configured";
    stage.hidden = true;
  }

  function clearProblem() {
    problemBox.hidden = true;
    root.removeAttribute("data-video-problem");
    root.removeAttribute("data-video-error");
  }

  const within = (promise, what) => Promise.race([promise, new Promise((_, reject) =>
    setTimeout(() => reject({ type: "TIMEOUT", reason: what + " took longer than " + STEP_MS / 1000 + " s" }), STEP_MS))]);
  const reasonOf = (e) => (e && (e.reason || e.message || e.type)) || "unknown";
  const busy = () => { const s = root.getAttribute("data-video-state"); return s === "connecting" || s === "joined"; };

  async function join() {
    if (busy() || !wanted()) return;
    clearProblem();
    if (root.getAttribute("data-video-configured") !== "1") return problem("not-configured");
    setState("connecting", "Connecting to video…");
    let info;
    try {
      const res = await fetch(root.getAttribute("data-video"), {
        method: "POST", credentials: "same-origin",
        headers: { "x-csrf-token": root.getAttribute("data-csrf"), accept: "application/json" },
      });
      if (res.status === 503) return problem("not-configured");
      if (res.status === 401) return problem("signed-out", res.status);
      if (!res.ok) return problem("refused", res.status);
      info = await res.json();
    } catch (e) {
      return problem("server", reasonOf(e));
    }
    try {
      sdk = sdk || await within(import(info.sdk.sdkModule), "loading the video software");
      client = sdk.default.createClient();
      const lib = new URL(info.sdk.dependentAssets, location.href).href;
      await within(client.init(info.sdk.language, lib, info.sdk.initOptions), "starting the video software");
    } catch (e) {
      drop();
      return problem("browser", reasonOf(e));
    }
    try {
      await within(client.join(info.sessionName, info.token, info.userName), "connecting to Zoom");
    } catch (e) {
      drop();
      return problem("unreachable", reasonOf(e));
    }
    if (!wanted()) return leave();
    media = client.getMediaStream();
    client.on("peer-video-state-change", (p) => (p.action === "Start" ? attach(p.userId) : detach(p.userId)));
    client.on("user-removed", (users) => (users || []).forEach((u) => detach(u.userId)));
    client.on("connection-change", (p) => {
      if (p.state === "Closed" || p.state === "Fail") {
        drop();
        if (wanted()) problem("lost", p.reason);
      }
    });
    const me = client.getCurrentUserInfo().userId;
    client.getAllUser().forEach((u) => { if (u.userId !== me && u.bVideoOn) attach(u.userId); });
    stage.hidden = false;
    cameraButton.hidden = false;
    micButton.hidden = false;
    setState("joined", "Video connected. Turn on your camera and microphone when you are ready.");
  }

  async function attach(userId) {
    if (!media || userId === client.getCurrentUserInfo().userId) return;
    try {
      const el = await media.attachVideo(userId, sdk.VideoQuality.Video_360P);
      if (el && el.nodeType === 1) peerTile.appendChild(el);
    } catch (e) { /* their video shows when it next starts */ }
  }

  async function detach(userId) {
    if (!media) return;
    try {
      const els = await media.detachVideo(userId);
      (Array.isArray(els) ? els : [els]).forEach((el) => el && el.remove && el.remove());
    } catch (e) { /* nothing attached */ }
  }

  // A media button: disabled while its step runs; a refusal becomes guidance in the status line.
  function onPress(button, step, refused) {
    button.addEventListener("click", async () => {
      if (!media) return;
      button.disabled = true;
      try { await step(); } catch (e) { status.textContent = refused; } finally { button.disabled = false; }
    });
  }

  onPress(cameraButton, async () => {
    const me = client.getCurrentUserInfo().userId;
    if (!cameraOn) {
      document.dispatchEvent(new CustomEvent("tele:camera-release"));
      await media.startVideo();
      const el = await media.attachVideo(me, sdk.VideoQuality.Video_360P);
      if (el && el.nodeType === 1) selfTile.appendChild(el);
      cameraOn = true;
    } else {
      await media.stopVideo();
      await detach(me);
      cameraOn = false;
    }
    cameraButton.textContent = cameraOn ? "Turn camera off" : "Turn camera on";
    status.textContent = cameraOn ? "Your camera is on." : "Your camera is off.";
  }, "Your camera could not start. Allow the camera for this page (see Camera and microphone below), then try again.");

  onPress(micButton, async () => {
    if (!micStarted) {
      await media.startAudio();
      micStarted = true;
      micMuted = false;
    } else if (micMuted) {
      await media.unmuteAudio();
      micMuted = false;
    } else {
      await media.muteAudio();
      micMuted = true;
    }
    micButton.textContent = micMuted ? "Turn microphone on" : "Turn microphone off";
    status.textContent = micMuted ? "Your microphone is off." : "Your microphone is on.";
  }, "Your microphone could not start. Allow the microphone for this page (see Camera and microphone below), then try again.");

  retry.addEventListener("click", () => { join(); });

  function drop() {
    media = null;
    cameraOn = false;
    micStarted = false;
    micMuted = true;
    cameraButton.textContent = "Turn camera on";
    micButton.textContent = "Turn microphone on";
    if (sdk && client) { try { sdk.default.destroyClient(); } catch (e) { /* already gone */ } }
    client = null;
  }

  async function leave() {
    const c = client;
    if (c) {
      try { await within(c.leave(provider), "leaving"); } catch (e) { /* Zoom ends idle sessions by itself */ }
    }
    drop();
    stage.hidden = true;
    clearProblem();
    setState("left", "The video has ended.");
  }

  // In the session (waiting or live): join. Ended: leave, and on the provider's page end it for both.
  const wanted = () => sessionState === "waiting" || sessionState === "live";
  function follow(state) {
    sessionState = state;
    if (state === "completed") leave();
    else if (wanted()) join();
  }
  document.addEventListener("tele:session-state", (e) => follow(e.detail.state));
  follow(sessionState);
}
`;
