/**
 * The video stage of the session page, for both providers (R19, R29): the other person's video
 * large, your own small, and the call's controls and indicators. The page scripts find everything
 * by data attributes, the same on both (video-builtin.ts, video-zoom.ts):
 *   [data-tile="peer"] / [data-tile="self"]  the two pictures (Zoom attaches its players into them);
 *   [data-peer-placeholder]   shown while the other person's camera is off;
 *   [data-quality]            "Connection: N of 5", with data-level N (0 = not known yet);
 *   [data-reconnecting]       role=status, hidden unless the connection is being restored;
 *   [data-tap-to-hear]        shown when the browser blocked the other person's sound;
 *   [data-audio-only]         "Switch to audio only" / "Turn video back on";
 *   [data-video-camera], [data-video-mic]   Turn camera on/off, Turn microphone on/off;
 *   [data-media-help]         what to do when the camera or microphone is refused or busy.
 */
import { html, raw, type SafeHtml } from "../html.js";

/** Where to allow the camera, per browser: the same words as the camera check. */
function mediaHelp(): SafeHtml {
  return html`<div class="media-help" data-media-help hidden>
    <p data-media-help-text></p>
    <ul>
      <li>On a computer: click the camera or lock icon in the address bar and choose Allow, then reload the page.</li>
      <li>On iPhone or iPad: Settings › Safari › Camera and Microphone → Allow, then reload the page.</li>
      <li>On Android Chrome: the lock icon in the address bar › Permissions → Camera and Microphone, then reload the page.</li>
    </ul>
    <p class="hint">If another app (Zoom, FaceTime, Teams) is using the camera, close it first.</p>
  </div>`;
}

export function videoStage(provider: "builtin" | "zoom", other: string): SafeHtml {
  const builtin = provider === "builtin";
  const peer = html`<div class="tile peer" data-tile="peer">
      ${builtin ? html`<video data-peer-video playsinline autoplay aria-label="${other}'s video"></video>` : html``}
      <div class="peer-placeholder" data-peer-placeholder hidden><span>${other}'s camera is off</span></div>
      <span class="label">${other}</span>
    </div>`;
  const self = html`<div class="tile self" data-tile="self">
      ${builtin ? html`<video data-self-video muted playsinline autoplay aria-label="Your own video"></video>` : html``}
      <span class="label">You</span>
    </div>`;
  return html`<div class="video-stage" data-video-stage hidden>
    ${builtin ? html`<div class="tiles">${peer}${self}</div>` : html`<video-player-container>${peer}${self}</video-player-container>`}
    <p class="reconnecting" data-reconnecting role="status" hidden>Reconnecting…</p>
    <p class="quality" data-quality data-level="0"${builtin ? raw("") : raw(" hidden")}>Connection: 0 of 5</p>
    <div class="controls">
      <button type="button" data-video-camera hidden>Turn camera on</button>
      <button type="button" class="secondary" data-video-mic hidden>Turn microphone on</button>
      <button type="button" class="secondary" data-audio-only hidden>Switch to audio only</button>
      <button type="button" data-tap-to-hear hidden>Tap to hear</button>
    </div>
    ${mediaHelp()}
  </div>`;
}
