/**
 * staff.js, served from /assets (the CSP allows no inline script). It moves each appointment's
 * session offer from "opens at" to "Begin session" (and later to "closed") when the join window
 * opens, without a reload: the page carries the window's times as data attributes, and the
 * server's clock at render time, so a browser whose clock is off still switches on time.
 *
 * - `[data-opens-at][data-closes-at]`: an element whose phase is before | open | after.
 * - `[data-show="PHASE"]` inside it: shown only in that phase.
 * - `[data-only-open]` on it: the element itself is shown only while open (alert entries).
 * - `[data-alert]`: shown while any entry inside it is open.
 * - `[data-server-now]`: the server's clock (ms) when the page was made.
 */
export const STAFF_JS = `"use strict";
(function () {
  var stamp = document.querySelector("[data-server-now]");
  var skew = stamp ? Number(stamp.getAttribute("data-server-now")) - Date.now() : 0;
  if (!isFinite(skew)) skew = 0;
  function phaseOf(el, now) {
    var opens = Number(el.getAttribute("data-opens-at"));
    var closes = Number(el.getAttribute("data-closes-at"));
    return now < opens ? "before" : now < closes ? "open" : "after";
  }
  function tick() {
    var now = Date.now() + skew;
    var els = document.querySelectorAll("[data-opens-at][data-closes-at]");
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      var phase = phaseOf(el, now);
      if (el.getAttribute("data-phase") === phase) continue;
      el.setAttribute("data-phase", phase);
      if (el.hasAttribute("data-only-open")) el.hidden = phase !== "open";
      var parts = el.querySelectorAll("[data-show]");
      for (var j = 0; j < parts.length; j++) parts[j].hidden = parts[j].getAttribute("data-show") !== phase;
    }
    var alerts = document.querySelectorAll("[data-alert]");
    for (var k = 0; k < alerts.length; k++) alerts[k].hidden = !alerts[k].querySelector('[data-phase="open"]');
  }
  tick();
  setInterval(tick, 1000);
})();
`;
