/** Runs `parties` servers at once, each in its own thread over the same SQLite file (see race-worker.mjs). */
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { ROOT } from "./e2e.js";

export interface RaceResult { reminders: number; delivered: number }

/** Each party sends due reminders and delivers due mail at `now`, all starting together; their results. */
export function raceServers(o: { file: string; now: number; smtpUrl: string; parties?: number; publicUrl?: string }): Promise<RaceResult[]> {
  const parties = o.parties ?? 2;
  const barrier = new SharedArrayBuffer(4);
  const workerData = { dist: join(ROOT, "dist"), file: o.file, now: o.now, smtpUrl: o.smtpUrl, barrier, parties, publicUrl: o.publicUrl ?? "http://tele.test" };
  return Promise.all(Array.from({ length: parties }, () => new Promise<RaceResult>((ok, fail) => {
    const w = new Worker(join(ROOT, "tests/helpers/race-worker.mjs"), { workerData });
    w.once("message", ok);
    w.once("error", fail);
    w.once("exit", (code) => code !== 0 && fail(new Error(`race worker exited ${code}`)));
  })));
}
