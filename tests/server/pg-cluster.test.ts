/**
 * The several-process repositories on PostgreSQL (issue 13, src/server/db/pg/cluster.ts), on a real
 * database reached as the app role by two stores (two pools: two server processes): the appointment
 * lock makes a second transaction wait for the first's commit; of many completions at once exactly
 * one claims the session; an Idempotency-Key claim is its own statement (seen at once by the other
 * process, kept when the request's transaction rolls back); reaping a process removes its streams,
 * claims and their signals in every practice; orphaned sides, audio-only switches, signals and the
 * shared key; the store's bus reaches the other store; and two mail workers, one per store, deliver
 * each mail of a shared outbox exactly once over SMTP, each taking a share (FOR UPDATE SKIP LOCKED).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { migratePg } from "../../src/server/db/pg/migrate.js";
import { PgStore } from "../../src/server/db/pg/store.js";
import type { SessionStreamRow } from "../../src/server/db/repos.js";
import type { SessionRow } from "../../src/server/db/types.js";
import type { Deps } from "../../src/server/domain/deps.js";
import type { BusPayload } from "../../src/server/db/bus.js";
import { createAppointment } from "../../src/server/domain/appointments/service.js";
import { cancelAppointment } from "../../src/server/domain/appointments/cancel.js";
import { complete } from "../../src/server/domain/sessions/lifecycle.js";
import { describePg, freshAppRole, freshDatabase, pgClient, type FreshDatabase } from "../helpers/pg.js";
import { smtpTransport } from "../../src/server/domain/mail/transports.js";
import { MailWorker, type MailTransport } from "../../src/server/domain/mail/worker.js";
import { newId } from "../../src/server/domain/shared/crypto.js";
import { startMailbox } from "../helpers/mailbox.js";
import { makePractice, T0 } from "../helpers/world.js";

type Practice = Awaited<ReturnType<typeof makePractice>>;

describePg("the several-process repositories on PostgreSQL", () => {
  let db: FreshDatabase;
  let a: PgStore;
  let b: PgStore;
  let deps: Deps;
  let maple: Practice;
  let birch: Practice;
  const raw = async <T>(sql: string, values: unknown[] = []): Promise<T[]> => {
    const c = await pgClient(db.url);
    try {
      await c.query("SET tele.scope = 'system'");
      return (await c.query(sql, values)).rows as T[];
    } finally {
      await c.end();
    }
  };
  let booked = 0;
  const book = async (p: Practice) => {
    const start = new Date(T0 + (booked++) * 3_600_000).toISOString();
    return (await createAppointment(deps, p.owner, {
      therapist: (p.tina as { staff: { id: string } }).staff.id, client: p.alice.id, start, durationMinutes: 50, telehealth: true,
      allowPast: true, allowOverlap: true,
    })).id;
  };
  const session = (p: Practice, appointmentId: string, o: Partial<SessionRow> = {}): SessionRow => ({
    appointmentId, practiceId: p.practiceId, state: "waiting", sessionName: null, startedAt: null, endedAt: null,
    providerPresentMs: 0, clientPresentMs: 0, providerConnectedAt: null, clientConnectedAt: null, providerJoinedAt: null,
    createdAt: T0, updatedAt: T0, ...o,
  });
  const stream = (p: Practice, appointmentId: string, id: string, processId: string, role: SessionStreamRow["role"]): SessionStreamRow => ({
    id, processId, appointmentId, practiceId: p.practiceId, role, whoKind: role === "provider" ? "staff" : "client",
    whoId: role === "provider" ? (p.tina as { staff: { id: string } }).staff.id : p.alice.id, whoRole: role === "provider" ? "therapist" : "client",
    rtc: role === "client", openedAt: T0,
  });

  beforeAll(async () => {
    db = await freshDatabase("pgcluster");
    const c = await pgClient(db.url);
    await migratePg(c);
    await c.end();
    const app = await freshAppRole(db);
    a = await PgStore.open(app.url, { migrate: false, poolSize: 6 });
    b = await PgStore.open(app.url, { migrate: false, poolSize: 6 });
    deps = { store: a, clock: () => T0, config: { publicUrl: "http://tele.test" } };
    maple = await makePractice(deps);
    birch = await makePractice(deps, "Birch Therapy");
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it("the appointment lock holds a second process's transaction until the first commits, and only that appointment", async () => {
    const [held, free] = [await book(maple), await book(maple)];
    const order: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((ok) => (release = ok));
    let locked!: () => void;
    const isLocked = new Promise<void>((ok) => (locked = ok));
    const first = a.tx(async (r) => {
      await r.sessions.lock(maple.practiceId, held);
      locked();
      await released;
      order.push("first commits");
    });
    await isLocked;
    const second = b.tx(async (r) => {
      await r.sessions.lock(maple.practiceId, held);
      order.push("second holds the lock");
    });
    // Another appointment's lock is not held up.
    await b.tx((r) => r.sessions.lock(maple.practiceId, free));
    await new Promise((ok) => setTimeout(ok, 300));
    expect(order).toEqual([]);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(["first commits", "second holds the lock"]);
  });

  /**
   * A join holds the appointment's row (lock) and then writes the session record; completing and
   * cancelling write the session record and then the appointment. Unless they take the appointment's
   * lock first, each holds the row the other waits for: PostgreSQL aborts one as a deadlock.
   */
  for (const [what, end] of [
    ["completing", (id: string) => complete({ ...deps, store: b }, { kind: "system", practiceId: maple.practiceId, ip: null, requestId: null }, maple.practiceId, id, "ended_by_provider")],
    ["cancelling", (id: string) => cancelAppointment({ ...deps, store: b }, maple.owner, id, {})],
  ] as const) {
    it(`${what} in one process while a join holds the appointment in another waits its turn, and neither is aborted`, async () => {
      const id = await book(maple);
      await a.tx((r) => r.sessions.save(session(maple, id, { state: "live", startedAt: T0, providerConnectedAt: T0, clientConnectedAt: T0, providerJoinedAt: T0 })));
      let locked!: () => void;
      const isLocked = new Promise<void>((ok) => (locked = ok));
      const join = a.tx(async (r) => {
        await r.sessions.lock(maple.practiceId, id);
        const rec = (await r.sessions.byAppointment(maple.practiceId, id))!;
        locked();
        await new Promise((ok) => setTimeout(ok, 300));
        await r.sessions.save({ ...rec, updatedAt: T0 + 1 });
      });
      await isLocked;
      const results = await Promise.allSettled([join, end(id)]);
      expect(results.map((r) => (r.status === "rejected" ? String((r.reason as Error).message) : r.status))).toEqual(["fulfilled", "fulfilled"]);
      // The end came second, over the join's write: it is what the record says.
      expect((await a.sessions.byAppointment(maple.practiceId, id))!.state).toBe("completed");
      expect((await a.appointments.byId(maple.practiceId, id))!.status).toBe(what === "completing" ? "completed" : "cancelled");
    });
  }

  it("of twelve completions at once from two processes, exactly one claims the session; a completed one is not claimed again", async () => {
    const id = await book(maple);
    await a.tx((r) => r.sessions.save(session(maple, id, { state: "live", startedAt: T0 })));
    const wins = await Promise.all(Array.from({ length: 12 }, (_, i) =>
      (i % 2 ? b : a).tx((r) => r.sessions.claimCompletion(maple.practiceId, id, T0 + 1000 + i))));
    expect(wins.filter(Boolean)).toHaveLength(1);
    const [row] = await raw<{ state: string; updated_at: number }>("SELECT state, updated_at::float8 AS updated_at FROM telehealth_sessions WHERE appointment_id = $1", [id]);
    expect(row!.state).toBe("completed");
    expect(row!.updated_at).toBe(T0 + 1000 + wins.indexOf(true));
    expect(await a.tx((r) => r.sessions.claimCompletion(maple.practiceId, id, T0 + 5000))).toBe(false);
    // Another practice's scope cannot claim it (and does not see it).
    const other = await book(birch);
    await a.tx((r) => r.sessions.save(session(birch, other)));
    expect(await a.tx((r) => r.sessions.claimCompletion(maple.practiceId, other, T0))).toBe(false);
    expect((await a.sessions.byAppointment(birch.practiceId, other))!.state).toBe("waiting");
  });

  it("an Idempotency-Key claim is its own statement: the other process sees it at once, and a rollback of the request keeps it", async () => {
    const staffId = (maple.owner as { staff: { id: string } }).staff.id;
    const claim = { practiceId: maple.practiceId, staffId, key: "key-1", processId: "p_a", now: T0 };
    let seenByB: boolean | undefined;
    await expect(a.tx(async () => {
      expect(await a.idempotencyClaims.claim(claim)).toBe(true);
      seenByB = await b.idempotencyClaims.claim({ ...claim, processId: "p_b" });
      throw new Error("the request failed");
    })).rejects.toThrow("the request failed");
    expect(seenByB).toBe(false);
    expect(await raw("SELECT process_id FROM idempotency_claims WHERE key = 'key-1'")).toEqual([{ process_id: "p_a" }]);
    // The same key of another practice is another claim.
    const birchOwner = (birch.owner as { staff: { id: string } }).staff.id;
    expect(await b.idempotencyClaims.claim({ ...claim, practiceId: birch.practiceId, staffId: birchOwner, processId: "p_b" })).toBe(true);
    await a.idempotencyClaims.release(maple.practiceId, staffId, "key-1");
    expect(await b.idempotencyClaims.claim({ ...claim, processId: "p_b" })).toBe(true);
    await b.idempotencyClaims.release(maple.practiceId, staffId, "key-1");
    await b.idempotencyClaims.release(birch.practiceId, birchOwner, "key-1");
    expect(await raw("SELECT key FROM idempotency_claims")).toEqual([]);
  });

  it("reaping a process removes its streams, claims and their signals in every practice, and reports their appointments", async () => {
    const [m, n] = [await book(maple), await book(birch)];
    const now = T0;
    await a.tx((r) => r.processes.register({ id: "p_dead", host: "h1", pid: 11, startedAt: now, heartbeatAt: now }));
    await b.tx((r) => r.processes.register({ id: "p_live", host: "h2", pid: 22, startedAt: now + 1, heartbeatAt: now + 1 }));
    await a.tx(async (r) => {
      await r.streams.open(stream(maple, m, "s_dead_m", "p_dead", "provider"));
      await r.streams.open(stream(birch, n, "s_dead_n", "p_dead", "client"));
      await r.streams.open(stream(maple, m, "s_live_m", "p_live", "client"));
      await r.streams.open(stream(maple, m, "s_ghost", "p_ghost", "client"));
    });
    const toDead = await b.tx((r) => r.signals.insert({ appointmentId: m, toStream: "s_dead_m", fromStream: "s_live_m", msg: "{}", createdAt: now }));
    const toLive = await b.tx((r) => r.signals.insert({ appointmentId: m, toStream: "s_live_m", fromStream: "s_dead_m", msg: "{\"a\":1}", createdAt: now }));
    const tina = (maple.tina as { staff: { id: string } }).staff.id;
    expect(await a.idempotencyClaims.claim({ practiceId: maple.practiceId, staffId: tina, key: "k-dead", processId: "p_dead", now })).toBe(true);

    expect((await b.processes.list()).map((p) => [p.id, p.host, p.pid, p.heartbeatAt])).toEqual([["p_dead", "h1", 11, now], ["p_live", "h2", 22, now + 1]]);
    expect(await b.tx((r) => r.processes.beat("p_live", now + 5))).toBe(true);
    expect(await b.tx((r) => r.processes.unregistered())).toEqual(["p_ghost"]);
    // One person's streams on every appointment (tina's provider stream only).
    expect((await b.streams.ofPerson("staff", tina)).map((s) => s.id)).toEqual(["s_dead_m"]);
    expect((await b.streams.forAppointment(maple.practiceId, m)).map((s) => [s.id, s.rtc])).toEqual([["s_dead_m", false], ["s_live_m", true], ["s_ghost", true]]);
    // Another practice's scope reads none of them.
    expect(await b.streams.forAppointment(birch.practiceId, m)).toEqual([]);

    const gone = await b.tx((r) => r.processes.remove(["p_dead", "p_ghost"]));
    expect(gone.map((g) => `${g.practiceId}/${g.appointmentId}`).sort()).toEqual([`${birch.practiceId}/${n}`, `${maple.practiceId}/${m}`].sort());
    expect(await raw("SELECT id FROM session_streams ORDER BY id")).toEqual([{ id: "s_live_m" }]);
    expect(await raw("SELECT id FROM server_processes")).toEqual([{ id: "p_live" }]);
    expect(await raw("SELECT key FROM idempotency_claims WHERE process_id = 'p_dead'")).toEqual([]);
    expect(await b.tx((r) => r.signals.take(toDead))).toBeUndefined();
    expect(await a.tx((r) => r.signals.take(toLive))).toEqual({ id: toLive, appointmentId: m, toStream: "s_live_m", fromStream: "s_dead_m", msg: "{\"a\":1}", createdAt: now });
    expect(await a.tx((r) => r.signals.take(toLive))).toBeUndefined();
    expect(await b.tx((r) => r.processes.beat("p_dead", now + 5))).toBe(false);

    // Closing: one stream by its id, then every stream of the appointment (and its signals).
    await a.tx((r) => r.signals.insert({ appointmentId: m, toStream: "s_live_m", fromStream: "x", msg: "{}", createdAt: now }));
    expect(await a.tx((r) => r.streams.close("s_live_m"))).toBe(true);
    expect(await a.tx((r) => r.streams.close("s_live_m"))).toBe(false);
    expect(await raw("SELECT id FROM session_signals WHERE to_stream = 's_live_m'")).toEqual([]);
    await a.tx(async (r) => {
      await r.streams.open(stream(maple, m, "s_1", "p_live", "client"));
      await r.streams.open(stream(maple, m, "s_2", "p_live", "provider"));
      await r.signals.insert({ appointmentId: m, toStream: "s_1", fromStream: "s_2", msg: "{}", createdAt: now });
    });
    expect(await a.tx((r) => r.streams.closeAll(maple.practiceId, m))).toBe(2);
    expect(await raw("SELECT count(*)::int AS n FROM session_signals WHERE appointment_id = $1", [m])).toEqual([{ n: 0 }]);
    // Old signals go: prune counts them.
    await a.tx((r) => r.signals.insert({ appointmentId: n, toStream: "s_x", fromStream: "s_y", msg: "{}", createdAt: now - 10 }));
    expect(await a.tx((r) => r.signals.prune(now - 5))).toBe(1);
  });

  it("sides stored as connected with no stream of that side are orphaned, across practices; a side with a stream is not", async () => {
    const [m, n] = [await book(maple), await book(birch)];
    await a.tx(async (r) => {
      await r.sessions.save(session(maple, m, { state: "live", providerConnectedAt: T0, clientConnectedAt: T0 }));
      await r.sessions.save(session(birch, n, { state: "waiting", clientConnectedAt: T0 }));
      await r.streams.open(stream(maple, m, "s_orph_c", "p_live", "client"));
    });
    const found = (await b.tx((r) => r.streams.orphaned())).filter((o) => o.appointmentId === m || o.appointmentId === n);
    expect(found.sort((x, y) => x.practiceId.localeCompare(y.practiceId))).toEqual([
      { practiceId: maple.practiceId, appointmentId: m, provider: true, client: false },
      { practiceId: birch.practiceId, appointmentId: n, provider: false, client: true },
    ].sort((x, y) => x.practiceId.localeCompare(y.practiceId)));
    await a.tx((r) => r.streams.open(stream(maple, m, "s_orph_p", "p_live", "provider")));
    expect((await b.tx((r) => r.streams.orphaned())).filter((o) => o.appointmentId === m)).toEqual([]);
  });

  it("audio-only: either side's switch counts until both are off; clear forgets them", async () => {
    const id = await book(maple);
    expect(await a.tx((r) => r.sessionAudio.set(id, "provider", true))).toBe(true);
    expect(await b.tx((r) => r.sessionAudio.set(id, "client", false))).toBe(true);
    expect(await a.tx((r) => r.sessionAudio.set(id, "provider", false))).toBe(false);
    expect(await b.tx((r) => r.sessionAudio.set(id, "client", true))).toBe(true);
    await a.tx((r) => r.sessionAudio.clear(id));
    expect(await raw("SELECT count(*)::int AS n FROM session_audio WHERE appointment_id = $1", [id])).toEqual([{ n: 0 }]);
  });

  it("the shared key: of two processes asking at once with their own candidates, both get the one stored first", async () => {
    const got = await Promise.all([
      a.tx((r) => r.serverKeys.getOrCreate("test-key", "candidate-a", T0)),
      b.tx((r) => r.serverKeys.getOrCreate("test-key", "candidate-b", T0)),
    ]);
    expect(got[0]).toBe(got[1]);
    expect(["candidate-a", "candidate-b"]).toContain(got[0]);
    expect(await b.tx((r) => r.serverKeys.getOrCreate("test-key", "candidate-c", T0))).toBe(got[0]);
  });

  it("the store's bus (LISTEN/NOTIFY) carries one process's message to the other's subscribers", async () => {
    const busA = a.openBus({ origin: "p_a", pollMs: 1000 });
    const busB = b.openBus({ origin: "p_b", pollMs: 1000 });
    try {
      const heard = new Promise<BusPayload>((ok) => busB.subscribe("test.topic", ok));
      await (busB as unknown as { start(): Promise<unknown> }).start();
      await busA.publish("test.topic", { id: "a_1", n: 2 });
      expect(await heard).toEqual({ id: "a_1", n: 2 });
    } finally {
      await busA.close();
      await busB.close();
    }
  });
  it("two mail workers, one per process, deliver each mail of the outbox exactly once, each taking a share", async () => {
    const box = await startMailbox();
    const workers: MailWorker[] = [];
    try {
      const ids = Array.from({ length: 120 }, () => newId("mail"));
      await a.tx((r) => r.mail.insertMany(ids.map((id, i) => ({
        id, practiceId: maple.practiceId, to: `c${i}@client.test`, subject: `Mail ${i}`, text: `body ${i}`, letter: null, nextAttemptAt: T0, createdAt: T0,
      }))));
      const taken = { a: 0, b: 0 };
      for (const [who, store] of [["a", a], ["b", b]] as const) {
        const smtp = await smtpTransport(box.url, "tele <no-reply@tele.test>", () => "tele.test");
        const counting: MailTransport = { ...smtp, deliver: async (m) => { taken[who]++; await smtp.deliver(m); } };
        workers.push(new MailWorker({ store, clock: () => T0, transport: counting }));
      }
      await Promise.all(workers.map((w) => w.pass()));
      // Only this test's mail (earlier tests here queued notices of their own).
      const ours = box.received.filter((d) => /^Mail \d+$/.test(d.mail.subject ?? ""));
      expect(ours).toHaveLength(120);
      expect(new Set(ours.map((d) => d.mail.subject)).size).toBe(120);
      expect(taken.a + taken.b).toBe(box.received.length);
      expect(taken.a).toBeGreaterThan(0);
      expect(taken.b).toBeGreaterThan(0);
      const [left] = await raw<{ n: string }>(`SELECT count(*) AS n FROM mail WHERE id = ANY($1) AND status != 'sent'`, [ids]);
      expect(Number(left!.n)).toBe(0);
    } finally {
      for (const w of workers) await w.stop();
      await box.close();
    }
  });
});
