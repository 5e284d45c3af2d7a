/**
 * The PostgreSQL store's own guarantees (issue 13), on a real database reached as the app role:
 * group commit of lone audit rows (one transaction for concurrent callers, durable before each
 * caller settles, one bad row failing only its caller), transactions that are all or nothing (R21)
 * even when the function catches a failed statement, and each statement in its practice's scope.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { migratePg } from "../../src/server/db/pg/migrate.js";
import { PgStore } from "../../src/server/db/pg/store.js";
import type { NewAudit } from "../../src/server/db/types.js";
import type { Deps } from "../../src/server/domain/deps.js";
import { describePg, freshAppRole, freshDatabase, pgClient, type FreshDatabase } from "../helpers/pg.js";
import { makePractice, T0 } from "../helpers/world.js";

describePg("the PostgreSQL store", () => {
  let db: FreshDatabase;
  let store: PgStore;
  let deps: Deps;
  let practiceId: string;
  let other: string;
  const raw = async <T>(sql: string, values: unknown[] = []): Promise<T[]> => {
    const c = await pgClient(db.url);
    try {
      await c.query("SET tele.scope = 'system'");
      return (await c.query(sql, values)).rows as T[];
    } finally {
      await c.end();
    }
  };
  const entry = (requestId: string, action = "client.read"): NewAudit => ({
    practiceId, at: T0, actorType: "system", actorId: null, action, recordType: "client", recordId: null, ip: null, requestId, details: undefined,
  });

  beforeAll(async () => {
    db = await freshDatabase("pgstore");
    const c = await pgClient(db.url);
    await migratePg(c);
    await c.end();
    const app = await freshAppRole(db);
    store = await PgStore.open(app.url, { migrate: false, poolSize: 4 });
    deps = { store, clock: () => T0, config: { publicUrl: "http://tele.test" } };
    practiceId = (await makePractice(deps)).practiceId;
    other = (await makePractice(deps, "Birch Therapy")).practiceId;
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it("lone audit rows handed in together are one transaction, and each is committed when its caller settles", async () => {
    const seen: number[] = [];
    await Promise.all(Array.from({ length: 25 }, (_, i) => store.auditAlone(entry(`req_group_${i}`)).then(async () => {
      // Durable before the reply: another connection sees the row as soon as the caller's promise settles.
      seen.push((await raw<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE request_id = $1", [`req_group_${i}`]))[0]!.n);
    })));
    expect(seen).toEqual(Array(25).fill(1));
    // xmin is the writing transaction: one for all 25.
    const tx = await raw<{ n: number }>("SELECT count(DISTINCT xmin::text)::int AS n FROM audit_log WHERE request_id LIKE 'req_group_%'");
    expect(tx[0]!.n).toBe(1);
  });

  it("one row that cannot be written fails only its own caller; the rows beside it are kept", async () => {
    const bad = { ...entry("req_bad_x"), action: null as unknown as string };
    const results = await Promise.allSettled([store.auditAlone(entry("req_bad_1")), store.auditAlone(bad), store.auditAlone(entry("req_bad_2"))]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const rows = await raw<{ request_id: string }>("SELECT request_id FROM audit_log WHERE request_id LIKE 'req_bad_%' ORDER BY request_id");
    expect(rows.map((r) => r.request_id)).toEqual(["req_bad_1", "req_bad_2"]);
  });

  it("a transaction is all or nothing: a throw after writes, or a failed statement the function caught, leaves nothing", async () => {
    const before = await raw<{ n: number }>("SELECT count(*)::int AS n FROM clients");
    const client = (id: string) => ({ id, practiceId, name: "Rolled Back", email: null, state: "NY", phone: null, dateOfBirth: null, createdAt: T0 });
    await expect(store.tx(async (r) => {
      await r.clients.insert(client("cli_rb_1"));
      throw new Error("after the write");
    })).rejects.toThrow("after the write");
    await expect(store.tx(async (r) => {
      await r.clients.insert(client("cli_rb_2"));
      await r.clients.insert(client("cli_rb_2")).catch(() => undefined); // a duplicate key, caught
      return "looked fine";
    })).rejects.toThrow(/duplicate key/);
    expect(await raw("SELECT count(*)::int AS n FROM clients")).toEqual(before);
  });

  it("each statement sees only its practice's rows: another practice's ids read as absent", async () => {
    const theirs = (await raw<{ id: string }>("SELECT id FROM staff WHERE practice_id = $1", [other])).map((r) => r.id);
    expect(theirs.length).toBeGreaterThan(0);
    // The services filter by practice, and row-level security would refuse the rows even if they did not.
    for (const id of theirs) expect(await store.staff.byId(practiceId, id)).toBeUndefined();
    expect((await store.staff.list(practiceId)).every((s) => s.practiceId === practiceId)).toBe(true);
    // Through a transaction that changes scope from one practice to the other, each statement keeps its own.
    const both = await store.tx(async (r) => [(await r.staff.list(practiceId)).length, (await r.staff.list(other)).length, (await r.staff.list(practiceId)).length]);
    expect(both[0]).toBe(both[2]);
    expect(both[1]).toBe(theirs.length);
  });
});
