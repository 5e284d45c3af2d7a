import type { AppointmentRow, PracticeRow } from "../../db/types.js";
import { joinWindow, type JoinWindow } from "../appointments/window.js";
import { auditRead } from "../audit/audit.js";
import type { Actor, Deps } from "../deps.js";
import { sessionAccess, type Present } from "./access.js";
import type { SessionHub } from "./hub.js";
import { sessionState, type SessionState } from "./state.js";
import { videoReady } from "./video.js";

export { firstName } from "./access.js";

/** What the session page shows; the waiting room and video build on it in the browser. */
export interface SessionPageView {
  practice: PracticeRow;
  appointment: AppointmentRow;
  window: JoinWindow;
  state: SessionState;
  therapistName: string;
  clientFirstName: string;
  /** Who is connected now (live event streams), the viewer first-listed among them if not yet connected. */
  present: Present[];
  viewer: { kind: "staff" | "client"; id: string };
  /** provider: the therapist, an owner or a manager (may end the session); client: the appointment's client. */
  role: "provider" | "client";
  now: number;
  /** When the session actually started (both present) and ended, epoch ms; null until then. */
  startedAt: number | null;
  endedAt: number | null;
  /** Whether the server can sign video tokens (R19); when not, the page says so instead of trying. */
  videoConfigured: boolean;
  /** Which video provider the page loads (R29): tele's own WebRTC call, or Zoom. */
  videoProvider: "builtin" | "zoom";
}

/**
 * Opens an appointment's session page: its client (client session), or its therapist, an owner or a
 * manager (staff session). Everyone else is refused. Each open is audited; presence itself comes from
 * the page's event stream (hub.ts).
 */
export async function openSessionPage(deps: Deps, actor: Actor, hub: SessionHub, appointmentId: string): Promise<SessionPageView> {
  const access = await sessionAccess(deps, actor, appointmentId);
  const { practice, appointment, who } = access;
  const now = deps.clock();
  await auditRead(deps, actor, now, practice.id, "session.page.open", { type: "appointment", id: appointment.id });
  const rec = await deps.store.sessions.byAppointment(practice.id, appointment.id);
  const others = (await hub.present(practice.id, appointment.id)).filter((p) => p.kind !== who.kind || p.id !== who.id);
  return {
    practice, appointment, window: joinWindow(appointment, practice, now), state: sessionState(appointment, practice, rec, now),
    therapistName: access.therapistName, clientFirstName: access.clientFirstName,
    present: [...others, who],
    viewer: { kind: who.kind, id: who.id },
    role: access.role,
    now,
    startedAt: rec?.startedAt ?? null,
    endedAt: rec?.endedAt ?? null,
    videoConfigured: videoReady(deps) !== undefined,
    videoProvider: deps.video?.provider.name ?? "zoom",
  };
}
