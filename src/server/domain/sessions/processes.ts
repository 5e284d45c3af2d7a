/**
 * Several `tele server start` processes on one database (issue 13): each has a row in
 * `server_processes` that it heartbeats every `heartbeatMs`; one whose heartbeat is older than
 * `deadAfterMs` (or, on this host, whose pid is gone) is dead, and whichever process notices first
 * removes it and what it held (its session streams, Idempotency-Key claims, undelivered signals).
 * The sides those streams kept present are then set absent (lifecycle.resetOrphans), so a killed
 * process's pages stop counting within `deadAfterMs` plus one heartbeat.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Deps } from "../deps.js";
import { resetOrphans } from "./lifecycle.js";

/** Defaults: a heartbeat every 5 s, dead after 20 s without one (TELE_HEARTBEAT_MS, TELE_PROCESS_DEAD_MS). */
export const HEARTBEAT_MS = 5_000;
export const DEAD_AFTER_MS = 20_000;

/** A new process id: `p_` and 12 random base64url characters (ids only, nothing about the machine). */
export const newProcessId = (): string => `p_${randomBytes(9).toString("base64url")}`;

/** Whether a process of this host with that pid is still running (a pid that was reused counts as running: the heartbeat decides). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export class ProcessMembership {
  private readonly host = hostname();

  constructor(
    private readonly deps: Pick<Deps, "store" | "clock">,
    readonly id: string,
    readonly opts: { heartbeatMs: number; deadAfterMs: number },
  ) {}

  /**
   * At startup: registers, reaps the dead, and sets absent every side stored as present with no
   * stream open in any live process (nothing completes: pages reconnect). Returns the sessions reset.
   */
  async join(): Promise<{ practiceId: string; appointmentId: string }[]> {
    await this.register();
    await this.reapDead();
    return resetOrphans(this.deps, "server_start");
  }

  register(): Promise<void> {
    const now = this.deps.clock();
    return this.deps.store.tx((r) => r.processes.register({ id: this.id, host: this.host, pid: process.pid, startedAt: now, heartbeatAt: now }));
  }

  /** One heartbeat; false when the row was gone (others took this process for dead): it is registered again. */
  async beat(): Promise<boolean> {
    const now = this.deps.clock();
    if (await this.deps.store.tx((r) => r.processes.beat(this.id, now))) return true;
    await this.register();
    return false;
  }

  /** Removes the dead processes (and what processes with no row hold); returns the appointments whose streams they held. */
  async reapDead(): Promise<{ practiceId: string; appointmentId: string }[]> {
    const now = this.deps.clock();
    return this.deps.store.tx(async (r) => {
      const dead = (await r.processes.list()).filter((p) => p.id !== this.id
        && (now - p.heartbeatAt > this.opts.deadAfterMs || (p.host === this.host && p.pid !== process.pid && !running(p.pid))));
      return r.processes.remove([...dead.map((p) => p.id), ...(await r.processes.unregistered())]);
    });
  }

  /**
   * One heartbeat: when the others had taken this process for dead (it stalled), `lostStreams` ends
   * its streams so their pages reconnect and are counted again. Then dead processes are reaped and
   * the sides they kept present set absent. Returns the appointments changed, each once.
   */
  async tick(lostStreams: () => void): Promise<{ practiceId: string; appointmentId: string }[]> {
    if (!(await this.beat())) lostStreams();
    const gone = await this.reapDead();
    const reset = await resetOrphans(this.deps, "server_gone");
    const out = new Map<string, { practiceId: string; appointmentId: string }>();
    for (const g of [...gone, ...reset]) out.set(g.appointmentId, g);
    return [...out.values()];
  }

  /** This process stops: its row and streams go at once (the others then reset the sides it held). */
  async leave(): Promise<{ practiceId: string; appointmentId: string }[]> {
    return this.deps.store.tx((r) => r.processes.remove([this.id]));
  }
}
