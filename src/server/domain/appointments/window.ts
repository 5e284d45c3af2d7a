import type { AppointmentRow, PracticeRow } from "../../db/types.js";

export interface JoinWindow {
  /** When joining opens: the practice's join window before the start (R13). */
  opensAt: number;
  /** When it closes: the scheduled end (the session issue extends this while a session is live). */
  closesAt: number;
  open: boolean;
}

/** R13: the join window of a scheduled telehealth appointment at `now`. */
export function joinWindow(a: Pick<AppointmentRow, "startAt" | "endAt" | "telehealth" | "status">, p: Pick<PracticeRow, "joinWindowMinutes">, now: number): JoinWindow {
  const opensAt = a.startAt - p.joinWindowMinutes * 60_000;
  const closesAt = a.endAt;
  return { opensAt, closesAt, open: a.telehealth && a.status === "scheduled" && now >= opensAt && now < closesAt };
}

/** The page address of an appointment's session (waiting room and video come with the session issue). */
export const sessionPath = (slug: string, appointmentId: string) => `/p/${slug}/appointments/${appointmentId}/session`;
