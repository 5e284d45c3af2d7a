/**
 * The CLI's side of issue 8's "input that lies about itself", against a stub server on loopback:
 * server values with control characters are never printed raw, imports are decoded here and sent
 * as UTF-8, and a committing import's Idempotency-Key comes from the file.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { printable } from "../../src/cli/output.js";
import { whoami } from "../sdk/fixtures.js";
import { cleanUpAfterEach, errorJson, problemReply, stubApi, tele } from "./harness.js";

cleanUpAfterEach();
const dir = mkdtempSync(join(tmpdir(), "tele-input-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (bytes: Buffer | string) => {
  const path = join(dir, `f${++n}.csv`);
  writeFileSync(path, bytes);
  return path;
};
const ok = { json: { dryRun: false, rows: 1, created: 1, errors: [] } };
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const evil = "Ann\u001b[2J\u001b]0;x\u0007\u009b31m\u202eevil";
const client = { id: "cli_1", name: evil, email: "ann@client.test", state: "NY", phone: null, dateOfBirth: null, portal: { status: "none" }, createdAt: "2026-12-01T14:00:00.000Z", consent: { status: "none" } };

describe("server values are printed without control characters", () => {
  it("printable shows each unsafe character as a visible escape and leaves the rest alone", () => {
    expect(printable(evil)).toBe("Ann\\x1b[2J\\x1b]0;x\\x07\\x9b31m\\u202eevil");
    expect(printable("Zoë O’Brien محمد")).toBe("Zoë O’Brien محمد");
  });

  it("clients list and show: no raw control character reaches stdout or stderr", async () => {
    const stub = await stubApi({ "GET /api/v1/me": { json: whoami }, "GET /api/v1/clients": { json: { items: [client], nextCursor: null } }, "GET /api/v1/clients/cli_1": { json: client } });
    for (const argv of [["clients", "list"], ["clients", "show", "cli_1"]]) {
      const r = await tele(argv, { stub });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout + r.stderr).not.toMatch(RAW);
      expect(r.stdout).toContain("Ann\\x1b[2J");
    }
  });

  it("--json keeps the value but escapes C1 controls and bidi overrides as \\u sequences", async () => {
    const stub = await stubApi({ "GET /api/v1/clients/cli_1": { json: client } });
    const r = await tele(["clients", "show", "cli_1", "--json"], { stub });
    expect(r.stdout).not.toMatch(RAW);
    expect(r.stdout).toContain("\\u009b31m\\u202eevil");
    expect(JSON.parse(r.stdout).name).toBe(evil);
  });

  it("an error message from the server is made printable too, in both forms", async () => {
    const stub = await stubApi({ "GET /api/v1/clients/cli_1": problemReply(422, "odd_rule", "refused \u001b[2J\u202e") });
    const r = await tele(["clients", "show", "cli_1", "--json"], { stub });
    expect(r.code).toBe(6);
    expect(r.stderr).not.toMatch(RAW);
    expect(errorJson(r.stderr).error.message).toBe("refused \\x1b[2J\\u202e");
    const human = await tele(["clients", "show", "cli_1"], { stub });
    expect(human.stderr).not.toMatch(RAW);
    expect(human.stderr).toContain("Error: refused \\x1b[2J\\u202e\n");
  });
});

describe("imports", () => {
  it("a committing import's Idempotency-Key comes from the file: same file, same key; dry runs get a fresh one", async () => {
    const stub = await stubApi({ "POST /api/v1/clients/import": ok, "POST /api/v1/appointments/import": ok });
    const a = file("name,email,state\nAda,ada@client.test,NY\n");
    const same = file("name,email,state\nAda,ada@client.test,NY\n");
    const other = file("name,email,state\nBo,bo@client.test,NY\n");
    for (const argv of [[a], [same], [other], [a, "--dry-run"], [a, "--dry-run"]]) expect((await tele(["clients", "import", ...argv], { stub })).code).toBe(0);
    expect((await tele(["appointments", "import", a], { stub })).code).toBe(0);
    const keys = stub.requests.map((r) => String(r.headers["idempotency-key"]));
    expect(keys[0]).toMatch(/^import-[0-9a-f]{64}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(new Set([keys[0], keys[2], keys[3], keys[4], keys[5]]).size).toBe(5);
    expect(keys[3]).not.toMatch(/^import-/);
  });

  it("when the first attempt is still running (409 idempotency_key_in_use), it asks again with the same key and succeeds", async () => {
    let calls = 0;
    const stub = await stubApi({
      "POST /api/v1/clients/import": () => (++calls === 1 ? problemReply(409, "idempotency_key_in_use", "still being processed") : { ...ok, headers: { "idempotent-replayed": "true" } }),
    });
    const r = await tele(["clients", "import", file("name,email,state\nCy,cy@client.test,NY\n")], { stub });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("Imported 1 client from 1 row.\n");
    expect(r.stderr).toContain("was already imported into this practice");
    expect(stub.requests).toHaveLength(2);
    expect(stub.requests[1]!.headers["idempotency-key"]).toBe(stub.requests[0]!.headers["idempotency-key"]);
  });

  it("a Windows-1252 file is decoded here and sent as UTF-8", async () => {
    const stub = await stubApi({ "POST /api/v1/clients/import": ok });
    const r = await tele(["clients", "import", file(Buffer.from("name,email,state\nZo\xeb O\x92Brien,z@client.test,NY\n", "latin1")), "--encoding", "cp1252"], { stub });
    expect(r.code, r.stderr).toBe(0);
    expect(stub.requests[0]!.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(stub.requests[0]!.body).toBe("name,email,state\nZoë O’Brien,z@client.test,NY\n");
  });

  it("bytes that are not UTF-8 are refused before any request, naming the line", async () => {
    const stub = await stubApi({ "POST /api/v1/clients/import": ok });
    const r = await tele(["clients", "import", file(Buffer.from("name,email,state\nAda,a@client.test,NY\nJos\xe9,j@client.test,NY\n", "latin1")), "--json"], { stub });
    expect(r.code).toBe(2);
    expect(errorJson(r.stderr).error).toMatchObject({ code: "invalid_encoding", message: "line 3 is not valid UTF-8; if the file came from Excel, try --encoding windows-1252" });
    expect(stub.requests).toHaveLength(0);
  });

  it("UTF-16 without a byte order mark is not taken for UTF-8 (it would be full of NULs)", async () => {
    const stub = await stubApi({ "POST /api/v1/clients/import": ok });
    const r = await tele(["clients", "import", file(Buffer.from("name,email,state\nAda,a@client.test,NY\n", "utf16le"))], { stub });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Error: line 1 has NUL bytes, as UTF-16 text does, so it is not UTF-8 text; if it is UTF-16 without a byte order mark, try --encoding utf-16le\n");
    expect(stub.requests).toHaveLength(0);
  });
});
