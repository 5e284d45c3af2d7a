/**
 * Notices of a bulk change (R21, R23) without a hundred thousand mail rows in its transaction: the
 * change writes one notice batch (the appointment ids) beside its calendar SEQUENCE bump, and after
 * commit a worker expands it, a chunk of appointments per transaction. Each chunk's transaction
 * claims the chunk by moving the batch's cursor (compare-and-set), queues the chunk's mail and its
 * audit row, so a crash at any point loses no notice and sends none twice, and two servers on one
 * database never expand the same chunk. The batch row goes with its last chunk.
 *
 * A notice is rendered from the appointment as it is at expansion. One whose change no longer holds
 * (cancelled, completed, already started, switched back, gone) is not sent: the later change queued
 * its own notice, and this one would contradict it; one moved meanwhile is told of at its new time,
 * with the SEQUENCE it has now.
 */
import { DEFAULT_NOTICE_CHUNK } from "../../config.js";
import type { NoticeBatch, NoticeTarget, Repos } from "../../db/repos.js";
import { audit } from "../audit/audit.js";
import { systemActor, type Deps } from "../deps.js";
import { newId } from "../shared/crypto.js";
import { noticeMails, tellsClient } from "./notices.js";

export type BatchKind = NoticeBatch["kind"];

/**
 * Inside the bulk change's transaction: raises the calendar SEQUENCE of `changed` (except on
 * creation) and writes one batch for the appointments in `tell`; returns how many it holds.
 */
export async function batchNotices(r: Repos, now: number, practiceId: string, kind: BatchKind, changed: string[], tell: string[]): Promise<number> {
  if (kind !== "created" && changed.length) await r.notices.bumpSequence(practiceId, changed);
  if (!tell.length) return 0;
  await r.notices.addBatch({ id: newId("ntb"), practiceId, kind, appointmentIds: tell, done: 0, createdAt: now });
  return tell.length;
}

/** Whether a `kind` notice about `t` is still true at `now` (see the module's comment). */
export function stillHolds(kind: BatchKind, t: NoticeTarget, now: number): boolean {
  return t.status === "scheduled" && t.startAt > now && t.telehealth === (kind !== "in_person");
}

/** Expands `b`'s appointments `from` to `to` in one transaction; the mails queued, or null when another worker took the chunk. */
async function expandChunk(deps: Deps, b: NoticeBatch, from: number, to: number): Promise<number | null> {
  return deps.store.tx(async (r) => {
    if (!(await r.notices.advanceBatch(b.id, from, to))) return null;
    const now = deps.clock();
    const practice = await r.practices.byId(b.practiceId);
    const targets = practice ? await r.notices.targets(b.practiceId, b.appointmentIds.slice(from, to)) : [];
    const mail = practice && noticeMails(b.kind, practice, deps.config.publicUrl, now);
    const mails = mail ? targets.filter((t) => tellsClient(b.kind, t) && stillHolds(b.kind, t, now)).map(mail) : [];
    await r.mail.insertMany(mails);
    await audit(r, systemActor(b.practiceId), now, b.practiceId, "appointments.notices", { type: "appointment", id: null },
      { batchId: b.id, kind: b.kind, appointments: to - from, notices: mails.length, skipped: to - from - mails.length });
    return mails.length;
  });
}

export interface ExpandOptions {
  /** Appointments per transaction. */
  chunk?: number;
  /** Called after each chunk that queued mail (nudges the mail worker). */
  queued?: () => void;
  /** Checked between chunks: a stopping server leaves the rest to its next start. */
  stopped?: () => boolean;
}

/** Expands every batch waiting, oldest first; returns the chunks this call expanded and the mails it queued. Safe on several servers at once. */
export async function expandNoticeBatches(deps: Deps, o: ExpandOptions = {}): Promise<{ chunks: number; queued: number }> {
  const chunk = o.chunk ?? DEFAULT_NOTICE_CHUNK;
  let queued = 0, chunks = 0;
  for (;;) {
    const batches = await deps.store.notices.batches(10);
    if (!batches.length || o.stopped?.()) return { chunks, queued };
    for (const b of batches) {
      // When another worker takes a chunk first, the batch is read again (it is further on, or gone).
      for (let done = b.done; done < b.appointmentIds.length && !o.stopped?.();) {
        const to = Math.min(done + chunk, b.appointmentIds.length);
        const n = await expandChunk(deps, b, done, to);
        if (n === null) break;
        done = to;
        chunks++;
        queued += n;
        if (n) o.queued?.();
        // Let requests waiting for the database in between chunks.
        await new Promise((next) => setImmediate(next));
      }
    }
  }
}

/** Runs `expandNoticeBatches` when nudged (after a bulk change commits) and every `pollMs` (batches left by a stopped server). */
export class NoticeBatchWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly deps: Deps, private readonly o: {
    chunk?: number; pollMs: number; queued?: () => void; log?: (level: "info" | "warn", msg: string, fields: Record<string, unknown>) => void;
  }) {}

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.nudge(), this.o.pollMs);
    this.timer.unref();
    this.nudge();
  }

  /** A pass now, or right after the one running. */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) return void (this.again = true);
    this.running = expandNoticeBatches(this.deps, { chunk: this.o.chunk, queued: this.o.queued, stopped: () => this.stopped })
      .then((done) => done.chunks && this.o.log?.("info", "notice batches expanded", done))
      .catch((err) => this.o.log?.("warn", "notice batch pass failed", { err: (err as Error).message }))
      .finally(() => {
        this.running = undefined;
        if (this.again) (this.again = false), this.nudge();
      });
  }

  /** Stops between two chunks; the rest waits for the next start (of this server or another). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
