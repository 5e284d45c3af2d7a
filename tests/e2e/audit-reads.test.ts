/**
 * R20 under load, against the real server on a real port over a real SQLite file: every answered
 * read has its audit row (matched by the request id the reply carries), a read whose row cannot be
 * written is not answered with data, and a `kill -9` in the middle of a burst loses no row of an
 * answered request.
 */
import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { exited, openWorldDb, startTele, startWorld, tele, tempDir, type E2eWorld } from "../helpers/e2e.js";
import { itSqlite } from "../helpers/pg-store.js";

interface Answer { status: number; requestId: string; body: string }

async function get(url: string, token: string): Promise<Answer> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, requestId: res.headers.get("x-request-id") ?? "", body: await res.text() };
}

async function addClient(base: string, token: string, name: string, email: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/clients`, {
    method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ name, email, state: "NY" }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** client.read rows per request id, from a connection of our own to the server's file. */
function readRows(dataDir: string, world?: E2eWorld): Map<string, number> {
  const db = world ? openWorldDb(world) : new Database(join(dataDir, "tele.db"));
  const rows = db.prepare(`SELECT request_id AS id, count(*) AS n FROM audit_log WHERE action = 'client.read' GROUP BY request_id`).all() as { id: string; n: number }[];
  db.close();
  return new Map(rows.map((r) => [r.id, r.n]));
}

describe("audited reads under concurrency (R20)", () => {
  const worlds: E2eWorld[] = [];
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    for (const w of worlds.splice(0)) await w.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("every one of 300 concurrent reads is answered with its own audit row, and no row is extra", async () => {
    const w = await startWorld();
    worlds.push(w);
    const id = await addClient(w.server.url, w.ownerToken, "Ada Client", "ada@client.test");
    const answers = await Promise.all(Array.from({ length: 300 }, () => get(`${w.server.url}/api/v1/clients/${id}`, w.ownerToken)));
    expect(answers.map((a) => a.status)).toEqual(Array(300).fill(200));
    const rows = readRows(w.dataDir, w);
    expect(new Set(answers.map((a) => a.requestId)).size).toBe(300);
    for (const a of answers) expect(rows.get(a.requestId), a.requestId).toBe(1);
    expect(rows.size).toBe(300);
  }, 90_000);

  itSqlite("the failure is a SQLite trigger")("a read whose audit row cannot be committed fails without the data; reads beside it in the same burst still succeed", async () => {
    const w = await startWorld();
    worlds.push(w);
    const ok = await addClient(w.server.url, w.ownerToken, "Ada Client", "ada@client.test");
    const bad = await addClient(w.server.url, w.ownerToken, "Bea Refused", "bea@client.test");
    // A real failed commit: another connection installs a trigger that makes SQLite refuse Bea's rows.
    const db = new Database(join(w.dataDir, "tele.db"));
    db.exec(`CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log WHEN NEW.record_id = '${bad}' BEGIN SELECT RAISE(ABORT, 'disk says no'); END`);
    const ids = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? bad : ok));
    const answers = await Promise.all(ids.map((id) => get(`${w.server.url}/api/v1/clients/${id}`, w.ownerToken)));
    const rows = readRows(w.dataDir, w);
    ids.forEach((id, i) => {
      const a = answers[i]!;
      if (id === bad) {
        expect(a.status).toBe(500);
        expect(JSON.parse(a.body).code).toBe("internal");
        expect(a.body).not.toMatch(/Bea|bea@client/);
        expect(rows.has(a.requestId)).toBe(false);
      } else {
        expect(a.status).toBe(200);
        expect(rows.get(a.requestId)).toBe(1);
      }
    });
    // Every row refused: every read in the burst fails.
    db.exec(`DROP TRIGGER refuse_audit; CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'disk says no'); END`);
    const refused = await Promise.all(Array.from({ length: 20 }, () => get(`${w.server.url}/api/v1/clients/${ok}`, w.ownerToken)));
    expect(refused.map((a) => a.status)).toEqual(Array(20).fill(500));
    db.close();
  }, 90_000);

  it("kill -9 during a burst of reads loses no audit row of a request that was answered", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const env = { TELE_CONFIG_DIR: join(dir, "config"), TELE_LOG_LEVEL: "warn" };
    const dataDir = join(dir, "data");
    const init = await tele(["init", "--practice", "Kill Clinic", "--state", "NY", "--timezone", "America/New_York",
      "--owner-name", "Kim Owner", "--owner-email", "kim@kill.test", "--data-dir", dataDir, "--json"], env);
    expect(init.code, init.stderr).toBe(0);
    const token = init.json<{ token: string }>().token;
    // A burst of 60 concurrent readers, killed once 300 reads are answered. If the kill happens to
    // land when nothing is in flight, the same data dir is served again (recovery after kill -9) and
    // burst again, up to three times.
    let inFlightAtKill = 0;
    for (let attempt = 0; attempt < 3 && inFlightAtKill === 0; attempt++) {
      const server = await startTele(["server", "start", "--data-dir", dataDir, "--port", "0", "--json"], env);
      children.push(server.child);
      const { url } = JSON.parse(server.firstLine) as { url: string };
      const id = await addClient(url, token, "Ada Client", `ada${attempt}@client.test`);
      const answered: string[] = [];
      let killed = false;
      const worker = async () => {
        while (!killed) {
          try {
            const a = await get(`${url}/api/v1/clients/${id}`, token);
            if (a.status === 200) answered.push(a.requestId);
          } catch {
            if (killed) inFlightAtKill++; // in flight when the process died: never answered
          }
        }
      };
      const workers = Array.from({ length: 60 }, worker);
      while (answered.length < 300) await new Promise((r) => setTimeout(r, 5));
      const gone = exited(server.child);
      server.child.kill("SIGKILL");
      killed = true;
      await gone;
      await Promise.all(workers);
      expect(server.child.signalCode).toBe("SIGKILL");
      const rows = readRows(dataDir);
      const missing = answered.filter((r) => rows.get(r) !== 1);
      expect(missing, `${missing.length} of ${answered.length} answered reads have no audit row`).toEqual([]);
    }
    expect(inFlightAtKill).toBeGreaterThan(0); // the kill landed in the middle of a burst
  }, 180_000);
});
