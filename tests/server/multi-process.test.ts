/**
 * Presence across processes, as services (issue 13): two stores on one SQLite file (WAL) stand for
 * two server processes, each with its own hub and its own polled bus, and fixed clocks moved by hand
 * so the heartbeat rules are exact: a process on another host that stops beating still counts until
 * `deadAfterMs` has passed, then the next heartbeat of the other reaps it and sets its sides absent;
 * the stalled process, waking, finds itself reaped, registers again and ends its streams so their
 * pages reconnect. (On one host a killed process is noticed sooner, by its pid: tests/e2e/multi-process.test.ts.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Actor } from "../../src/server/domain/deps.js";
import { sessionAccess } from "../../src/server/domain/sessions/access.js";
import { SessionHub, type Connection } from "../../src/server/domain/sessions/hub.js";
import type { StateEvent } from "../../src/server/domain/sessions/state.js";
import type { SqliteStore } from "../../src/server/db/sqlite/store.js";
import { auditRows, book } from "../helpers/server.js";
import { makeDeps, makePractice, T0 } from "../helpers/world.js";

type Stream = Connection & { events: StateEvent[]; ended: boolean };
const until = async (ok: () => boolean, what: string, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe("two processes on one SQLite file", () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  async function twoProcesses() {
    const dir = mkdtempSync(join(tmpdir(), "tele-multi-"));
    const file = join(dir, "tele.db");
    const envA = makeDeps(file);
    const p = await makePractice(envA.deps);
    const envB = makeDeps(file);
    const appt = await book({ ...envA, p }, { client: p.alice, start: "2026-12-01T09:10", telehealth: true });
    const hub = (env: typeof envA, id: string) => new SessionHub(env.deps, {
      processId: id, bus: env.store.openBus({ origin: id, pollMs: 10 }), heartbeatMs: 1000, deadAfterMs: 4000, reconnectGraceMs: 0,
    });
    const [a, b] = [hub(envA, "p_a"), hub(envB, "p_b")];
    await a.recover();
    await b.recover();
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }), async () => { await envA.store.close(); await envB.store.close(); },
      async () => { await a.stop(); await b.stop(); });
    const at = (t: number) => { envA.setNow(t); envB.setNow(t); };
    const open = async (h: SessionHub, env: typeof envA, actor: Actor): Promise<Stream> => {
      const access = await sessionAccess(env.deps, actor, appt.id);
      const s: Stream = {
        appointmentId: appt.id, practiceId: p.practiceId, role: access.role, who: access.who, events: [], ended: false,
        send: (ev) => s.events.push(ev), end: () => (s.ended = true),
      };
      await h.connect(actor, access, s);
      return s;
    };
    const alice: Actor = { kind: "client", practiceId: p.practiceId, clientId: p.alice.id, ip: null, requestId: null };
    return { envA, envB, p, appt, a, b, at, open, alice };
  }

  it("a page on each sees the other; a silent process on another host counts until it is dead, then its side is absent", async () => {
    const t = await twoProcesses();
    t.at(T0);
    const tina = await t.open(t.a, t.envA, t.p.tina);
    const alice = await t.open(t.b, t.envB, t.alice);
    // Tina's stream on A hears that Alice arrived on B (over B's bus rows), without reconnecting.
    await until(() => tina.events.at(-1)?.state === "live", "Tina to hear Alice");
    expect(tina.events.at(-1)!.present).toEqual({ provider: true, client: true });
    expect((await t.a.present(t.p.practiceId, t.appt.id)).map((x) => x.name)).toEqual(["Tina Therapist", "Alice"]);
    expect(await t.b.sides(t.p.practiceId, t.appt.id)).toEqual({ provider: true, client: true });

    // B stops beating, as a process on another machine that hangs or dies would.
    (t.envA.store as SqliteStore).db.prepare("UPDATE server_processes SET host = 'another-host' WHERE id = 'p_b'").run();
    t.at(T0 + 3_900);
    await t.a.tick();
    expect(await t.a.sides(t.p.practiceId, t.appt.id)).toEqual({ provider: true, client: true }); // not dead yet
    t.at(T0 + 4_100);
    await t.a.tick();
    expect(await t.a.sides(t.p.practiceId, t.appt.id)).toEqual({ provider: true, client: false });
    expect(tina.events.at(-1)).toMatchObject({ state: "waiting", present: { provider: true, client: false } });
    const resets = auditRows(t.envA.store, "session.presence_reset");
    expect(resets.map((r) => JSON.parse(r.details!))).toEqual([{ reason: "server_gone", sides: "client" }]);
    expect(auditRows(t.envA.store, "session.complete")).toEqual([]);

    // B wakes: it was reaped, so it registers again and ends its streams (their pages reconnect).
    expect(alice.ended).toBe(false);
    await t.b.tick();
    expect(alice.ended).toBe(true);
    const rows = (t.envA.store as SqliteStore).db.prepare("SELECT id FROM server_processes ORDER BY id").pluck().all();
    expect(rows).toEqual(["p_a", "p_b"]);
    // Alice's page reconnects (to either process) and is present again.
    const back = await t.open(t.a, t.envA, t.alice);
    expect(back.events.at(-1)).toMatchObject({ state: "live", present: { provider: true, client: true } });
  });

  it("a process that stops takes its streams with it; the other's heartbeat sets that side absent", async () => {
    const t = await twoProcesses();
    t.at(T0);
    const tina = await t.open(t.a, t.envA, t.p.tina);
    await t.open(t.b, t.envB, t.alice);
    await until(() => tina.events.at(-1)?.state === "live", "Tina to hear Alice");
    await t.b.stop();
    await t.a.tick();
    expect(tina.events.at(-1)).toMatchObject({ state: "waiting", present: { provider: true, client: false } });
    expect(auditRows(t.envA.store, "session.presence_reset").map((r) => JSON.parse(r.details!))).toEqual([{ reason: "server_gone", sides: "client" }]);
  });

  it("a deactivated staff member's streams end in every process", async () => {
    const t = await twoProcesses();
    t.at(T0);
    const onB = await t.open(t.b, t.envB, t.p.tina);
    const onA = await t.open(t.a, t.envA, t.p.tina);
    expect(t.a.endStreamsOf("staff", (t.p.tina as { staff: { id: string } }).staff.id)).toBe(1);
    expect(onA.ended).toBe(true);
    await until(() => onB.ended, "B to end Tina's stream");
  });
});
