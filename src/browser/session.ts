/**
 * The session page's script (the waiting room, R17). It:
 *   - listens to the page's event stream (data-session-events) and shows the view for each
 *     `state` event: waiting → "Waiting for …", live → "You're in the session with …" (no reload),
 *     completed → "This session has ended", cancelled → "This appointment was cancelled" (issue 11),
 *     after either of which it closes the stream so it stops reconnecting;
 *   - announces each change in the aria-live region and moves focus to the new view's heading
 *     (unless the person is using a control elsewhere on the page), marks who is here (data-side)
 *     from each event's `present`, and fills in the ended view's start and end times (in the practice's zone);
 *   - tells the video script of each state with a `tele:session-state` event on document;
 *   - sends the provider's End session form with fetch (x-csrf-token) and stays on the page; if
 *     that fails it falls back to the ordinary form post;
 *   - refreshes the provider's "Where your client is" panel when the client answers (R27, location-panel.ts);
 *   - starts the device check (device-check.ts: preview, microphone meter, device choice, help when
 *     refused), which lets go of the camera when the call asks (`tele:camera-release`) or the session ends.
 */
import { startDeviceCheck } from "./device-check.js";
import { all, find } from "./dom.js";
import { refreshLocationPanel } from "./location-panel.js";

/** A `state` event from the page's stream, or the End session reply. */
interface StateEvent {
  state: string;
  present?: { provider?: boolean; client?: boolean };
  startedAt?: string;
  endedAt?: string;
  locationAt?: string;
}

type View = "waiting" | "live" | "ended" | "cancelled";

const root = find("[data-session-events]");
if (root) waitingRoom(root);

function waitingRoom(root: HTMLElement): void {
  const live = document.getElementById("session-status");
  let current = root.getAttribute("data-state") ?? "not_open";
  let es: EventSource | null = null;
  const zone = root.getAttribute("data-zone") || undefined;
  const devices = startDeviceCheck();
  const stopCamera = () => devices?.stop();

  const viewOf = (state: string): View =>
    state === "live" ? "live" : state === "completed" ? "ended" : state === "cancelled" ? "cancelled" : "waiting";
  /** Views after which nothing more can happen on this page: the stream is closed and the camera let go. */
  const final = (view: View) => view === "ended" || view === "cancelled";

  const clock = (iso: string): string => {
    try {
      return new Intl.DateTimeFormat("en-US", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(iso));
    } catch {
      return new Date(iso).toLocaleTimeString();
    }
  };

  function times(ev: StateEvent): void {
    const el = find("[data-ended-times]");
    if (!el || !ev.endedAt) return;
    const minutes = ev.startedAt ? Math.max(1, Math.round((Date.parse(ev.endedAt) - Date.parse(ev.startedAt)) / 60_000)) : 0;
    el.textContent = ev.startedAt
      ? `Started ${clock(ev.startedAt)}, ended ${clock(ev.endedAt)} (${minutes} min).`
      : `Ended ${clock(ev.endedAt)}. The two of you were never here at the same time.`;
    el.hidden = false;
  }

  function presence(present: StateEvent["present"]): void {
    if (!present) return;
    for (const li of all("[data-side]")) {
      const side = li.getAttribute("data-side") as "provider" | "client";
      const here = !!present[side];
      li.setAttribute("data-here", here ? "yes" : "no");
      const s = find("[data-here-text]", li);
      if (s) s.textContent = here ? "here" : "not here";
    }
  }

  function show(state: string, ev?: StateEvent): void {
    if (ev) {
      presence(ev.present);
      times(ev);
    }
    const view = viewOf(state);
    const changed = viewOf(current) !== view;
    current = state;
    root.setAttribute("data-state", state);
    for (const el of all("[data-view]")) el.hidden = el.getAttribute("data-view") !== view;
    const heading = find(`[data-view="${view}"] [data-say]`);
    if (changed && live) live.textContent = heading?.textContent ?? "";
    if (final(view)) {
      stopCamera();
      // Nothing is left to do here but read the times: the window notice and camera check go (and, cancelled, the video).
      for (const el of all(view === "cancelled" ? "[data-window-notice], .panel.camera, .panel.video" : "[data-window-notice], .panel.camera")) el.hidden = true;
      presence({ provider: false, client: false });
      es?.close();
      es = null;
    }
    if (changed && heading) focusUnlessBusy(heading);
    document.dispatchEvent(new CustomEvent("tele:session-state", { detail: { state } }));
    if (ev?.locationAt) refreshLocationPanel(ev.locationAt);
  }

  /**
   * Moves focus to the new view's heading (tabindex=-1), so keyboard and screen-reader users start
   * from what changed, unless they are working elsewhere on the page: focus on a control that is
   * still shown and outside the room (the video buttons, say) stays where it is.
   */
  function focusUnlessBusy(heading: HTMLElement): void {
    const active = document.activeElement;
    const elsewhere = active instanceof HTMLElement && active !== document.body && !root.contains(active) && active.getClientRects().length > 0;
    if (!elsewhere) heading.focus();
  }

  const events = root.getAttribute("data-session-events");
  if (!final(viewOf(current)) && events && typeof EventSource === "function") {
    es = new EventSource(events);
    es.addEventListener("state", (e) => {
      let ev: StateEvent;
      try {
        ev = JSON.parse((e as MessageEvent<string>).data) as StateEvent;
      } catch {
        return; // a malformed event changes nothing
      }
      show(ev.state, ev);
    });
    // The built-in video's signalling (video-builtin.ts) arrives on this stream: handed on as
    // `tele:rtc`, held (a few) until that script says it listens, so none is lost while it loads.
    let rtcHeld: string[] | null = [];
    const rtc = (data: string) => {
      try {
        document.dispatchEvent(new CustomEvent("tele:rtc", { detail: JSON.parse(data) }));
      } catch { /* malformed: dropped */ }
    };
    document.addEventListener("tele:rtc-listening", () => {
      const held = rtcHeld ?? [];
      rtcHeld = null;
      held.forEach(rtc);
    });
    es.addEventListener("rtc", (e) => {
      const data = (e as MessageEvent<string>).data;
      if (rtcHeld === null) rtc(data);
      else if (rtcHeld.length < 200) rtcHeld.push(data);
    });
  }

  const endForm = find<HTMLFormElement>("form[data-end-session]");
  if (endForm && typeof fetch === "function") {
    endForm.addEventListener("submit", (e) => {
      e.preventDefault();
      const button = find<HTMLButtonElement>("button", endForm);
      if (button) button.disabled = true;
      const token = find<HTMLInputElement>('input[name="_csrf"]', endForm)?.value ?? "";
      fetch(endForm.action, { method: "POST", credentials: "same-origin", headers: { "x-csrf-token": token, accept: "application/json" } })
        .then((res) => {
          if (!res.ok) throw new Error(`end failed: ${res.status}`);
          return res.json() as Promise<StateEvent>;
        })
        .then((body) => show(body.state || "completed", body))
        .catch(() => endForm.submit());
    });
  }
}
