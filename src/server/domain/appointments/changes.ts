/**
 * Where every change to an appointment's time, kind or status reports itself, so its client hears
 * of it (R23): the service that made the change calls `onAppointmentChange` inside its transaction.
 */
import type { Repos } from "../../db/repos.js";
import type { AppointmentRow } from "../../db/types.js";
import { audit } from "../audit/audit.js";
import { systemActor, type Deps } from "../deps.js";
import { queueNotices, type ChangeKind } from "../notify/notices.js";
import { sessionSummaries } from "../sessions/state.js";
import { appointmentView } from "../shared/views.js";

export interface AppointmentChange {
  kind: ChangeKind;
  appointmentId: string;
  practiceId: string;
  /** false: the client is not told (`--no-notify`); the calendar SEQUENCE still rises. */
  notify: boolean;
}

/**
 * Records the change for the appointment's calendar file and, with `notify`, queues the client's
 * notice. With `r` it runs in the caller's transaction (the caller nudges the mail worker after
 * commit); without, in its own, so never call it without `r` from inside a transaction (it would
 * wait for that one to end). A reschedule must also set the appointment's `updated_at`: reminders
 * whose moment had passed by then are skipped. Returns the notice's mail id, or null when none was queued.
 */
export async function onAppointmentChange(deps: Deps, change: AppointmentChange, r?: Repos): Promise<{ mailId: string | null }> {
  const run = async (tx: Repos) => {
    const now = deps.clock();
    const [mailId = null] = await queueNotices(tx, deps, now, change.practiceId, change.kind, [change.appointmentId], change.notify);
    if (mailId) {
      await audit(tx, systemActor(change.practiceId), now, change.practiceId, "appointment.notice",
        { type: "appointment", id: change.appointmentId }, { kind: change.kind, mailId });
    }
    return { mailId };
  };
  if (r) return run(r);
  const out = await deps.store.tx(run);
  if (out.mailId) deps.mailQueued?.();
  return out;
}

/** The API's view of a changed appointment, with its session summary (telehealth ones). */
export async function changedView(deps: Deps, row: AppointmentRow) {
  return appointmentView(row, (await sessionSummaries(deps.store, row.practiceId, [row], deps.clock())).get(row.id));
}
