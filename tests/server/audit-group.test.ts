/** R20 at read speed: audit rows of concurrent reads share one commit; none is skipped, none is acknowledged before it is written. */
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { AuditGroup } from "../../src/server/db/audit-group.js";
import type { Repos } from "../../src/server/db/repos.js";
import type { NewAudit } from "../../src/server/db/types.js";
import { authenticateToken, createApiToken } from "../../src/server/domain/staff/service.js";
import { auditRows, makeWorld, tempDir } from "../helpers/server.js";
import { idOf, makeDeps, makePractice, T0 } from "../helpers/world.js";
import { itSqlite } from "../helpers/pg-store.js";

const row = (requestId: string, recordId = "cli_a"): NewAudit => ({
  practiceId: "prc_x", at: T0, actorType: "staff", actorId: "stf_x", action: "client.read", recordType: "client",
  recordId, ip: "127.0.0.1", requestId, details: undefined,
});

/** An AuditGroup over the world's real store, counting the transactions it asks for. */
async function counted() {
  const w = await makeWorld();
  let transactions = 0;
  const group = new AuditGroup((take) => (transactions++, w.store.tx(async (r: Repos) => {
    for (const entry of take()) await r.audit.append(entry);
  })));
  return { w, group, transactions: () => transactions };
}

/** An SQLite trigger that refuses some audit rows: a real failed commit, not a mock. */
const refuseRows = (w: { store: { db: { exec(sql: string): unknown } } }, when: string) =>
  w.store.db.exec(`CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log WHEN ${when} BEGIN SELECT RAISE(ABORT, 'disk says no'); END`);

describe("group commit of audit rows", () => {
  it("rows handed in together are written in one transaction, each caller settling only once its row is in", async () => {
    const { w, group, transactions } = await counted();
    const before = auditRows(w.store).length;
    const settled: string[] = [];
    const all = Array.from({ length: 100 }, (_, i) => group.append(row(`req_${i}`)).then(() => {
      // When a caller hears back, its row is already readable: the reply can never run ahead of it.
      expect(w.store.db.prepare(`SELECT count(*) AS n FROM audit_log WHERE request_id = ?`).get(`req_${i}`)).toEqual({ n: 1 });
      settled.push(`req_${i}`);
    }));
    expect(settled).toEqual([]); // nothing is acknowledged synchronously
    await Promise.all(all);
    expect(transactions()).toBe(1);
    expect(settled).toHaveLength(100);
    expect(auditRows(w.store).slice(before).map((r) => r.request_id)).toEqual(Array.from({ length: 100 }, (_, i) => `req_${i}`));
  });

  it("rows that arrive while a commit runs go into the next one, not one each", async () => {
    const { w, group, transactions } = await counted();
    // Hold the writer with a transaction of its own, as a long write would.
    let release!: () => void;
    const held = w.store.tx(() => new Promise<void>((ok) => (release = ok)));
    const first = Array.from({ length: 20 }, (_, i) => group.append(row(`req_a${i}`)));
    await new Promise((r) => setImmediate(r));
    const second = Array.from({ length: 30 }, (_, i) => group.append(row(`req_b${i}`)));
    await new Promise((r) => setImmediate(r));
    release();
    await Promise.all([held, ...first, ...second]);
    expect(transactions()).toBeLessThanOrEqual(2);
    expect(auditRows(w.store, "client.read").filter((r) => r.request_id?.startsWith("req_"))).toHaveLength(50);
  });

  itSqlite("the failure is a SQLite trigger")("a failed commit fails every caller in it, and nothing of it is written", async () => {
    const { w, group } = await counted();
    refuseRows(w, "1");
    const before = auditRows(w.store).length;
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => group.append(row(`req_${i}`))));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill("rejected"));
    expect(String((results[0] as PromiseRejectedResult).reason)).toContain("disk says no");
    expect(auditRows(w.store)).toHaveLength(before);
  });

  itSqlite("the failure is a SQLite trigger")("one row that cannot be written fails only its own caller; the rows beside it are retried and kept", async () => {
    const { w, group, transactions } = await counted();
    refuseRows(w, "NEW.record_id = 'cli_bad'");
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => group.append(row(`req_${i}`, i === 4 ? "cli_bad" : "cli_a"))));
    expect(results.map((r) => r.status)).toEqual(results.map((_, i) => (i === 4 ? "rejected" : "fulfilled")));
    expect(transactions()).toBe(11); // the group, then each row alone
    const kept = auditRows(w.store, "client.read").map((r) => r.request_id);
    expect(kept).toEqual(["req_0", "req_1", "req_2", "req_3", "req_5", "req_6", "req_7", "req_8", "req_9"]);
  });

  itSqlite("reopens the SQLite file")("closing the store first commits the rows still queued", async () => {
    const dir = tempDir();
    try {
      const env = makeDeps(`${dir.dir}/tele.db`);
      await makePractice(env.deps);
      const pending = Array.from({ length: 5 }, (_, i) => env.store.auditAlone(row(`req_c${i}`)));
      await env.store.close();
      expect((await Promise.allSettled(pending)).map((r) => r.status)).toEqual(Array(5).fill("fulfilled"));
      const db = new Database(`${dir.dir}/tele.db`, { readonly: true });
      expect(db.prepare(`SELECT count(*) AS n FROM audit_log WHERE request_id LIKE 'req_c%'`).get()).toEqual({ n: 5 });
      db.close();
    } finally {
      dir.cleanup();
    }
  });
});

describe("token lookups between writes", () => {
  it("a token revoked in a write transaction fails on its very next request", async () => {
    const w = await makeWorld();
    const { token, id } = await createApiToken(w.deps, w.p.owner, idOf(w.p.biller));
    expect((await authenticateToken(w.deps, token))?.id).toBe(idOf(w.p.biller));
    expect((await authenticateToken(w.deps, token))?.id).toBe(idOf(w.p.biller)); // remembered
    await w.store.tx(async () => void w.store.db.prepare(`UPDATE api_tokens SET revoked_at = ? WHERE id = ?`).run(T0, id));
    expect(await authenticateToken(w.deps, token)).toBeUndefined();
  });

  itSqlite("SQLite's token cache and its file")("a change made by another connection to the same file is seen at once", async () => {
    const dir = tempDir();
    try {
      const env = makeDeps(`${dir.dir}/tele.db`);
      const p = await makePractice(env.deps);
      const { token, id } = await createApiToken(env.deps, p.owner, idOf(p.biller));
      expect((await authenticateToken(env.deps, token))?.roles).toEqual(["biller"]);
      const other = new Database(`${dir.dir}/tele.db`);
      other.prepare(`UPDATE staff SET roles = 'biller,manager' WHERE id = ?`).run(idOf(p.biller));
      expect((await authenticateToken(env.deps, token))?.roles).toEqual(["biller", "manager"]);
      other.prepare(`UPDATE api_tokens SET revoked_at = 1 WHERE id = ?`).run(id);
      other.close();
      expect(await authenticateToken(env.deps, token)).toBeUndefined();
      await env.store.close();
    } finally {
      dir.cleanup();
    }
  });
});
