/**
 * The device check on the session page, before joining (both video providers): from the button's
 * click (getUserMedia needs a gesture on some browsers) it shows the camera picture, a microphone
 * level meter (Web Audio AnalyserNode), and a choice of camera and microphone once the browser
 * names them. When the browser will not give them it says why in plain words and shows the steps
 * for the browser in use (the help is in the page's markup; this picks the part that fits).
 *
 * Choosing a device sends `tele:devices-chosen` ({ cameraId, micId }) on document for the video
 * scripts' constraints. The preview lets go of the camera and microphone when the call asks for
 * them (`tele:camera-release`), and when the session ends (`stop`).
 */
import { all, find, must } from "./dom.js";

export type Problem = "refused" | "busy" | "missing" | "unsupported";
export type Browser = "ios-safari" | "android-chrome" | "chrome" | "firefox" | "safari" | "other";

/** Which browser's steps to show; anything not clearly one of these gets the general steps. */
export function browserOf(ua: string, touchPoints: number): Browser {
  // iPadOS presents itself as a Mac; only a Mac with a touch screen is taken to be an iPad.
  if (/iPhone|iPad|iPod/.test(ua) || (/Macintosh/.test(ua) && touchPoints > 1)) {
    return /Safari\//.test(ua) && !/CriOS|FxiOS|EdgiOS|OPiOS|GSA\//.test(ua) ? "ios-safari" : "other";
  }
  if (/Android/.test(ua)) {
    return /Chrome\/\d/.test(ua) && !/EdgA|SamsungBrowser|OPR|Firefox|YaBrowser|UCBrowser|; wv\)/.test(ua) ? "android-chrome" : "other";
  }
  if (/Mobile|Tablet/.test(ua)) return "other";
  if (/Firefox\/\d/.test(ua) && !/Seamonkey/i.test(ua)) return "firefox";
  if (/(Chrome|Edg)\/\d/.test(ua) && !/OPR|YaBrowser|SamsungBrowser|Vivaldi/.test(ua)) return "chrome";
  if (/Macintosh/.test(ua) && /Version\/\d[^ ]* (Mobile\/\S+ )?Safari\//.test(ua)) return "safari";
  return "other";
}

/** What a getUserMedia failure means for the person (names from the spec and older Chrome). */
export function problemOf(e: unknown): Problem {
  const name = (e as { name?: string } | null)?.name ?? "";
  if (name === "NotAllowedError" || name === "PermissionDeniedError" || name === "SecurityError") return "refused";
  if (name === "NotFoundError" || name === "DevicesNotFoundError" || name === "OverconstrainedError") return "missing";
  return "busy"; // NotReadableError, TrackStartError, AbortError, anything else: the device would not start
}

const RESULT: Record<Problem, string> = {
  refused: "Your browser did not allow the camera and microphone. See how to allow them below.",
  busy: "Your camera or microphone would not start. Another app may be using it; see below.",
  missing: "We could not find a camera or microphone. See below.",
  unsupported: "This browser cannot use a camera here. See below.",
};

export interface DeviceCheck {
  /** Stops the preview and the meter and lets go of the devices. */
  stop(): void;
}

