import pg from "pg";
import { encodePayload, Subscribers, type BusHandler, type BusPayload, type EventBus } from "../bus.js";

/** The one channel every tele process on the database listens on. */
export const BUS_CHANNEL = "tele_bus";

/** How long to wait before listening again after the listening connection was lost. */
const RECONNECT_MS = 1_000;

/**
 * The bus on PostgreSQL: `LISTEN tele_bus` on one connection of this process's own (not from the
 * pool: a pooled connection would stop listening when handed back), `NOTIFY` through the same
 * connection with `pg_notify` (a NOTIFY is delivered only once its transaction commits, and each
 * publish is its own statement, after the change it describes committed). The notification carries
 * `{o, t, d}`: the publishing process, the topic and the ids-only payload; a process skips its own
 * (its subscribers heard them at once). When the connection drops, it connects and listens again;
 * what was published meanwhile is lost to this process, as the bus promises (the rows are not).
 */
export class PgBus implements EventBus {
  private readonly subs = new Subscribers();
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private closed = false;

  constructor(private readonly url: string, private readonly origin: string, private readonly onError: (err: Error) => void = () => undefined) {}

  /** Connects and listens; publish and subscribe also work before it settles. */
  start(): Promise<pg.Client> {
    return (this.connecting ??= this.connect());
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url, application_name: `tele bus ${this.origin}` });
    client.on("notification", (n) => {
      if (n.channel !== BUS_CHANNEL || !n.payload) return;
      let msg: { o: string; t: string; d: BusPayload };
      try {
        msg = JSON.parse(n.payload) as typeof msg;
      } catch {
        return;
      }
      if (msg.o !== this.origin) this.subs.deliver(msg.t, msg.d);
    });
    client.on("error", (err) => {
      this.onError(err);
      this.lost(client);
    });
    client.on("end", () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${BUS_CHANNEL}`);
    } catch (err) {
      this.lost(client);
      throw err;
    }
    this.client = client;
    return client;
  }

  private lost(client: pg.Client): void {
    if (this.client === client) this.client = undefined;
    this.connecting = undefined;
    void client.end().catch(() => undefined);
    if (this.closed) return;
    setTimeout(() => {
      if (!this.closed && !this.connecting) this.start().catch((err: Error) => this.onError(err));
    }, RECONNECT_MS).unref();
  }

  async publish(topic: string, payload: BusPayload): Promise<void> {
    const text = JSON.stringify({ o: this.origin, t: topic, d: JSON.parse(encodePayload(payload)) as BusPayload });
    this.subs.deliver(topic, payload);
    if (this.closed) return;
    const client = this.client ?? (await this.start());
    await client.query("SELECT pg_notify($1, $2)", [BUS_CHANNEL, text]);
  }

  subscribe(topic: string, fn: BusHandler): () => void {
    return this.subs.add(topic, fn);
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
