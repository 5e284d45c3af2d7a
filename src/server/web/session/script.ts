/**
 * session.js, served from /assets (the CSP forbids inline script). On the session page (the
 * waiting room, R17) it:
 *   - listens to the page's event stream (data-session-events) and shows the view for each
 *     `state` event: waiting → "Waiting for …", live → "You're in the session with …" (no reload),
 *     completed → "This session has ended", after which it closes the stream so it stops reconnecting;
 *   - announces each change in the aria-live region, marks who is here (data-side) from each event's
 *     `present`, and fills in the ended view's start and end times (in the practice's zone);
 *   - tells video.js of each state with a `tele:session-state` event on document, and stops the
 *     camera preview when video.js asks for the camera (`tele:camera-release`);
 *   - sends the provider's End session form with fetch (x-csrf-token) and stays on the page; if
 *     that fails it falls back to the ordinary form post;
 *   - runs the camera and microphone check from the button's click (getUserMedia needs a gesture
 *     on some browsers) and shows the local preview, or plain help when access is refused.
 */
export const SESSION_JS = `"use strict";
(function () {
  var root = document.querySelector("[data-session-events]");
  if (!root) return;
  var live = document.getElementById("session-status");
  var current = root.getAttribute("data-state");
  var es = null;

  function viewOf(state) {
    if (state === "live") return "live";
    if (state === "completed") return "ended";
    return "waiting";
  }

  var zone = root.getAttribute("data-zone") || undefined;
  function clock(iso) {
    try { return new Intl.DateTimeFormat("en-US", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(iso)); }
    catch (err) { return new Date(iso).toLocaleTimeString(); }
  }

  function times(ev) {
    var el = document.querySelector("[data-ended-times]");
    if (!el || !ev.endedAt) return;
    var text = ev.startedAt
      ? "Started " + clock(ev.startedAt) + ", ended " + clock(ev.endedAt) + " (" + Math.max(1, Math.round((Date.parse(ev.endedAt) - Date.parse(ev.startedAt)) / 60000)) + " min)."
      : "Ended " + clock(ev.endedAt) + ". The two of you were never here at the same time.";
    el.textContent = text;
    el.hidden = false;
  }

  function presence(present) {
    if (!present) return;
    document.querySelectorAll("[data-side]").forEach(function (li) {
      var here = !!present[li.getAttribute("data-side")];
      li.setAttribute("data-here", here ? "yes" : "no");
      var s = li.querySelector("[data-here-text]");
      if (s) s.textContent = here ? "here" : "not here";
    });
  }

  function show(state, ev) {
    if (ev) { presence(ev.present); times(ev); }
    var view = viewOf(state);
    var changed = viewOf(current) !== view;
    current = state;
    root.setAttribute("data-state", state);
    document.querySelectorAll("[data-view]").forEach(function (el) {
      el.hidden = el.getAttribute("data-view") !== view;
    });
    if (changed && live) {
      var text = document.querySelector('[data-view="' + view + '"] [data-say]');
      live.textContent = text ? text.textContent : "";
    }
    if (view === "ended") {
      stopCamera();
      // Nothing is left to do here but read the times: the window notice and camera check go.
      document.querySelectorAll("[data-window-notice], .panel.camera").forEach(function (el) { el.hidden = true; });
      presence({ provider: false, client: false });
      if (es) { es.close(); es = null; }
    }
    document.dispatchEvent(new CustomEvent("tele:session-state", { detail: { state: state } }));
  }

  if (viewOf(current) !== "ended" && typeof EventSource === "function") {
    es = new EventSource(root.getAttribute("data-session-events"));
    es.addEventListener("state", function (e) {
      var ev;
      try { ev = JSON.parse(e.data); } catch (err) { return; /* a malformed event changes nothing */ }
      show(ev.state, ev);
    });
  }

  var endForm = document.querySelector("form[data-end-session]");
  if (endForm && window.fetch) {
    endForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var button = endForm.querySelector("button");
      if (button) button.disabled = true;
      var token = endForm.querySelector('input[name="_csrf"]').value;
      fetch(endForm.action, { method: "POST", credentials: "same-origin", headers: { "x-csrf-token": token, accept: "application/json" } })
        .then(function (res) {
          if (!res.ok) throw new Error("end failed: " + res.status);
          return res.json();
        })
        .then(function (body) { show(body.state || "completed", body); })
        .catch(function () { endForm.submit(); });
    });
  }

  var check = document.querySelector("[data-camera-check]");
  var video = document.querySelector("video[data-preview]");
  var help = document.querySelector("[data-camera-help]");
  var result = document.querySelector("[data-camera-result]");
  var stream = null;

  function stopCamera() {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    if (video) video.hidden = true;
  }
  document.addEventListener("tele:camera-release", stopCamera);

  if (check && video) {
    check.addEventListener("click", function () {
      if (help) help.hidden = true;
      if (result) result.textContent = "Asking for your camera and microphone…";
      var md = navigator.mediaDevices;
      if (!md || !md.getUserMedia) return failed();
      md.getUserMedia({ video: true, audio: true }).then(function (s) {
        stopCamera();
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        var p = video.play();
        if (p && p.catch) p.catch(function () {});
        if (result) result.textContent = "Your camera and microphone work. You can see yourself above.";
      }, failed);
    });
  }

  function failed() {
    video.hidden = true;
    if (result) result.textContent = "We could not use your camera or microphone.";
    if (help) help.hidden = false;
  }
})();
`;
