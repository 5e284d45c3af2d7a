/**
 * Overlap rule (issue 10): a therapist or a client is in one scheduled appointment at a time, unless
 * the caller allows overlap (group or back-to-back work). Messages name the other appointment by id
 * (or the file's line), never a person. The import's check is set-based and streams: one sorted
 * scan per side of the staged rows and what is scheduled (import/overlap-sweep.ts).
 */
import type { Interval, Repos } from "../../db/repos.js";
import { conflict } from "../errors.js";

/** Who an appointment holds, for messages: "therapist" or "client". */
type Side = "therapist" | "client";

/**
 * 409 `overlap` when the new appointment's therapist or client already has one at that time. An
 * appointment being moved (`id` given, a reschedule) does not overlap its own old time.
 */
export async function refuseOverlap(r: Repos, practiceId: string, a: Omit<Interval, "id"> & { id?: string }): Promise<void> {
  for (const other of await r.appointments.scheduledBetween(practiceId, a.startAt, a.endAt)) {
    if (other.id === a.id || other.startAt >= a.endAt || other.endAt <= a.startAt) continue;
    const side: Side | null = other.therapistId === a.therapistId ? "therapist" : other.clientId === a.clientId ? "client" : null;
    if (!side) continue;
    throw conflict("overlap", `the ${side} already has appointment ${other.id} at that time; allow overlap (allowOverlap) for group or back-to-back work`, {
      appointmentId: other.id,
      side,
    });
  }
}
