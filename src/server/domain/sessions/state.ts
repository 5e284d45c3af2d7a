import type { Repos } from "../../db/repos.js";
import type { AppointmentRow, PracticeRow, SessionRow } from "../../db/types.js";
import type { SessionLocation } from "../../../sdk/schemas/index.js";
import { joinWindow } from "../appointments/window.js";
import { locationOf } from "./location-view.js";

/** not_open and open come from the join window (R13); waiting, live and completed are stored. */
export type SessionState = "not_open" | "open" | "waiting" | "live" | "completed" | "cancelled";

/** What the session page's event stream sends on connect and on every change. */
export interface StateEvent {
  state: SessionState;
  present: { provider: boolean; client: boolean };
  startedAt?: string;
  endedAt?: string;
  /** When the client last said where they are (R27): the provider's page refreshes its panel when it changes. */
  locationAt?: string;
}

/** The session summary on an appointment in the API (`tele appointments list --json`). */
export interface SessionSummary {
  state: SessionState;
  startedAt?: string;
  endedAt?: string;
  providerPresentMs?: number;
  clientPresentMs?: number;
  /** The video provider that ran it (R29), once someone joined with video set up. */
  video?: "builtin" | "zoom";
  /** Whether the call is audio-only (for a completed session: ended audio-only). */
  audioOnly?: boolean;
  /** R27: where the client said they were, once they said. */
  location?: SessionLocation;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The state at `now`: the stored one when someone has joined, else from the join window. */
export function sessionState(a: AppointmentRow, p: Pick<PracticeRow, "joinWindowMinutes">, rec: SessionRow | undefined, now: number): SessionState {
  if (a.status === "cancelled") return "cancelled";
  if (rec) return rec.state;
  if (a.status === "completed") return "completed";
  return joinWindow(a, p, now).open ? "open" : "not_open";
}

/** The API's view of a session; presence totals count time up to `now` for whoever is still connected. */
export function sessionSummary(a: AppointmentRow, p: Pick<PracticeRow, "joinWindowMinutes">, rec: SessionRow | undefined, now: number): SessionSummary {
  const out: SessionSummary = { state: sessionState(a, p, rec, now) };
  if (!rec) return out;
  if (rec.startedAt !== null) out.startedAt = iso(rec.startedAt);
  if (rec.endedAt !== null) out.endedAt = iso(rec.endedAt);
  out.providerPresentMs = rec.providerPresentMs + (rec.providerConnectedAt !== null ? Math.max(0, now - rec.providerConnectedAt) : 0);
  if (rec.video) out.video = rec.video;
  out.audioOnly = rec.audioOnly ?? false;
  out.clientPresentMs = rec.clientPresentMs + (rec.clientConnectedAt !== null ? Math.max(0, now - rec.clientConnectedAt) : 0);
  const location = locationOf(rec);
  if (location) out.location = location;
  return out;
}

/** The stream's event for a state and who is connected now. */
export function stateEvent(state: SessionState, rec: SessionRow | undefined, present: { provider: boolean; client: boolean }): StateEvent {
  const ev: StateEvent = { state, present };
  if (rec?.startedAt != null) ev.startedAt = iso(rec.startedAt);
  if (rec?.endedAt != null) ev.endedAt = iso(rec.endedAt);
  if (rec?.locationAt != null) ev.locationAt = iso(rec.locationAt);
  return ev;
}

/** A fresh record for an appointment's first arrival. */
export function newSessionRow(a: AppointmentRow, sessionName: string | null, now: number): SessionRow {
  return {
    appointmentId: a.id, practiceId: a.practiceId, state: "waiting", sessionName, startedAt: null, endedAt: null,
    providerPresentMs: 0, clientPresentMs: 0, providerConnectedAt: null, clientConnectedAt: null, providerJoinedAt: null, clientJoinedAt: null,
    video: null, audioOnly: false, createdAt: now, updatedAt: now,
  };
}

/** Ends the open presence intervals at `now`, adding them to the totals. */
export function closePresence(rec: SessionRow, now: number, who: "provider" | "client" | "both"): void {
  if ((who === "provider" || who === "both") && rec.providerConnectedAt !== null) {
    rec.providerPresentMs += Math.max(0, now - rec.providerConnectedAt);
    rec.providerConnectedAt = null;
  }
  if ((who === "client" || who === "both") && rec.clientConnectedAt !== null) {
    rec.clientPresentMs += Math.max(0, now - rec.clientConnectedAt);
    rec.clientConnectedAt = null;
  }
}

/** Session summaries for the telehealth appointments among `rows`, by appointment id (one query). */
export async function sessionSummaries(
  store: Pick<Repos, "practices" | "sessions">, practiceId: string, rows: AppointmentRow[], now: number,
): Promise<Map<string, SessionSummary>> {
  const out = new Map<string, SessionSummary>();
  const ids = rows.filter((a) => a.telehealth).map((a) => a.id);
  if (ids.length === 0) return out;
  const practice = (await store.practices.byId(practiceId))!;
  const recs = new Map((await store.sessions.forAppointments(practiceId, ids)).map((r) => [r.appointmentId, r]));
  for (const a of rows) if (a.telehealth) out.set(a.id, sessionSummary(a, practice, recs.get(a.id), now));
  return out;
}
