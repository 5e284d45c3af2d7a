import { describe, expect, it } from "vitest";
import { closedPortUrl, type Stub } from "../sdk/stub-server.js";
import { cleanUpAfterEach, errorJson, problemReply, stubApi, tele } from "./harness.js";

let stub: Stub | undefined;
cleanUpAfterEach();

describe("HTTP failures map to the contract's exit codes", () => {
  it.each([
    [400, "invalid_request", 2],
    [413, "payload_too_large", 2],
    [401, "unauthenticated", 3],
    [403, "permission_denied", 4],
    [404, "not_found", 5],
    [409, "not_convertible", 6],
    [422, "teletherapy_not_enabled", 6],
    [500, "internal", 1],
  ])("%i %s → exit %i", async (status, code, exit) => {
    stub = await stubApi({ "GET /api/v1/staff": problemReply(status, code, `refused: ${code}`, { why: code }) });
    const r = await tele(["staff", "list", "--json"], { stub });
    expect(r.code).toBe(exit);
    expect(r.stdout).toBe("");
    // With --json the JSON document is all there is on stderr: one line, the hint inside it.
    expect(r.stderr.split("\n")).toEqual([expect.stringMatching(/^\{"error":/), ""]);
    expect(errorJson(r.stderr)).toEqual({ error: { code, message: `refused: ${code}`, details: { why: code }, hint: expect.any(String) } });
  });

  it("unreachable server → exit 7 with a hint", async () => {
    const url = await closedPortUrl();
    const r = await tele(["staff", "list"], { env: { TELE_URL: url, TELE_TOKEN: "tok" } });
    expect(r.code).toBe(7);
    expect(r.stderr).toContain(`Error: cannot reach the tele server at ${url}`);
    expect(r.stderr).toContain("Hint: check that the server is running");
  }, 20_000);

  it("a reply that breaks the schema → exit 1, malformed_response", async () => {
    stub = await stubApi({ "GET /api/v1/staff": { json: [{ id: 1 }] } });
    const r = await tele(["staff", "list", "--json"], { stub });
    expect(r.code).toBe(1);
    expect(errorJson(r.stderr).error.code).toBe("malformed_response");
  });

  it("no server or token configured → exit 3 with the login hint", async () => {
    const r = await tele(["staff", "list"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("Error: no tele server to talk to");
    expect(r.stderr).toContain('Hint: sign in with "tele login');
  });

  it("a 404 hint names the list command of the noun", async () => {
    stub = await stubApi({});
    const r = await tele(["clients", "show", "cli_missing"], { stub });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('"tele clients list"');
  });
});

describe("error output", () => {
  it("has no stack trace and never the token, unless --debug asks for details", async () => {
    stub = await stubApi({ "GET /api/v1/staff": problemReply(500, "internal", "something broke") });
    const plain = await tele(["staff", "list"], { stub });
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    expect(plain.stderr).toContain("req_42");
    const debug = await tele(["staff", "list", "--debug"], { stub });
    expect(debug.stderr).toMatch(/\n\s+at /);
    for (const r of [plain, debug]) expect(r.stderr).not.toContain("tok_secret_value");
  });

  it("is the only output: stdout stays empty", async () => {
    stub = await stubApi({ "GET /api/v1/clients": problemReply(403, "permission_denied", "not allowed") });
    const r = await tele(["clients", "list"], { stub });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(2);
  });
});
