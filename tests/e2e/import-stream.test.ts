/**
 * Imports that stream (issue 14), against the real server on a real port over a real SQLite file
 * and through the real `tele` binary: a bad row at the very end of a large file still refuses the
 * whole file, the server answers other requests while an upload is still arriving, and the row
 * limit (TELE_IMPORT_MAX_ROWS) refuses clearly, naming the setting.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { errorJson, openWorldDb, startWorld, tele, type E2eWorld } from "../helpers/e2e.js";

const ROWS = 200_000;
const HEADER = "therapist,client,start,duration_minutes,telehealth\n";

function count(w: E2eWorld, table: string): number {
  const db = openWorldDb(w, { readonly: true });
  const n = (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  db.close();
  return n;
}

/** One therapist and ten clients, so rows of one hour each never overlap. */
async function setUp(w: E2eWorld): Promise<void> {
  expect((await tele(["staff", "add", "--name", "Tina Therapist", "--email", "tina@maple.test", "--role", "therapist", "--json"], w.env)).code).toBe(0);
  const clients = join(w.dataDir, "clients.csv");
  writeFileSync(clients, "name,email,state\n" + Array.from({ length: 10 }, (_, i) => `Client ${i},c${i}@client.test,NY\n`).join(""));
  expect((await tele(["clients", "import", clients, "--json"], w.env)).code).toBe(0);
}

/** `n` appointment rows, one an hour from 2027 on, as CSV text (header included). */
function rowsCsv(n: number): string {
  const base = Date.parse("2027-01-04T00:00:00Z");
  const lines: string[] = [HEADER];
  for (let i = 0; i < n; i++) lines.push(`tina@maple.test,c${i % 10}@client.test,${new Date(base + i * 3_600_000).toISOString()},50,no\n`);
  return lines.join("");
}

describe("streamed imports", () => {
  let w: E2eWorld | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it(`a bad row at the very end of ${ROWS.toLocaleString("en-US")} rows refuses the whole file; without it, every row is imported`, async () => {
    w = await startWorld();
    await setUp(w);
    const good = rowsCsv(ROWS);
    const file = join(w.dataDir, "big.csv");
    writeFileSync(file, good + "tina@maple.test,nobody@client.test,2099-01-01T09:00,50,no\n");
    const refused = await tele(["appointments", "import", file, "--json"], w.env);
    expect(refused.code).toBe(6);
    const result = refused.json<{ rows: number; created: number; errors: { line: number; message: string }[] }>();
    expect(result).toMatchObject({ rows: ROWS + 1, created: 0, errors: [{ line: ROWS + 2, message: "client not found" }] });
    expect(refused.stderr).toContain(`line ${ROWS + 2}: client not found`);
    expect(count(w, "appointments")).toBe(0);
    expect(count(w, "audit_log WHERE action = 'appointments.import'")).toBe(0);

    writeFileSync(file, good);
    const ok = await tele(["appointments", "import", file, "--json"], w.env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json()).toEqual({ dryRun: false, rows: ROWS, created: ROWS, errors: [] });
    expect(count(w, "appointments")).toBe(ROWS);
  }, 300_000);

  it("the server answers other requests while an upload is still arriving, and writes nothing until the end", async () => {
    w = await startWorld();
    await setUp(w);
    const rows = rowsCsv(3000).split("\n").map((l) => l + "\n").slice(0, 3001);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* body() {
      yield Buffer.from(rows.slice(0, 1500).join(""));
      await gate; // the rest waits until the read below has been answered
      yield Buffer.from(rows.slice(1500).join(""));
    }
    const upload = fetch(`${w.server.url}/api/v1/appointments/import`, {
      method: "POST", headers: { authorization: `Bearer ${w.ownerToken}`, "content-type": "text/csv" }, body: body(), duplex: "half",
    } as RequestInit);
    const read = await fetch(`${w.server.url}/api/v1/clients`, { headers: { authorization: `Bearer ${w.ownerToken}` } });
    expect(read.status).toBe(200);
    expect(count(w, "appointments")).toBe(0);
    release();
    const res = await upload;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ dryRun: false, rows: 3000, created: 3000, errors: [] });
    expect(count(w, "appointments")).toBe(3000);
  }, 120_000);
});

describe("the import row limit (TELE_IMPORT_MAX_ROWS)", () => {
  let w: E2eWorld | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it("a file over the limit is refused with 413 import_too_large naming the setting; the CLI exits 2 and writes nothing", async () => {
    w = await startWorld({ serverEnv: { TELE_IMPORT_MAX_ROWS: "100" } });
    await setUp(w);
    const res = await fetch(`${w.server.url}/api/v1/appointments/import`, {
      method: "POST", headers: { authorization: `Bearer ${w.ownerToken}`, "content-type": "text/csv" }, body: rowsCsv(101),
    });
    expect(res.status).toBe(413);
    const problem = (await res.json()) as { code: string; detail: string };
    expect(problem.code).toBe("import_too_large");
    expect(problem.detail).toMatch(/more than 100 rows.*TELE_IMPORT_MAX_ROWS/);

    const file = join(w.dataDir, "over.csv");
    writeFileSync(file, rowsCsv(101));
    const run = await tele(["appointments", "import", file, "--json"], w.env);
    expect(run.code).toBe(2);
    expect(errorJson(run.stderr)).toMatchObject({ code: "import_too_large", message: expect.stringContaining("TELE_IMPORT_MAX_ROWS") });
    expect(count(w, "appointments")).toBe(0);

    // At the limit it goes through; --progress counts rows on stderr and leaves --json's stdout alone.
    writeFileSync(file, rowsCsv(100));
    const ok = await tele(["appointments", "import", file, "--json", "--progress"], w.env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json()).toEqual({ dryRun: false, rows: 100, created: 100, errors: [] });
    expect(ok.stderr).toMatch(/Importing .*over\.csv: 100 rows sent/);
  }, 120_000);
});
