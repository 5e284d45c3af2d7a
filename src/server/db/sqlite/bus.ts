import { encodePayload, Subscribers, type BusHandler, type BusPayload, type EventBus } from "../bus.js";
import type { SqliteDatabase } from "../open.js";

/** How long a message stays in `bus_events`: far longer than any process's poll, so none is missed by one that is running. */
export const BUS_KEEP_MS = 60_000;

/**
 * The bus for several processes on one SQLite file (WAL): a message is a row of `bus_events`, and
 * each process reads the rows after the last one it saw every `pollMs` (one indexed range read,
 * nothing when nobody published). Its own rows it skips (its subscribers heard them at once). Rows
 * older than BUS_KEEP_MS are deleted now and then by whichever process is polling. A row's id is
 * given inside SQLite's one write lock, so ids are committed in order and no row is skipped.
 */
export class SqliteBus implements EventBus {
  private readonly subs = new Subscribers();
  private last: number;
  private readonly timer: NodeJS.Timeout;
  private polls = 0;
  private closed = false;

  constructor(
    private readonly db: SqliteDatabase,
    /** Runs a statement in the store's write queue, outside any transaction. */
    private readonly inQueue: <T>(fn: () => T) => Promise<T>,
    private readonly origin: string,
    pollMs: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.last = (db.prepare("SELECT coalesce(max(id), 0) FROM bus_events").pluck().get() as number);
    this.timer = setInterval(() => this.poll(), pollMs);
    this.timer.unref();
  }

  async publish(topic: string, payload: BusPayload): Promise<void> {
    const text = encodePayload(payload);
    this.subs.deliver(topic, payload);
    if (this.closed) return;
    await this.inQueue(() => this.db.prepare("INSERT INTO bus_events (topic, payload, origin, at) VALUES (?, ?, ?, ?)")
      .run(topic, text, this.origin, this.clock()));
  }

  subscribe(topic: string, fn: BusHandler): () => void {
    return this.subs.add(topic, fn);
  }

  /** Reads the rows published since the last poll (by other processes) and delivers them; public for tests. */
  poll(): void {
    if (this.closed || !this.db.open) return;
    let rows: { id: number; topic: string; payload: string; origin: string }[];
    try {
      rows = this.db.prepare("SELECT id, topic, payload, origin FROM bus_events WHERE id > ? ORDER BY id LIMIT 1000")
        .all(this.last) as typeof rows;
    } catch {
      return; // busy or closing: the next poll reads the same rows
    }
    for (const r of rows) {
      this.last = r.id;
      if (r.origin !== this.origin) this.subs.deliver(r.topic, JSON.parse(r.payload) as BusPayload);
    }
    if (++this.polls % 50 === 0) {
      const before = this.clock() - BUS_KEEP_MS;
      void this.inQueue(() => this.db.prepare("DELETE FROM bus_events WHERE at < ?").run(before)).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
  }
}
