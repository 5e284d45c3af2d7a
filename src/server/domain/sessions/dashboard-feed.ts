/**
 * The provider dashboard's live feed (issue 11): while a client waits in a session and no provider
 * is there, the dashboards that may see that appointment hear "waiting since T"; when someone
 * comes, or the session ends, they hear that it is over. Events carry appointment ids and times
 * only, never a name. Bounded: a few streams per staff member and a ceiling per server.
 */
import type { Repos } from "../../db/repos.js";
import type { AppointmentRow, SessionRow } from "../../db/types.js";

/** Streams one staff member may hold open (tabs), and all dashboards' streams in one server. */
export const FEED_PER_STAFF = 4;
export const FEED_MAX = 1000;

/** `waitingSince`: ISO 8601 UTC while the client waits without a provider; null when not (any more). */
export interface WaitingEvent {
  appointmentId: string;
  waitingSince: string | null;
}

export interface Watcher {
  practiceId: string;
  staffId: string;
  /** Whether this dashboard may hear of appointments of `therapistId` (decided by the server from the role). */
  sees(therapistId: string): boolean;
  send(ev: WaitingEvent): void;
  end(): void;
}

/** Since when the client has been waiting with no provider there, or null. */
export function waitingSince(a: Pick<AppointmentRow, "status" | "telehealth">, rec: SessionRow | undefined): number | null {
  if (!a.telehealth || a.status !== "scheduled" || !rec || rec.state === "completed") return null;
  return rec.clientConnectedAt !== null && rec.providerConnectedAt === null ? rec.clientConnectedAt : null;
}

const event = (appointmentId: string, since: number | null): WaitingEvent =>
  ({ appointmentId, waitingSince: since === null ? null : new Date(since).toISOString() });

export class DashboardFeed {
  private readonly watchers = new Set<Watcher>();

  /** Adds a stream, or false when its staff member or the server has as many as allowed. */
  add(w: Watcher): boolean {
    if (this.watchers.size >= FEED_MAX) return false;
    let mine = 0;
    for (const x of this.watchers) if (x.staffId === w.staffId && x.practiceId === w.practiceId) mine++;
    if (mine >= FEED_PER_STAFF) return false;
    this.watchers.add(w);
    return true;
  }

  remove(w: Watcher): void {
    this.watchers.delete(w);
  }

  /** Tells every dashboard that may see the appointment whether its client is waiting now. */
  publish(a: AppointmentRow, rec: SessionRow | undefined): void {
    const ev = event(a.id, waitingSince(a, rec));
    for (const w of this.watchers) if (w.practiceId === a.practiceId && w.sees(a.therapistId)) w.send(ev);
  }

  /** What a new stream starts with: every client waiting now that it may see. */
  async snapshot(r: Pick<Repos, "sessions" | "appointments">, w: Watcher): Promise<WaitingEvent[]> {
    const out: WaitingEvent[] = [];
    for (const rec of await r.sessions.connected()) {
      if (rec.practiceId !== w.practiceId) continue;
      const a = await r.appointments.byId(rec.practiceId, rec.appointmentId);
      const since = a && w.sees(a.therapistId) ? waitingSince(a, rec) : null;
      if (since !== null) out.push(event(rec.appointmentId, since));
    }
    return out;
  }

  /** Ends the streams of one staff member (deactivated), or all of them (server stopping); returns how many. */
  end(staffId?: string): number {
    let n = 0;
    for (const w of [...this.watchers]) {
      if (staffId !== undefined && w.staffId !== staffId) continue;
      this.watchers.delete(w);
      w.end();
      n++;
    }
    return n;
  }
}
