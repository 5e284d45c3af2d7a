/**
 * The video stage's weak-network parts, for any provider's script: the connection quality
 * (`[data-quality]`, "Connection: N of 5" with data-level), Reconnecting… (`[data-reconnecting]`,
 * role=status), Tap to hear (`[data-tap-to-hear]`), the audio-only switch (`[data-audio-only]`) and
 * the other person's camera-off placeholder (`[data-peer-placeholder]`). A hook the page lacks is
 * skipped, so a provider's stage may leave one out.
 */
import { find } from "./dom.js";

export interface StageHooks {
  /** Shows the connection quality, 0 (worst) to 5 (best); null hides it. */
  quality(level: number | null): void;
  /** Shows or hides Reconnecting…; the text is written when shown so screen readers hear it. */
  reconnecting(on: boolean): void;
  /** Shows Tap to hear; `resume` runs from the person's tap, then the button hides. */
  tapToHear(resume: () => void | Promise<void>): void;
  /** Hides Tap to hear (audio plays, or the call ended). */
  heard(): void;
  /** Whether the other person's picture is missing (camera off, or audio only). */
  peerPicture(shown: boolean): void;
  /** Shows the audio-only switch; `toggle(on)` runs when pressed and its promise settles the button. */
  audioOnly(toggle: (on: boolean) => Promise<void>): void;
  /** Whether audio only is on. */
  isAudioOnly(): boolean;
  /** Back to the start (hidden, audio only off), when the call ends or fails. */
  reset(): void;
}

export function stageHooks(root: ParentNode): StageHooks {
  const quality = find("[data-quality]", root);
  const reconnecting = find("[data-reconnecting]", root);
  const tap = find<HTMLButtonElement>("[data-tap-to-hear]", root);
  const audioOnly = find<HTMLButtonElement>("[data-audio-only]", root);
  const placeholder = find("[data-peer-placeholder]", root);
  const cameraOff = placeholder?.textContent ?? "";
  let resume: (() => void | Promise<void>) | null = null;
  let toggle: ((on: boolean) => Promise<void>) | null = null;
  let audioOnlyOn = false;

  const label = () => {
    if (audioOnly) audioOnly.textContent = audioOnlyOn ? "Turn video back on" : "Switch to audio only";
    if (audioOnly) audioOnly.setAttribute("aria-pressed", audioOnlyOn ? "true" : "false");
    if (placeholder) placeholder.textContent = audioOnlyOn ? "Audio only: video is off to save your connection." : cameraOff;
  };

  tap?.addEventListener("click", () => {
    const r = resume;
    resume = null;
    tap.hidden = true;
    void Promise.resolve(r?.()).catch(() => undefined);
  });
  audioOnly?.addEventListener("click", async () => {
    if (!toggle) return;
    audioOnly.disabled = true;
    audioOnlyOn = !audioOnlyOn; // already true while switching, so nothing attaches meanwhile
    try {
      await toggle(audioOnlyOn);
    } catch {
      audioOnlyOn = !audioOnlyOn;
    } finally {
      label();
      audioOnly.disabled = false;
    }
  });

  const hooks: StageHooks = {
    quality(level) {
      if (!quality) return;
      quality.hidden = level === null;
      if (level === null) return quality.removeAttribute("data-level");
      const n = Math.max(0, Math.min(5, Math.round(level)));
      quality.setAttribute("data-level", String(n));
      quality.textContent = `Connection: ${n} of 5`;
    },
    reconnecting(on) {
      if (!reconnecting) return;
      reconnecting.hidden = !on;
      reconnecting.textContent = on ? "Reconnecting…" : "";
    },
    tapToHear(r) {
      resume = r;
      if (tap) tap.hidden = false;
    },
    heard() {
      resume = null;
      if (tap) tap.hidden = true;
    },
    peerPicture(shown) {
      if (placeholder) placeholder.hidden = shown;
    },
    audioOnly(t) {
      toggle = t;
      if (audioOnly) audioOnly.hidden = false;
    },
    isAudioOnly: () => audioOnlyOn,
    reset() {
      hooks.quality(null);
      hooks.reconnecting(false);
      hooks.heard();
      audioOnlyOn = false;
      toggle = null;
      if (audioOnly) audioOnly.hidden = true;
      label();
      hooks.peerPicture(false);
    },
  };
  label();
  return hooks;
}
