/**
 * The device check on the session page (markup only; src/browser/device-check.ts runs it): the
 * camera picture, a microphone level meter, a choice of camera and microphone, and — when the
 * browser will not give them — what went wrong in plain words and how to fix it in the browser in
 * use. All the help is written here; the script only shows the part that fits (`data-problem`,
 * `data-browser`), so there is one place to read and change the wording. Works for both video providers.
 */
import { html, type SafeHtml } from "../html.js";

/** The browsers the script tells apart (conservatively, from the user agent); "other" gets the general steps. */
type Browser = "ios-safari" | "android-chrome" | "chrome" | "firefox" | "safari" | "other";

/** How to allow the camera and microphone again after saying no, per browser. */
const ALLOW_STEPS: Record<Browser, string[]> = {
  "ios-safari": [
    "Tap “aA” (or the page menu) at the left of the address bar, then Website Settings.",
    "Set Camera and Microphone to Allow, then press Check camera and microphone again.",
    "If Safari never asks: open Settings › Apps › Safari (on older iPhones Settings › Safari) › Camera and Microphone → Allow.",
  ],
  "android-chrome": [
    "Tap the icon at the left of the address bar (a lock or sliders), then Permissions.",
    "Turn on Camera and Microphone, then press Check camera and microphone again.",
    "If Chrome itself is blocked: open the phone's Settings › Apps › Chrome › Permissions and allow Camera and Microphone.",
  ],
  chrome: [
    "Click the icon at the left of the address bar (a lock or sliders), then Site settings.",
    "Set Camera and Microphone to Allow, reload this page, and press Check camera and microphone again.",
    "On a Mac, also check System Settings › Privacy & Security › Camera (and Microphone): your browser must be turned on there.",
  ],
  firefox: [
    "Click the camera icon at the left of the address bar and remove “Blocked” next to Camera and Microphone.",
    "Reload this page, press Check camera and microphone, and choose Allow.",
  ],
  safari: [
    "In the menu bar choose Safari › Settings for This Website (or Safari › Settings › Websites › Camera).",
    "Set Camera and Microphone to Allow, reload this page, and press Check camera and microphone again.",
  ],
  other: [
    "On a computer: click the camera or lock icon in the address bar and choose Allow for the camera and microphone.",
    "On iPhone or iPad: tap “aA” in the address bar › Website Settings, or Settings › Safari › Camera and Microphone → Allow.",
    "On Android Chrome: tap the lock icon in the address bar › Permissions → Camera and Microphone.",
    "Then reload this page and press Check camera and microphone again.",
  ],
};

const steps = (items: string[]) => html`<ol>${items.map((s) => html`<li>${s}</li>`)}</ol>`;

/** One problem's help: its plain-words title and what to do; hidden until the script picks it. */
function problem(kind: string, title: string, body: SafeHtml): SafeHtml {
  return html`<div data-problem="${kind}" hidden>
    <h3>${title}</h3>
    ${body}
  </div>`;
}

/** The device check panel: the script fills the lists, runs the meter, and shows one problem's help. */
export function deviceCheckPanel(): SafeHtml {
  const browsers = Object.keys(ALLOW_STEPS) as Browser[];
  return html`<section class="panel camera device-check" aria-labelledby="device-check-heading" data-device-check>
  <h2 id="device-check-heading">Camera and microphone</h2>
  <p class="hint">Check them before the session: you will see yourself and the level moves when you speak. Nothing is recorded or sent.</p>
  <video data-preview muted playsinline autoplay hidden aria-label="Your camera preview"></video>
  <div class="mic-level" data-mic-level hidden>
    <label for="mic-meter">Microphone level</label>
    <meter id="mic-meter" data-mic-meter min="0" max="100" low="8" high="85" optimum="40" value="0" aria-valuetext="No sound yet"></meter>
    <span class="hint" data-mic-level-text>Say something: the bar moves when your microphone hears you.</span>
  </div>
  <div class="device-choice" data-device-choice hidden>
    <div class="field" data-camera-choice>
      <label for="camera-select">Camera</label>
      <select id="camera-select" data-camera-select></select>
    </div>
    <div class="field" data-mic-choice>
      <label for="mic-select">Microphone</label>
      <select id="mic-select" data-mic-select></select>
    </div>
  </div>
  <p data-camera-result role="status" aria-live="polite"></p>
  <button type="button" class="secondary" data-camera-check>Check camera and microphone</button>
  <div class="device-help" data-camera-help hidden>
    ${problem("refused", "Your browser is not letting this page use the camera or microphone",
      html`<p>You (or the browser) said no when it asked. To allow them:</p>
    ${browsers.map((b) => html`<div data-browser="${b}" hidden>${steps(ALLOW_STEPS[b])}</div>`)}`)}
    ${problem("busy", "Another app is using your camera or microphone",
      html`<p>Only one app at a time can use the camera on many phones and computers.</p>
    ${steps([
      "Close Zoom, FaceTime, Teams, Skype or any other app or browser tab that uses the camera. On a phone, end any call first.",
      "Press Check camera and microphone again.",
      "If it still fails, restart the browser (or the device).",
    ])}`)}
    ${problem("missing", "We could not find a camera or microphone",
      html`${steps([
      "If you use a separate camera or headset, check that it is plugged in and turned on.",
      "On a laptop, check that no cover or keyboard switch turns the camera off.",
      "Press Check camera and microphone again. Without a camera you can still take part by voice.",
    ])}`)}
    ${problem("unsupported", "This browser cannot use a camera on this page",
      html`<p>Update your browser, or open this page in a current Safari, Chrome, Edge or Firefox.</p>`)}
  </div>
</section>`;
}
