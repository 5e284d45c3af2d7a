/**
 * The Zoom page's own camera and microphone (video-zoom.ts runs the session): the Turn camera and
 * Turn microphone buttons (only from a click), the devices chosen in the device check
 * (`tele:devices-chosen`, also switched to while on), carrying on when a device is unplugged
 * (Zoom's `device-change`), and the audio-only switch (camera off, the other video no longer
 * received, sound kept). Before it takes the camera or microphone it asks the device check to let
 * go of them (`tele:camera-release`).
 */
import type * as ZoomSdk from "@zoom/videosdk";

export type Sdk = typeof ZoomSdk;
export type Client = ReturnType<Sdk["default"]["createClient"]>;
export type Media = ReturnType<Client["getMediaStream"]>;

/** The devices the person chose in the device check. */
interface Chosen {
  cameraId?: string;
  micId?: string;
}

export interface ZoomMediaContext {
  /** The joined session's media stream, or null when not joined. */
  media(): Media | null;
  sdk(): Sdk | null;
  me(): number;
  status: HTMLElement;
  cameraButton: HTMLButtonElement;
  micButton: HTMLButtonElement;
  selfTile: HTMLElement;
  /** The other people's video: attach or detach all who have their camera on. */
  peers: { attachAll(): Promise<void>; detachAll(): Promise<void> };
}

export interface ZoomMedia {
  audioOnly(on: boolean): Promise<void>;
  devicesChanged(): Promise<void>;
  /** The call is gone: everything back to off. */
  reset(): void;
}

export function zoomMedia(ctx: ZoomMediaContext): ZoomMedia {
  const { status, cameraButton, micButton, selfTile } = ctx;
  let cameraOn = false;
  let micStarted = false;
  let micMuted = true;
  let cameraBeforeAudioOnly = false;
  let chosen: Chosen = {};

  async function cameraStart(m: Media): Promise<void> {
    document.dispatchEvent(new CustomEvent("tele:camera-release"));
    await m.startVideo(chosen.cameraId ? { cameraId: chosen.cameraId } : undefined);
    const el = await m.attachVideo(ctx.me(), ctx.sdk()!.VideoQuality.Video_360P);
    if (el instanceof Element) selfTile.appendChild(el);
    cameraOn = true;
    cameraButton.textContent = "Turn camera off";
  }

  async function cameraStop(m: Media): Promise<void> {
    await m.stopVideo();
    cameraOn = false;
    cameraButton.textContent = "Turn camera on";
    const els = await m.detachVideo(ctx.me());
    for (const el of Array.isArray(els) ? els : [els]) if (el instanceof Element) el.remove();
  }

  /** Audio only: this camera off and the other video no longer received; the sound carries on. */
  async function audioOnly(on: boolean): Promise<void> {
    const m = ctx.media();
    if (!m) return;
    if (on) {
      cameraBeforeAudioOnly = cameraOn;
      if (cameraOn) await cameraStop(m);
      await ctx.peers.detachAll();
      cameraButton.hidden = true;
      status.textContent = "Audio only: your camera is off and the other video is paused. You can still hear and speak.";
    } else {
      cameraButton.hidden = false;
      await ctx.peers.attachAll();
      if (cameraBeforeAudioOnly) await cameraStart(m);
      status.textContent = "Video is back on.";
    }
  }

  /** A camera or microphone was plugged in or pulled out: carry on with one that is still there. */
  async function devicesChanged(): Promise<void> {
    const m = ctx.media();
    if (!m) return;
    try {
      const cams = m.getCameraList();
      if (cameraOn && !cams.some((d) => d.deviceId === m.getActiveCamera())) {
        if (cams[0]) {
          await m.switchCamera(cams[0].deviceId);
          status.textContent = `Your camera was unplugged, so the call uses ${cams[0].label || "another camera"} now.`;
        } else {
          await cameraStop(m);
          status.textContent = "Your camera was unplugged. The call carries on with sound.";
        }
      }
      const mics = m.getMicList();
      if (micStarted && !mics.some((d) => d.deviceId === m.getActiveMicrophone())) {
        if (mics[0]) await m.switchMicrophone(mics[0].deviceId);
        status.textContent = mics[0]
          ? `Your microphone was unplugged, so the call uses ${mics[0].label || "another microphone"} now.`
          : "Your microphone was unplugged. Plug one in so the other person can hear you.";
      }
    } catch { /* the SDK carries on with what it has */ }
  }

  document.addEventListener("tele:devices-chosen", (e) => {
    chosen = (e as CustomEvent<Chosen>).detail ?? {};
    const m = ctx.media();
    if (!m) return;
    if (cameraOn && chosen.cameraId) void Promise.resolve(m.switchCamera(chosen.cameraId)).catch(() => undefined);
    if (micStarted && chosen.micId) void Promise.resolve(m.switchMicrophone(chosen.micId)).catch(() => undefined);
  });

  // A media button: disabled while its step runs; a refusal becomes guidance in the status line.
  function onPress(button: HTMLButtonElement, step: (m: Media) => Promise<void>, refused: string): void {
    button.addEventListener("click", async () => {
      const m = ctx.media();
      if (!m) return;
      button.disabled = true;
      try {
        await step(m);
      } catch {
        status.textContent = refused;
      } finally {
        button.disabled = false;
      }
    });
  }

  onPress(cameraButton, async (m) => {
    await (cameraOn ? cameraStop(m) : cameraStart(m));
    status.textContent = cameraOn ? "Your camera is on." : "Your camera is off.";
  }, "Your camera could not start. Allow the camera for this page (see Camera and microphone below), then try again.");

  onPress(micButton, async (m) => {
    if (!micStarted) {
      document.dispatchEvent(new CustomEvent("tele:camera-release")); // the device check lets go of the microphone
      await m.startAudio(chosen.micId ? { microphoneId: chosen.micId } : undefined);
      micStarted = true;
      micMuted = false;
    } else if (micMuted) {
      await m.unmuteAudio();
      micMuted = false;
    } else {
      await m.muteAudio();
      micMuted = true;
    }
    micButton.textContent = micMuted ? "Turn microphone on" : "Turn microphone off";
    status.textContent = micMuted ? "Your microphone is off." : "Your microphone is on.";
  }, "Your microphone could not start. Allow the microphone for this page (see Camera and microphone below), then try again.");

  return {
    audioOnly,
    devicesChanged,
    reset() {
      cameraOn = false;
      micStarted = false;
      micMuted = true;
      cameraButton.textContent = "Turn camera on";
      cameraButton.hidden = true;
      micButton.textContent = "Turn microphone on";
    },
  };
}
