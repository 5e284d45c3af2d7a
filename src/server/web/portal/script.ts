/**
 * portal.js, served from /assets (the CSP forbids inline script). On the client dashboard it turns
 * "You can join from 09:45 EST" into the Join session button when the join window opens (R13,
 * R15), without a reload. It reads only data attributes the server wrote:
 *   data-server-now on the list: the server's clock when the page was made, so a device whose
 *     clock is wrong still flips at the right moment;
 *   data-join-opens / data-join-closes (ISO 8601) and data-join-href on each waiting appointment.
 * Timers sleep in background tabs and across a laptop's sleep, so it re-checks when the page
 * becomes visible again and at least once a minute.
 */
export const PORTAL_JS = `"use strict";
(function () {
  var list = document.querySelector("[data-server-now]");
  if (!list) return;
  var skew = Date.parse(list.getAttribute("data-server-now")) - Date.now();
  if (!isFinite(skew)) skew = 0;
  var timer = 0;

  function showJoin(el) {
    var a = document.createElement("a");
    a.className = "button";
    a.href = el.getAttribute("data-join-href");
    a.textContent = "Join session";
    el.replaceChildren(a);
    el.removeAttribute("data-join-opens");
  }

  function check() {
    var now = Date.now() + skew;
    var next = Infinity;
    document.querySelectorAll("[data-join-opens]").forEach(function (el) {
      var opens = Date.parse(el.getAttribute("data-join-opens"));
      var closes = Date.parse(el.getAttribute("data-join-closes"));
      if (!(now < closes)) return;
      if (now >= opens) showJoin(el);
      else next = Math.min(next, opens - now);
    });
    clearTimeout(timer);
    if (next !== Infinity) timer = setTimeout(check, Math.min(next + 25, 60000));
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") check();
  });
  check();
})();
`;
