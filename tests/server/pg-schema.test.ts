/**
 * The two engines' schemas are the same: SQLite's migrations in memory and PostgreSQL's in a fresh
 * database, compared table by table (columns with normalised type, NOT NULL and default; primary
 * keys; unique constraints; named indexes with their partial predicates; foreign keys; the
 * append-only triggers). The comparison itself is checked first, so it is known to be able to fail.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqlite } from "../../src/server/db/open.js";
import { MIGRATIONS } from "../../src/server/db/migrations.js";
import { PG_MIGRATIONS } from "../../src/server/db/pg/migrations.js";
import { migratePg } from "../../src/server/db/pg/migrate.js";
import { compareCatalogues, pgCatalogue, sqliteCatalogue, type Catalogue } from "../helpers/schema-catalogue.js";
import { describePg, freshDatabase, pgClient, type FreshDatabase } from "../helpers/pg.js";

const sqlite = () => sqliteCatalogue(openSqlite(":memory:"));

describe("the schema comparison", () => {
  it("has one PostgreSQL migration for every SQLite one", () => {
    expect(PG_MIGRATIONS.length).toBe(MIGRATIONS.length);
  });

  it("finds a column missing from one engine, a changed default, a lost index predicate and a lost foreign key", () => {
    const a = sqlite();
    expect(Object.keys(a)).toContain("audit_log");
    expect(compareCatalogues(a, structuredClone(a))).toEqual([]);
    const b: Catalogue = structuredClone(a);
    delete b.clients!.columns.phone;
    b.appointments!.columns.status!.default = "'completed'";
    b.clients!.indexes.clients_email = "unique (practice_id,email)";
    b.consent_acceptances!.foreignKeys = b.consent_acceptances!.foreignKeys.slice(1);
    delete b.reminders_sent;
    const diffs = compareCatalogues(a, b);
    expect(diffs).toContain("clients.phone: only in sqlite");
    expect(diffs.some((d) => d.startsWith("appointments.status:"))).toBe(true);
    expect(diffs.some((d) => d.startsWith("clients index clients_email:"))).toBe(true);
    expect(diffs.some((d) => d.startsWith("consent_acceptances foreignKeys:"))).toBe(true);
    expect(diffs).toContain("reminders_sent: only in sqlite");
  });

  it("reads SQLite's partial indexes, composite foreign keys and append-only triggers", () => {
    const a = sqlite();
    expect(a.appointments!.indexes.appointments_upcoming_telehealth).toBe("(start_at) where status = 'scheduled' and telehealth = 1");
    expect(a.consent_acceptances!.foreignKeys).toContain("(practice_id,version) -> consent_versions(practice_id,version)");
    expect(a.audit_log!.triggers).toEqual(["audit_log_no_delete", "audit_log_no_update"]);
    expect(a.staff!.uniques).toEqual(["practice_id,email"]);
  });
});

describePg("PostgreSQL's schema against SQLite's", () => {
  let db: FreshDatabase;
  beforeAll(async () => {
    db = await freshDatabase("pgschema");
    const client = await pgClient(db.url);
    try {
      await migratePg(client);
    } finally {
      await client.end();
    }
  });
  afterAll(() => db?.drop());

  it("has the same tables, columns, keys, indexes, foreign keys and triggers", async () => {
    const client = await pgClient(db.url);
    try {
      expect(compareCatalogues(sqlite(), await pgCatalogue(client))).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it("notices a column dropped from the PostgreSQL side", async () => {
    const client = await pgClient(db.url);
    try {
      await client.query("BEGIN");
      await client.query("ALTER TABLE clients DROP COLUMN phone");
      const diffs = compareCatalogues(sqlite(), await pgCatalogue(client));
      await client.query("ROLLBACK");
      expect(diffs).toEqual(["clients.phone: only in sqlite"]);
    } finally {
      await client.end();
    }
  });
});

describePg("the PostgreSQL migration runner", () => {
  let db: FreshDatabase;
  beforeAll(async () => {
    db = await freshDatabase("pgschema_run");
  });
  afterAll(() => db?.drop());

  it("migrates once when several servers start at the same moment, and refuses a newer database", async () => {
    const clients = await Promise.all([1, 2, 3].map(() => pgClient(db.url)));
    try {
      const versions = await Promise.all(clients.map((c) => migratePg(c)));
      expect(versions).toEqual([PG_MIGRATIONS.length, PG_MIGRATIONS.length, PG_MIGRATIONS.length]);
      const c = clients[0]!;
      expect((await c.query("SELECT version FROM schema_version")).rows).toEqual([{ version: PG_MIGRATIONS.length }]);
      const newer = PG_MIGRATIONS.length + 1;
      await c.query("UPDATE schema_version SET version = $1", [newer]);
      await expect(migratePg(c)).rejects.toThrow(`database schema version ${newer} is newer than this tele (${PG_MIGRATIONS.length}); upgrade tele`);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });
});
