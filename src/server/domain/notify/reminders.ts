/**
 * Reminders before each telehealth appointment at its practice's offsets (R23), exactly once each.
 * Correctness is in the data, not in this process: a reminder is claimed by inserting its key
 * (appointment, offset, start) into `reminders_sent` in the same transaction that queues its mail,
 * so a restart, a retried pass or a second server on the same database finds it taken; the
 * appointment is read again inside that transaction, so a cancelled or moved one is not reminded
 * of its old start; a reschedule makes new keys, so reminders move with it.
 */
import type { DueReminder } from "../../db/repos.js";
import { audit } from "../audit/audit.js";
import { systemActor, type Deps } from "../deps.js";
import { noticeFacts, noticeMail, tellsClient } from "./notices.js";

const BATCH = 200;

/** Claims and queues one due reminder; true when this call sent it (false: taken, or no longer due). */
async function remind(deps: Deps, d: DueReminder, now: number): Promise<boolean> {
  return deps.store.tx(async (r) => {
    const [t] = await r.notices.targets(d.practiceId, [d.appointmentId]);
    if (!t || t.status !== "scheduled" || !t.telehealth || t.startAt !== d.startAt || t.startAt <= now) return false;
    const practice = (await r.practices.byId(d.practiceId))!;
    if (!practice.reminderMinutes.includes(d.offsetMinutes)) return false;
    const mail = tellsClient("reminder", t)
      ? noticeMail(d.practiceId, t.clientEmail!, noticeFacts("reminder", t, practice, deps.config.publicUrl, now, d.offsetMinutes), now)
      : undefined;
    // A client without an email address is claimed too (with no mail), so the reminder is not looked at again.
    if (!(await r.notices.claimReminder(d, mail?.id ?? null, now))) return false;
    if (mail) await r.mail.insertMany([mail]);
    await audit(r, systemActor(d.practiceId), now, d.practiceId, "appointment.reminder", { type: "appointment", id: d.appointmentId },
      { offsetMinutes: d.offsetMinutes, mailId: mail?.id ?? null });
    return !!mail;
  });
}

/** Finds and sends every reminder due at the clock's now; returns how many mails it queued. */
export async function sendDueReminders(deps: Deps): Promise<number> {
  const now = deps.clock();
  let queued = 0;
  for (;;) {
    const due = await deps.store.notices.dueReminders(now, BATCH);
    let claimed = 0;
    for (const d of due) if (await remind(deps, d, now)) (claimed++, queued++);
    // Done when a batch was short; a full batch that claimed nothing was taken by another worker meanwhile.
    if (due.length < BATCH || claimed === 0) break;
  }
  if (queued) deps.mailQueued?.();
  return queued;
}

/** Runs `sendDueReminders` every `pollMs` (TELE_REMINDER_POLL_MS, default 60 s); one pass at a time. */
export class ReminderWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(private readonly deps: Deps, private readonly o: { pollMs: number; log?: (msg: string, fields: Record<string, unknown>) => void }) {}

  start(): void {
    this.timer = setInterval(() => this.nudge(), this.o.pollMs);
    this.timer.unref();
    this.nudge();
  }

  /** A pass now, unless one is running; returns it. */
  nudge(): Promise<unknown> {
    this.running ??= sendDueReminders(this.deps)
      .catch((err) => this.o.log?.("reminder pass failed", { err: (err as Error).message }))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
