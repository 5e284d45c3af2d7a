import { describe, expect, it } from "vitest";
import type { Stub } from "../sdk/stub-server.js";
import { appointment, clientBo, mail, page, staffAna, whoami } from "../sdk/fixtures.js";
import { cleanUpAfterEach, stubApi, tele } from "./harness.js";

let stub: Stub | undefined;
cleanUpAfterEach();

const ANSI = /\u001b\[/;

describe("--json prints exactly the contract's shapes", () => {
  it("staff: the fields of the schema, not extra server fields", async () => {
    stub = await stubApi({ "GET /api/v1/staff": { json: page([{ ...staffAna, passwordHash: "x" }]) } });
    const r = await tele(["staff", "list", "--json"], { stub });
    expect(r.code).toBe(0);
    const staff = JSON.parse(r.stdout);
    expect(staff).toEqual([staffAna]);
    expect(Object.keys(staff[0])).toEqual(expect.arrayContaining(["id", "name", "email", "roles", "teletherapy"]));
    expect(r.stderr).toBe("");
  });

  it("clients, appointments and mail are arrays of their shapes", async () => {
    stub = await stubApi({
      "GET /api/v1/clients": { json: page([clientBo]) },
      "GET /api/v1/appointments": { json: page([appointment]) },
      "GET /api/v1/mail": { json: page([mail]) },
    });
    expect(JSON.parse((await tele(["clients", "list", "--json"], { stub })).stdout)[0].portal).toEqual({ status: "none" });
    expect(JSON.parse((await tele(["appointments", "list", "--json"], { stub })).stdout)[0]).toMatchObject({ id: "apt_1", clientReady: false, telehealth: false });
    expect(JSON.parse((await tele(["mail", "list", "--json"], { stub })).stdout)[0]).toMatchObject({ to: "bo@example.com", status: "sent", attempts: 1 });
  });

  it("does not ask the server for the time zone (only human output needs it)", async () => {
    stub = await stubApi({ "GET /api/v1/appointments": { json: page([appointment]) }, "GET /api/v1/me": { json: whoami } });
    await tele(["appointments", "list", "--json", "--all"], { stub });
    expect(stub.requests.map((r) => r.url)).toEqual(["/api/v1/appointments?limit=1000"]);
  });
});

describe("human output", () => {
  it("shows times in the practice's time zone, labelled, fetching /me once", async () => {
    stub = await stubApi({ "GET /api/v1/appointments": { json: page([appointment, { ...appointment, id: "apt_2", therapistName: "Ana Ruiz", clientName: "Bo Chen" }]) }, "GET /api/v1/me": { json: whoami } });
    const r = await tele(["appointments", "list"], { stub });
    expect(r.stdout).toContain("START (America/New_York)");
    expect(r.stdout).toMatch(/apt_1\s+2026-12-01 15:00\s+50\s+stf_ana\s+cli_bo/);
    expect(r.stdout).toMatch(/apt_2\s+2026-12-01 15:00\s+50\s+Ana Ruiz \(stf_ana\)\s+Bo Chen \(cli_bo\)/);
    expect(stub.requests.filter((q) => q.url === "/api/v1/me")).toHaveLength(1);
  });

  it("passes --from/--to through as given", async () => {
    stub = await stubApi({ "GET /api/v1/appointments": { json: page([]) } });
    const r = await tele(["appointments", "list", "--from", "2026-12-01", "--to", "2026-12-02T09:30", "--in-person"], { stub });
    expect(r.code).toBe(0);
    expect(stub.requests[0].url).toBe("/api/v1/appointments?from=2026-12-01&to=2026-12-02T09%3A30&telehealth=false&limit=50");
    expect(r.stderr).toContain("No appointments match.");
  });

  it("colours a terminal, but not with NO_COLOR and not without a terminal", async () => {
    stub = await stubApi({ "GET /api/v1/staff": { json: page([staffAna]) } });
    expect((await tele(["staff", "list"], { stub, tty: true })).stdout).toMatch(ANSI);
    expect((await tele(["staff", "list"], { stub, tty: true, env: { NO_COLOR: "1" } })).stdout).not.toMatch(ANSI);
    expect((await tele(["staff", "list"], { stub, tty: false })).stdout).not.toMatch(ANSI);
  });

  it("NO_COLOR also keeps errors plain", async () => {
    const r = await tele(["nope"], { tty: true, env: { NO_COLOR: "" } });
    expect(r.stderr).toMatch(/^Error: /);
    expect(r.stderr).not.toMatch(ANSI);
    const coloured = await tele(["nope"], { tty: true });
    expect(coloured.stderr).toMatch(ANSI);
  });
});