export function deviceCheck(panel: HTMLElement): DeviceCheck {
  const button = must<HTMLButtonElement>("[data-camera-check]", panel);
  const video = must<HTMLVideoElement>("video[data-preview]", panel);
  const result = must("[data-camera-result]", panel);
  const help = must("[data-camera-help]", panel);
  const level = must("[data-mic-level]", panel);
  const meter = must<HTMLMeterElement>("[data-mic-meter]", panel);
  const levelText = must("[data-mic-level-text]", panel);
  const choice = must("[data-device-choice]", panel);
  const cameraSelect = must<HTMLSelectElement>("[data-camera-select]", panel);
  const micSelect = must<HTMLSelectElement>("[data-mic-select]", panel);
  const browser = browserOf(navigator.userAgent, navigator.maxTouchPoints || 0);
  panel.setAttribute("data-user-browser", browser);

  let stream: MediaStream | null = null;
  let audio: AudioContext | null = null;
  let timer: ReturnType<typeof setInterval> | undefined;
  let heard = false;
  let run = 0; // a newer check wins over an older one still waiting for the browser

  function stop(): void {
    run++;
    stream?.getTracks().forEach((t) => t.stop());
    stream = null;
    clearInterval(timer);
    timer = undefined;
    void audio?.close().catch(() => undefined);
    audio = null;
    video.srcObject = null;
    video.hidden = true;
    level.hidden = true;
  }

  function showProblem(kind: Problem): void {
    panel.setAttribute("data-device-problem", kind);
    for (const el of all("[data-problem]", help)) el.hidden = el.getAttribute("data-problem") !== kind;
    for (const el of all("[data-browser]", help)) el.hidden = el.getAttribute("data-browser") !== browser;
    help.hidden = false;
  }

  /** The level meter: loudness in dBFS from -60 (0) to 0 (100), falling back slowly so speech is readable. */
  function listen(s: MediaStream, ctx: AudioContext | null): void {
    if (!ctx || s.getAudioTracks().length === 0) return;
    audio = ctx;
    void ctx.resume().catch(() => undefined);
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 1024;
    ctx.createMediaStreamSource(s).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let shown = 0;
    let words = "";
    level.hidden = false;
    timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const v of samples) sum += v * v;
      const db = 20 * Math.log10(Math.sqrt(sum / samples.length) || 1e-9);
      shown = Math.max(Math.round(Math.min(100, Math.max(0, ((db + 60) / 60) * 100))), Math.floor(shown * 0.85));
      meter.value = shown;
      const now = shown >= 8 ? "Your microphone hears you." : "Quiet. Say something: the bar moves when your microphone hears you.";
      if (now !== words) {
        words = now;
        levelText.textContent = now;
        meter.setAttribute("aria-valuetext", shown >= 8 ? "Sound heard" : "Quiet");
      }
      if (shown >= 8 && !heard) {
        heard = true;
        result.textContent = video.hidden ? "Your microphone works." : "Your camera and microphone work.";
      }
    }, 100);
  }

  function fillOne(select: HTMLSelectElement, devices: MediaDeviceInfo[], active: string | undefined, noun: string): void {
    const keep = active ?? select.value;
    select.replaceChildren(...devices.map((d, i) => new Option(d.label || `${noun} ${i + 1}`, d.deviceId, false, d.deviceId === keep)));
    (select.closest(".field") as HTMLElement | null)?.toggleAttribute("hidden", devices.length === 0);
  }

  /** The browser names the devices only once the person has allowed them; until then there is no list. */
  async function fillLists(): Promise<void> {
    const md = navigator.mediaDevices;
    if (!md?.enumerateDevices) return;
    const devices = (await md.enumerateDevices().catch(() => [])).filter((d) => d.deviceId && d.label);
    const of = (kind: MediaDeviceKind) => devices.filter((d) => d.kind === kind);
    const activeOf = (t?: MediaStreamTrack) => t?.getSettings().deviceId;
    fillOne(cameraSelect, of("videoinput"), activeOf(stream?.getVideoTracks()[0]), "Camera");
    fillOne(micSelect, of("audioinput"), activeOf(stream?.getAudioTracks()[0]), "Microphone");
    choice.hidden = of("videoinput").length + of("audioinput").length === 0;
  }

  /**
   * What to ask for, in order: the chosen devices; the defaults (a chosen device may be gone);
   * the microphone alone (no camera). Only a missing device moves on to the next.
   */
  function attempts(): MediaStreamConstraints[] {
    const picked = (select: HTMLSelectElement) => (!choice.hidden && select.value ? { deviceId: { exact: select.value } } : true);
    const first = { video: picked(cameraSelect), audio: picked(micSelect) };
    const list: MediaStreamConstraints[] = [first];
    if (first.video !== true || first.audio !== true) list.push({ video: true, audio: true });
    list.push({ audio: true });
    return list;
  }

  async function check(): Promise<void> {
    stop(); // a phone opens one camera at a time: let go of the old preview first
    const mine = ++run;
    help.hidden = true;
    panel.removeAttribute("data-device-problem");
    result.textContent = "Asking for your camera and microphone…";
    const md = navigator.mediaDevices;
    if (!md?.getUserMedia) {
      result.textContent = RESULT.unsupported;
      return showProblem("unsupported");
    }
    // Made inside the click, so the browser lets it run (autoplay rules).
    const Ctx = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    const ctx = Ctx ? new Ctx() : null;
    let s: MediaStream | null = null;
    let kind: Problem = "missing";
    for (const c of attempts()) {
      try {
        s = await md.getUserMedia(c);
        break;
      } catch (e) {
        kind = problemOf(e);
        if (kind !== "missing") break;
      }
    }
    if (mine !== run) {
      s?.getTracks().forEach((t) => t.stop());
      void ctx?.close().catch(() => undefined);
      return;
    }
    if (!s) {
      void ctx?.close().catch(() => undefined);
      result.textContent = RESULT[kind];
      return showProblem(kind);
    }
    const noCamera = s.getVideoTracks().length === 0;
    stream = s;
    heard = false;
    if (!noCamera) {
      video.srcObject = s;
      video.hidden = false;
      video.play().catch(() => { /* autoplay refused: the picture shows on the next gesture */ });
    }
    listen(s, ctx);
    await fillLists();
    if (mine !== run) return;
    if (noCamera) {
      result.textContent = "We found no camera, but your microphone works: you can take part by voice.";
      showProblem("missing");
    } else if (!heard) {
      result.textContent = "Your camera works: you can see yourself above. Say something to check your microphone.";
    }
  }

  function chosen(): void {
    const detail: { cameraId?: string; micId?: string } = {};
    if (cameraSelect.value) detail.cameraId = cameraSelect.value;
    if (micSelect.value) detail.micId = micSelect.value;
    document.dispatchEvent(new CustomEvent("tele:devices-chosen", { detail }));
    if (stream) void check(); // the preview follows the choice
  }

  button.addEventListener("click", () => void check());
  cameraSelect.addEventListener("change", chosen);
  micSelect.addEventListener("change", chosen);
  // Plugged in or pulled out: refresh the lists; a preview whose device went away starts again on what is left.
  navigator.mediaDevices?.addEventListener?.("devicechange", () => {
    if (choice.hidden && !stream) return;
    if (stream?.getTracks().some((t) => t.readyState === "ended")) void check();
    else void fillLists();
  });
  document.addEventListener("tele:camera-release", () => {
    if (!stream) return;
    stop();
    result.textContent = "The video call is using your camera and microphone now.";
  });
  return { stop };
}

/** The page's device check, when it has one. */
export function startDeviceCheck(): DeviceCheck | null {
  const panel = find("[data-device-check]");
  return panel ? deviceCheck(panel) : null;
}
