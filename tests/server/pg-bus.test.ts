/**
 * The event bus on PostgreSQL (issue 13): LISTEN/NOTIFY on one dedicated connection per process,
 * against the real server. Two buses stand for two processes on one database: a message reaches the
 * other process's subscribers and this process's own exactly once each, in publish order; a payload
 * that is more than ids is refused before it is sent; and a bus whose listening connection is cut
 * (pg_terminate_backend) listens again and keeps delivering.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { PgBus, BUS_CHANNEL } from "../../src/server/db/pg/bus.js";
import { LocalBus, type BusPayload } from "../../src/server/db/bus.js";
import { describePg, freshDatabase, pgClient, type FreshDatabase } from "../helpers/pg.js";

const until = async (ok: () => boolean, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
};

describePg("the PostgreSQL bus (LISTEN/NOTIFY)", () => {
  let db: FreshDatabase;
  let one: PgBus;
  let two: PgBus;
  beforeAll(async () => {
    db = await freshDatabase("bus");
    one = new PgBus(db.url, "p_one");
    two = new PgBus(db.url, "p_two");
    await Promise.all([one.start(), two.start()]);
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await db?.drop();
  });

  it("delivers to the other process and to this one, once each, in order", async () => {
    const heardByTwo: BusPayload[] = [];
    const heardByOne: BusPayload[] = [];
    const offTwo = two.subscribe("session.changed", (p) => heardByTwo.push(p));
    const offOne = one.subscribe("session.changed", (p) => heardByOne.push(p));
    two.subscribe("other.topic", () => heardByTwo.push({ wrong: 1 }));
    for (let i = 0; i < 20; i++) await one.publish("session.changed", { a: `apt_${i}`, p: "prc_1", n: i });
    await until(() => heardByTwo.length >= 20);
    await new Promise((r) => setTimeout(r, 200)); // nothing more comes
    expect(heardByTwo.map((p) => p.n)).toEqual([...Array(20).keys()]);
    expect(heardByOne.map((p) => p.n)).toEqual([...Array(20).keys()]);
    expect(heardByTwo[3]).toEqual({ a: "apt_3", p: "prc_1", n: 3 });
    offTwo();
    offOne();
  });

  it("listens on one connection of its own per process, named for it", async () => {
    const c = await pgClient(db.url);
    try {
      const { rows } = await c.query<{ application_name: string }>(
        "SELECT application_name FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'tele bus %' ORDER BY 1", [db.name]);
      expect(rows.map((r) => r.application_name)).toEqual(["tele bus p_one", "tele bus p_two"]);
      const { rows: channels } = await c.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_listening_channels()");
      expect(channels[0]!.n).toBe(0); // this connection listens to nothing; the buses' own do
      expect(BUS_CHANNEL).toBe("tele_bus");
    } finally {
      await c.end();
    }
  });

  it("refuses a payload that is more than ids, on every bus", async () => {
    const big = { a: "x".repeat(2000) };
    await expect(one.publish("session.changed", big)).rejects.toThrow(/more than ids/);
    await expect(new LocalBus().publish("session.changed", big)).rejects.toThrow(/more than ids/);
  });

  it("listens again after its connection is cut, and keeps delivering", async () => {
    const heard: BusPayload[] = [];
    two.subscribe("after.cut", (p) => heard.push(p));
    const c = await pgClient(db.url);
    try {
      const { rows } = await c.query<{ n: number }>(
        "SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'tele bus p_two'", [db.name]);
      expect(rows[0]!.n).toBe(1);
      // Back within a few seconds: a message published then reaches it.
      const deadline = Date.now() + 10_000;
      while (heard.length === 0) {
        expect(Date.now()).toBeLessThan(deadline);
        await one.publish("after.cut", { a: "apt_after" });
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(heard[0]).toEqual({ a: "apt_after" });
    } finally {
      await c.end();
    }
  }, 20_000);
});
