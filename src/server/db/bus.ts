/**
 * The event bus between the server processes on one database (issue 13). A message is a topic and
 * a payload of ids only (appointment, practice, stream and message ids; never a name, an email or a
 * note), and reaches every subscriber of its topic in every process, this one included. Delivery is
 * at most once per process and in publish order per publisher; a process that was not running when
 * a message was published does not get it (everything that matters is in the database: the bus only
 * says where to look, and a subscriber reads the rows).
 *
 * Three implementations, chosen by the store (Store.openBus): in-process (this file) for one server,
 * a polled `bus_events` table for SQLite (sqlite/bus.ts), LISTEN/NOTIFY for PostgreSQL (pg/bus.ts).
 */
export type BusPayload = Record<string, string | number | null>;
export type BusHandler = (payload: BusPayload) => void;

export interface EventBus {
  /** Publishes after the caller's change has committed; settles once the other processes can see it. */
  publish(topic: string, payload: BusPayload): Promise<void>;
  /** Returns the function that unsubscribes. */
  subscribe(topic: string, fn: BusHandler): () => void;
  close(): Promise<void>;
}

/** Subscribers by topic, and local delivery: shared by every implementation (this process hears its own messages at once). */
export class Subscribers {
  private readonly byTopic = new Map<string, Set<BusHandler>>();

  add(topic: string, fn: BusHandler): () => void {
    const set = this.byTopic.get(topic) ?? new Set<BusHandler>();
    set.add(fn);
    this.byTopic.set(topic, set);
    return () => void set.delete(fn);
  }

  /** Calls every handler of the topic; one that throws does not stop the others. */
  deliver(topic: string, payload: BusPayload): void {
    for (const fn of [...(this.byTopic.get(topic) ?? [])]) {
      try {
        fn(payload);
      } catch {
        // A handler's failure is its own (handlers log what they need); the bus keeps delivering.
      }
    }
  }
}

/** Largest payload accepted: ids only, so a few hundred bytes (PostgreSQL's NOTIFY allows 8,000). */
export const BUS_PAYLOAD_MAX = 1000;

export function encodePayload(payload: BusPayload): string {
  const text = JSON.stringify(payload);
  if (text.length > BUS_PAYLOAD_MAX) throw new Error(`bus payload of ${text.length} bytes is more than ids`);
  return text;
}

/** One process only: a message reaches this process's subscribers, on the next turn of the event loop. */
export class LocalBus implements EventBus {
  private readonly subs = new Subscribers();

  async publish(topic: string, payload: BusPayload): Promise<void> {
    encodePayload(payload);
    this.subs.deliver(topic, payload);
  }

  subscribe(topic: string, fn: BusHandler): () => void {
    return this.subs.add(topic, fn);
  }

  async close(): Promise<void> {}
}
