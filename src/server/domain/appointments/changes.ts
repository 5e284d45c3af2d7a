/**
 * The notifications' entry point (R23): every change to an appointment that a client may need to
 * hear about calls `onAppointmentChange` once, after its transaction has committed. Today it does
 * nothing; the client notifications (confirmations, updates, cancellations, reminders, calendar
 * files) plug in here, so the services that change appointments never need to know about mail.
 *
 * - `notify` is the caller's choice (`--no-notify` makes it false); it is passed on, not decided here.
 * - Called after commit: a change that rolled back is never announced. A failure in here must not
 *   undo or fail the change that has already happened: callers await it and ignore its rejection,
 *   so whatever plugs in keeps its own record of what is still to send (the mail outbox, R21).
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

/** The API's view of a changed appointment, with its session summary (telehealth ones). */
export async function changedView(deps: Deps, row: AppointmentRow) {
  return appointmentView(row, (await sessionSummaries(deps.store, row.practiceId, [row], deps.clock())).get(row.id));
}
