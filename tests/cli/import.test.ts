import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Stub } from "../sdk/stub-server.js";
import { cleanUpAfterEach, errorJson, problemReply, stubApi, tele } from "./harness.js";

let stub: Stub | undefined;
cleanUpAfterEach();

const dir = mkdtempSync(join(tmpdir(), "tele-import-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const csv = "name,email,state\nBo Lind,bo@example.com,NY\nEve,not-an-email,ZZ\n";
const file = join(dir, "clients.csv");
writeFileSync(file, csv);

const bad = { dryRun: false, rows: 2, created: 0, errors: [{ line: 3, message: "email: must be an email address" }, { line: 3, message: "state: must be a two-letter code" }] };

describe("tele clients import", () => {
  it("sends the file as text/csv, with dryRun when asked", async () => {
    stub = await stubApi({ "POST /api/v1/clients/import": { json: { dryRun: true, rows: 2, created: 0, errors: [] } } });
    const r = await tele(["clients", "import", file, "--dry-run"], { stub });
    expect(r.code).toBe(0);
    expect(stub.requests[0].url).toBe("/api/v1/clients/import?dryRun=true");
    expect(stub.requests[0].headers["content-type"]).toMatch(/^text\/csv/);
    expect(stub.requests[0].body).toBe(csv);
    expect(r.stdout).toContain("Dry run: 2 rows checked, all valid");
  });

  it("prints every bad row by line number and exits 6", async () => {
    stub = await stubApi({ "POST /api/v1/clients/import": problemReply(422, "import_invalid", "2 rows are invalid", bad) });
    const r = await tele(["clients", "import", file], { stub });
    expect(r.code).toBe(6);
    expect(r.stderr).toContain("  line 3: email: must be an email address\n  line 3: state: must be a two-letter code\n");
    expect(r.stderr).toContain("Error: 2 bad rows in");
    expect(r.stdout).toBe("");
  });

  it("with --json prints the ImportResult on stdout too", async () => {
    stub = await stubApi({ "POST /api/v1/clients/import": problemReply(422, "import_invalid", "2 rows are invalid", bad) });
    const r = await tele(["clients", "import", file, "--json"], { stub });
    expect(r.code).toBe(6);
    expect(JSON.parse(r.stdout)).toEqual(bad);
    expect(errorJson(r.stderr).error.code).toBe("import_invalid");
  });

  it("a missing file is a usage error, before any request", async () => {
    stub = await stubApi({});
    const r = await tele(["clients", "import", join(dir, "nope.csv")], { stub });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("does not exist");
    expect(stub.requests).toHaveLength(0);
  });
});

describe("tele appointments import", () => {
  it("reports the created count", async () => {
    stub = await stubApi({ "POST /api/v1/appointments/import": { json: { dryRun: false, rows: 2, created: 2, errors: [] } } });
    const r = await tele(["appointments", "import", file, "--json"], { stub });
    expect(r.code).toBe(0);
    expect(stub.requests[0].url).toBe("/api/v1/appointments/import");
    expect(JSON.parse(r.stdout)).toEqual({ dryRun: false, rows: 2, created: 2, errors: [] });
  });

  it("a 413 is a usage error", async () => {
    stub = await stubApi({ "POST /api/v1/appointments/import": problemReply(413, "payload_too_large", "the file is too large") });
    const r = await tele(["appointments", "import", file], { stub });
    expect(r.code).toBe(2);
  });
});
