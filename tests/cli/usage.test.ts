import { describe, expect, it } from "vitest";
import type { Stub } from "../sdk/stub-server.js";
import { cleanUpAfterEach, errorJson, stubApi, tele } from "./harness.js";
import { clientBo, staffAna } from "../sdk/fixtures.js";

let stub: Stub | undefined;
cleanUpAfterEach();

describe("usage errors exit 2", () => {
  it("for an unknown command, with a suggestion", async () => {
    const r = await tele(["staf", "list"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Error: unknown command 'staf'/);
    expect(r.stderr).toContain(`Hint: did you mean "tele staff list"? Or run "tele --help" to see what it accepts\n`);
    expect(r.stdout).toBe("");
  });

  it("for an unknown flag", async () => {
    const r = await tele(["staff", "list", "--nope"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Error: unknown option '--nope'");
    expect(r.stderr).toContain('tele staff list --help');
  });

  it("for a command group without a command", async () => {
    const r = await tele(["appointments"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Error: tele appointments needs a command");
  });

  it("for conflicting flags", async () => {
    const r = await tele(["appointments", "list", "--telehealth", "--in-person"]);
    expect(r.code).toBe(2);
  });

  it("for a malformed port, before the server code is loaded", async () => {
    const r = await tele(["server", "start", "--port", "80a"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("must be a port number from 0 to 65535");
  });

  it("with the JSON error on stderr under --json", async () => {
    const r = await tele(["staff", "frobnicate", "--json"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(errorJson(r.stderr).error.code).toBe("usage");
  });
});

describe("malformed values are caught before any request", () => {
  it.each([
    [["clients", "add", "--name", "Bo", "--email", "not-an-email"], "--email must be an email address"],
    [["clients", "add", "--name", "Bo", "--state", "ZZ"], "--state must be a two-letter U.S. state"],
    [["appointments", "create", "--therapist", "stf_a", "--client", "cli_b", "--start", "2026-12-01T15:00", "--duration", "fifty"], "--duration must be a whole number"],
    [["appointments", "create", "--therapist", "stf_a", "--client", "cli_b", "--start", "tomorrow", "--duration", "50"], "--start must be a date and a time, such as 2026-12-03T15:00"],
    [["staff", "add", "--name", "Ana", "--email", "ana@example.com", "--role", "wizard"], "--role must be one of"],
    [["mail", "list", "--to", "nobody"], "--to must be an email address"],
    [["appointments", "convert"], "choose appointments by ids"],
  ])("%j", async (argv, message) => {
    stub = await stubApi({});
    const r = await tele(argv, { stub });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Error: ${message}`);
    expect(stub.requests).toHaveLength(0);
  });
});

describe("missing required values", () => {
  it("are a usage error without a terminal", async () => {
    stub = await stubApi({});
    const r = await tele(["staff", "add", "--email", "ana@example.com", "--role", "therapist"], { stub });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Error: missing --name");
    expect(r.io.questions).toEqual([]);
    expect(stub.requests).toHaveLength(0);
  });

  it("are asked for on a terminal", async () => {
    stub = await stubApi({ "POST /api/v1/staff": { status: 201, json: staffAna } });
    const r = await tele(["staff", "add", "--email", "ana@example.com"], { stub, tty: true, answers: ["Ana Ruiz", "therapist, manager"] });
    expect(r.code).toBe(0);
    expect(r.io.questions).toHaveLength(2);
    expect(JSON.parse(stub.requests[0].body)).toEqual({ name: "Ana Ruiz", email: "ana@example.com", roles: ["therapist", "manager"] });
  });

  it("a missing positional is asked for on a terminal", async () => {
    stub = await stubApi({ "GET /api/v1/clients/cli_bo": { json: clientBo }, "GET /api/v1/me": { status: 500 } });
    const r = await tele(["clients", "show", "--json"], { stub, tty: true, answers: ["cli_bo"] });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).id).toBe("cli_bo");
  });
});

describe("help and version", () => {
  it("prints the version", async () => {
    const r = await tele(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it("prints the exit code table", async () => {
    const r = await tele(["help", "exit-codes"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s+7\s+the server cannot be reached/m);
    expect(r.stdout).toMatch(/^\s+6\s+refused by a rule/m);
  });

  it("prints help for a command path", async () => {
    const r = await tele(["help", "staff", "disable"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--convert-to-in-person");
  });

  it("refuses an unknown help topic", async () => {
    const r = await tele(["help", "nothing"]);
    expect(r.code).toBe(2);
  });
});
