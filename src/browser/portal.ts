/**
 * The client dashboard's script. It turns "You can join from 09:45 EST" into the Join session
 * button when the join window opens (R13, R15), without a reload. It reads only data attributes the
 * server wrote:
 *   data-server-now on the list: the server's clock when the page was made, so a device whose
 *     clock is wrong still flips at the right moment;
 *   data-join-opens / data-join-closes (ISO 8601) and data-join-href on each waiting appointment.
 * Timers sleep in background tabs and across a laptop's sleep, so it re-checks when the page
 * becomes visible again and at least once a minute.
 */
import { all, find, skewFrom } from "./dom.js";

const list = find("[data-server-now]");
if (list) {
  const skew = skewFrom(list.getAttribute("data-server-now"), Date.parse);
  let timer: ReturnType<typeof setTimeout> | undefined;

  const showJoin = (el: HTMLElement) => {
    const a = document.createElement("a");
    a.className = "button";
    a.href = el.getAttribute("data-join-href") ?? "";
    a.textContent = "Join session";
    el.replaceChildren(a);
    el.removeAttribute("data-join-opens");
  };

  const check = () => {
    const now = Date.now() + skew;
    let next = Infinity;
    for (const el of all("[data-join-opens]")) {
      const opens = Date.parse(el.getAttribute("data-join-opens") ?? "");
      const closes = Date.parse(el.getAttribute("data-join-closes") ?? "");
      if (!(now < closes)) continue;
      if (now >= opens) showJoin(el);
      else next = Math.min(next, opens - now);
    }
    clearTimeout(timer);
    if (next !== Infinity) timer = setTimeout(check, Math.min(next + 25, 60_000));
  };

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") check();
  });
  check();
}
