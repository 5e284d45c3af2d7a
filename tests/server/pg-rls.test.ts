/**
 * Row-level security as the second wall (issue 13): connected as the server's role, which owns no
 * table, a query that forgets its practice filter still sees and writes only the practice named by
 * `SET LOCAL tele.practice_id`; the audit log cannot be changed or emptied by that role at all.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type pg from "pg";
import { migratePg } from "../../src/server/db/pg/migrate.js";
import { practiceTables } from "../../src/server/db/pg/security.js";
import { describePg, freshAppRole, freshDatabase, pgClient, type FreshDatabase } from "../helpers/pg.js";

const NOW = 1_767_000_000_000;

async function seed(owner: pg.Client): Promise<void> {
  await owner.query("SELECT set_config('tele.scope', 'system', false)");
  for (const p of ["A", "B"]) {
    await owner.query("INSERT INTO practices (id, name, slug, state, time_zone, created_at) VALUES ($1, $1, $2, 'NJ', 'America/New_York', $3)", [p, `slug-${p}`, NOW]);
    for (const n of [1, 2]) {
      await owner.query("INSERT INTO clients (id, practice_id, name, created_at) VALUES ($1, $2, $1, $3)", [`${p}-client-${n}`, p, NOW]);
    }
    await owner.query("INSERT INTO audit_log (practice_id, at, actor_type, action, record_type) VALUES ($1, $2, 'system', 'seed', 'practice')", [p, NOW]);
  }
}

describePg("row-level security on PostgreSQL", () => {
  let db: FreshDatabase;
  let app: pg.Client;
  beforeAll(async () => {
    db = await freshDatabase("pgschema_rls");
    const owner = await pgClient(db.url);
    try {
      await migratePg(owner);
      await seed(owner);
    } finally {
      await owner.end();
    }
    app = await pgClient((await freshAppRole(db)).url);
  });
  afterAll(async () => {
    await app?.end();
    await db?.drop();
  });

  /** Runs `body` in a transaction of the app role scoped to `practice` (or none), always rolled back. */
  async function asPractice<T>(practice: string | null, body: () => Promise<T>): Promise<T> {
    await app.query("BEGIN");
    try {
      if (practice) await app.query("SELECT set_config('tele.practice_id', $1, true)", [practice]);
      return await body();
    } finally {
      await app.query("ROLLBACK");
    }
  }

  it("connects as a role that owns none of the tables", async () => {
    const { rows } = await app.query("SELECT current_user AS me, count(*)::int AS owned FROM pg_tables WHERE tableowner = current_user GROUP BY 1");
    expect(rows).toEqual([]);
    const tables = await practiceTables(app);
    expect(tables).toEqual(expect.arrayContaining(["clients", "appointments", "audit_log", "mail", "consent_acceptances"]));
  });

  it("reads only practice A's clients from a SELECT with no practice filter", async () => {
    const rows = await asPractice("A", async () => (await app.query("SELECT id, practice_id FROM clients ORDER BY id")).rows);
    expect(rows).toEqual([
      { id: "A-client-1", practice_id: "A" },
      { id: "A-client-2", practice_id: "A" },
    ]);
    const practices = await asPractice("A", async () => (await app.query("SELECT id FROM practices")).rows);
    expect(practices).toEqual([{ id: "A" }]);
  });

  it("reads nothing when the transaction names no practice", async () => {
    const rows = await asPractice(null, async () => (await app.query("SELECT id FROM clients")).rows);
    expect(rows).toEqual([]);
  });

  it("refuses to insert practice B's client, or to move A's client to B", async () => {
    await expect(
      asPractice("A", () => app.query("INSERT INTO clients (id, practice_id, name, created_at) VALUES ('B-client-9', 'B', 'x', $1)", [NOW])),
    ).rejects.toMatchObject({ code: "42501" });
    await expect(asPractice("A", () => app.query("UPDATE clients SET practice_id = 'B' WHERE id = 'A-client-1'"))).rejects.toMatchObject({ code: "42501" });
    const changed = await asPractice("A", async () => (await app.query("UPDATE clients SET name = 'y' WHERE id LIKE 'B-%'")).rowCount);
    expect(changed).toBe(0);
  });

  it("lets the app role add to the audit log but not change, delete or empty it", async () => {
    await asPractice("A", () => app.query("INSERT INTO audit_log (practice_id, at, actor_type, action, record_type) VALUES ('A', $1, 'staff', 'test', 'client')", [NOW]));
    for (const sql of ["UPDATE audit_log SET action = 'forged'", "DELETE FROM audit_log", "TRUNCATE audit_log"]) {
      await expect(asPractice("A", () => app.query(sql)), sql).rejects.toMatchObject({ code: "42501" });
    }
  });

  it("sees every practice in the system scope, the documented escape for cross-practice paths", async () => {
    const rows = await asPractice(null, async () => {
      await app.query("SELECT set_config('tele.scope', 'system', true)");
      return (await app.query("SELECT DISTINCT practice_id FROM clients ORDER BY 1")).rows;
    });
    expect(rows).toEqual([{ practice_id: "A" }, { practice_id: "B" }]);
  });
});
