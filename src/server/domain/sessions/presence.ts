/**
 * INTERIM: who has had an appointment's session page open lately, kept in memory and refreshed on
 * each page view. The session issue replaces this with the waiting room's live connections; until
 * then "present" means "opened the page within the last PRESENCE_MS".
 */
export const PRESENCE_MS = 30_000;

export interface Present {
  kind: "staff" | "client";
  id: string;
  /** What the page shows: the staff member's name, or the client's first name. */
  name: string;
  /** therapist, owner, manager, or client. */
  role: string;
  seenAt: number;
}

/** Appointment id → who opened its page, newest view per person. One map per server process. */
export class PresenceMap {
  private readonly byAppointment = new Map<string, Map<string, Present>>();

  /** Records a page view and returns who is present now (including the viewer), earliest first. */
  touch(appointmentId: string, who: Omit<Present, "seenAt">, now: number): Present[] {
    let people = this.byAppointment.get(appointmentId);
    if (!people) this.byAppointment.set(appointmentId, (people = new Map()));
    people.set(`${who.kind}:${who.id}`, { ...who, seenAt: now });
    this.sweep(now);
    return this.present(appointmentId, now);
  }

  /** Who opened the page within the last PRESENCE_MS. */
  present(appointmentId: string, now: number): Present[] {
    const people = this.byAppointment.get(appointmentId);
    if (!people) return [];
    return [...people.values()].filter((p) => now - p.seenAt < PRESENCE_MS).sort((a, b) => a.seenAt - b.seenAt);
  }

  /** Forgets stale views so the map stays as small as the sessions happening now. */
  private sweep(now: number): void {
    for (const [id, people] of this.byAppointment) {
      for (const [key, p] of people) if (now - p.seenAt >= PRESENCE_MS) people.delete(key);
      if (people.size === 0) this.byAppointment.delete(id);
    }
  }
}
