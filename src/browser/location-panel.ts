/**
 * The provider's "Where your client is" panel (R27) was written when the page loaded; when a state
 * event says the client answered since (`locationAt`), the panel is fetched again from the page
 * itself, so the provider sees the answer and any licensure warning (R25) without reloading. The
 * server writes the panel; this only swaps it in.
 */
import { find } from "./dom.js";

let loading: string | null = null;

/** Replaces the panel with the server's current one when `locationAt` is newer than what it shows. */
export function refreshLocationPanel(locationAt: string): void {
  const panel = find("[data-client-location]");
  if (!panel || panel.getAttribute("data-location-at") === locationAt || loading === locationAt) return;
  if (typeof fetch !== "function" || typeof DOMParser !== "function") return;
  loading = locationAt;
  fetch(window.location.pathname, { credentials: "same-origin", headers: { accept: "text/html" } })
    .then((res) => (res.ok ? res.text() : Promise.reject(new Error(String(res.status)))))
    .then((text) => {
      const fresh = new DOMParser().parseFromString(text, "text/html").querySelector("[data-client-location]");
      const current = find("[data-client-location]");
      if (fresh && current) current.replaceWith(document.importNode(fresh, true));
    })
    .catch(() => undefined)
    .finally(() => {
      loading = null;
    });
}
