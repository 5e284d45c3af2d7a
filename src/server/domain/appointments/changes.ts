/**
 * The notifications' entry point (R23): every change to an appointment that a client may need to
 * hear about calls `onAppointmentChange` once, after its transaction has committed. Today it does
 * nothing; the client notifications (confirmations, updates, cancellations, reminders, calendar
 * files) plug in here, so the services that change appointments never need to know about mail.
 *
 * - `notify` is the caller's choice (`--no-notify` makes it false); it is passed on, not decided here.
 * - Called after commit: a change that rolled back is never announced. A failure in here must not
 *   undo or fail the change that has already happened, so the call is wrapped by `announce`.
 */
import type { AppointmentRow } from "../../db/types.js";
import type { Deps } from "../deps.js";
import { appointmentView } from "../shared/views.js";
import { sessionSummaries } from "../sessions/state.js";

export interface AppointmentChange {
  kind: "created" | "converted" | "rescheduled" | "in_person" | "cancelled";
  appointmentId: string;
  practiceId: string;
  /** Whether the client should be told (false: `--no-notify`). */
  notify: boolean;
}

/** The hook itself: the notifications' slice replaces this body. */
export async function onAppointmentChange(_deps: Deps, _change: AppointmentChange): Promise<void> {
  // Intentionally empty until client notifications are built (issue 11, notifications slice).
}

/** Calls the hook after a committed change; its failure is reported to `warn` and never thrown. */
export async function announce(deps: Deps, change: AppointmentChange, warn?: (err: Error) => void): Promise<void> {
  try {
    await onAppointmentChange(deps, change);
  } catch (err) {
    warn?.(err as Error);
  }
}

/** The API's view of a changed appointment, with its session summary (telehealth ones). */
export async function changedView(deps: Deps, row: AppointmentRow) {
  return appointmentView(row, (await sessionSummaries(deps.store, row.practiceId, [row], deps.clock())).get(row.id));
}
