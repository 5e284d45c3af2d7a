/**
 * `tele server start` on PostgreSQL, through the real binary (issue 13): a database and an app role
 * set up as the README says (the app role owns nothing; migrations run as the owner through
 * TELE_DATABASE_OWNER_URL), then an appointment created, listed and converted with the real `tele`;
 * and a database that cannot be reached stops the start with exit 7 naming host:port, never the password.
 */
import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { errorJson, exited, startTele, tele, tempDir } from "../helpers/e2e.js";
import { describePg, freshAppRole, freshDatabase, pgClient, type FreshDatabase } from "../helpers/pg.js";

describePg("tele server start with TELE_DATABASE_URL", () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  const dbs: FreshDatabase[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    for (const db of dbs.splice(0)) await db.drop();
  });

  it("init, start, create, list and convert an appointment; the rows are in PostgreSQL, written as the app role", async () => {
    const db = await freshDatabase("e2e_server");
    dbs.push(db);
    const app = await freshAppRole(db); // before any table: default privileges cover what the migrations make
    const dir = tempDir();
    dirs.push(dir);
    const env = { TELE_CONFIG_DIR: join(dir, "config"), TELE_LOG_LEVEL: "warn", TELE_DATABASE_URL: app.url, TELE_DATABASE_OWNER_URL: db.url, TELE_DATABASE_POOL: "4" };
    const init = await tele(["init", "--practice", "Birch Clinic", "--state", "NY", "--timezone", "America/New_York",
      "--owner-name", "Bo Owner", "--owner-email", "bo@birch.test", "--data-dir", join(dir, "data"), "--json"], env);
    expect(init.code, init.stderr).toBe(0);
    const { token } = init.json();

    const server = await startTele(["server", "start", "--data-dir", join(dir, "data"), "--port", "0", "--json"], env);
    children.push(server.child);
    const { url } = JSON.parse(server.firstLine);
    const cli = { TELE_CONFIG_DIR: env.TELE_CONFIG_DIR, TELE_URL: url, TELE_TOKEN: token };
    const run = async (args: string[]) => {
      const r = await tele([...args, "--json"], cli);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      return r.json();
    };
    await run(["staff", "add", "--name", "Tess Therapist", "--email", "tess@birch.test", "--role", "therapist"]);
    await run(["staff", "enable", "tess@birch.test"]);
    const client = await run(["clients", "add", "--name", "Bo Client", "--email", "bo@client.test", "--state", "NY"]);
    const created = await run(["appointments", "create", "--therapist", "tess@birch.test", "--client", client.id, "--start", "2031-02-03T10:00", "--duration", "50"]);
    const listed = await run(["appointments", "list"]);
    expect(listed.map((a: { id: string }) => a.id)).toEqual([created.id]);
    expect(listed[0]).toMatchObject({ telehealth: false, status: "scheduled" });
    const converted = await run(["appointments", "convert", created.id, "--yes"]);
    expect(converted.converted).toEqual([created.id]);
    expect((await run(["appointments", "show", created.id])).telehealth).toBe(true);

    // In the database: the row converted, and its audit rows; the server's role owns no table.
    const owner = await pgClient(db.url);
    try {
      await owner.query("SET tele.scope = 'system'");
      const apt = await owner.query("SELECT telehealth, calendar_sequence FROM appointments WHERE id = $1", [created.id]);
      expect(apt.rows).toEqual([{ telehealth: 1, calendar_sequence: 1 }]);
      const audit = await owner.query("SELECT action FROM audit_log WHERE record_id = $1 ORDER BY id", [created.id]);
      expect(audit.rows.map((r) => r.action)).toEqual(expect.arrayContaining(["appointment.create", "appointment.convert"]));
      const owned = await owner.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tableowner = $1", [app.role]);
      expect(owned.rows[0].n).toBe(0);
    } finally {
      await owner.end();
    }

    const done = exited(server.child);
    server.child.kill("SIGTERM");
    expect(await done).toBe(0);
  });

  it("a database that cannot be reached: exit 7, one line naming host:port, and no password anywhere", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const secret = "s3cret-do-not-print";
    // A loopback port nothing listens on (port 1 needs root to listen).
    const env = { TELE_CONFIG_DIR: join(dir, "config"), TELE_DATABASE_URL: `postgres://tele_app:${secret}@127.0.0.1:1/tele` };
    const human = await tele(["server", "start", "--data-dir", join(dir, "data"), "--port", "0"], env);
    expect(human.code).toBe(7);
    expect(human.stdout).toBe("");
    expect(human.stderr.split("\n")[0]).toBe("Error: cannot reach PostgreSQL at 127.0.0.1:1 (ECONNREFUSED)");
    const json = await tele(["server", "start", "--data-dir", join(dir, "data"), "--port", "0", "--json"], env);
    expect(json.code).toBe(7);
    expect(errorJson(json.stderr)).toMatchObject({ code: "database_unreachable", message: "cannot reach PostgreSQL at 127.0.0.1:1 (ECONNREFUSED)" });
    for (const r of [human, json]) {
      expect(r.stderr).not.toContain(secret);
      expect(r.stderr).not.toContain("tele_app");
    }
  });
});
