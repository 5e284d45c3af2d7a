import { describe, expect, it } from "vitest";
import type { Stub } from "../sdk/stub-server.js";
import { appointment, conversion, whoami } from "../sdk/fixtures.js";
import { cleanUpAfterEach, errorJson, problemReply, stubApi, tele } from "./harness.js";

let stub: Stub | undefined;
cleanUpAfterEach();

const CONVERT = "POST /api/v1/appointments/convert";
const convertReply = (req: { body: string }) => ({ json: { ...conversion, dryRun: JSON.parse(req.body).dryRun === true } });

describe("tele appointments create", () => {
  it("passes --start through and warns on stderr when a telehealth client is not ready (R6)", async () => {
    stub = await stubApi({ "POST /api/v1/appointments": { status: 201, json: { ...appointment, telehealth: true } }, "GET /api/v1/me": { json: whoami } });
    const r = await tele(["appointments", "create", "--therapist", "stf_ana", "--client", "cli_bo", "--start", "2026-12-01T15:00", "--duration", "50", "--telehealth", "--json"], { stub });
    expect(r.code).toBe(0);
    const sent = stub.requests.find((q) => q.method === "POST")!;
    expect(JSON.parse(sent.body)).toEqual({
      therapist: "stf_ana", client: "cli_bo", start: "2026-12-01T15:00", durationMinutes: 50, telehealth: true, allowPast: false, allowOverlap: false,
      notify: true, // R23: a single appointment's client is told unless --no-notify
    });
    expect(JSON.parse(r.stdout).clientReady).toBe(false);
    expect(r.stderr).toContain("Warning: client cli_bo has no email or no active portal account");
  });

  it("does not warn when the client is ready", async () => {
    stub = await stubApi({ "POST /api/v1/appointments": { status: 201, json: { ...appointment, telehealth: true, clientReady: true } }, "GET /api/v1/me": { json: whoami } });
    const r = await tele(["appointments", "create", "--therapist", "stf_ana", "--client", "cli_bo", "--start", "2026-12-01T15:00", "--duration", "50", "--telehealth"], { stub });
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("Scheduled apt_1: 2026-12-01 15:00 (America/New_York), 50 min, telehealth");
  });

  it("when the practice's zone cannot be read, nothing is scheduled (the zone is asked for first)", async () => {
    stub = await stubApi({
      "POST /api/v1/appointments": { status: 201, json: appointment },
      "GET /api/v1/me": problemReply(401, "unauthenticated", "the token is not valid"),
    });
    const r = await tele(["appointments", "create", "--therapist", "stf_ana", "--client", "cli_bo", "--start", "2026-12-01T15:00", "--duration", "50"], { stub });
    expect(r.code).toBe(3);
    expect(stub.requests.map((q) => `${q.method} ${q.url}`)).toEqual(["GET /api/v1/me"]);
  });
});

describe("tele appointments convert", () => {
  it("one id and no filters: PATCH, reported as a conversion result", async () => {
    stub = await stubApi({
      "GET /api/v1/appointments/apt_1": { json: appointment },
      "PATCH /api/v1/appointments/apt_1": { json: { ...appointment, telehealth: true, clientReady: true } },
    });
    const r = await tele(["appointments", "convert", "apt_1", "--json"], { stub });
    expect(r.code).toBe(0);
    expect(stub.requests.map((q) => q.method)).toEqual(["GET", "PATCH"]);
    expect(JSON.parse(stub.requests[1].body)).toEqual({ telehealth: true });
    expect(JSON.parse(r.stdout)).toMatchObject({ dryRun: false, matched: 1, converted: ["apt_1"], skipped: [], clientsNotReady: [] });
  });

  it("one id that cannot be converted exits 6", async () => {
    stub = await stubApi({
      "GET /api/v1/appointments/apt_1": { json: appointment },
      "PATCH /api/v1/appointments/apt_1": problemReply(409, "not_convertible", "apt_1 is in the past"),
    });
    const r = await tele(["appointments", "convert", "apt_1"], { stub });
    expect(r.code).toBe(6);
    expect(r.stderr).toContain("Error: apt_1 is in the past");
  });

  it("--in-person on one id sends telehealth: false", async () => {
    stub = await stubApi({
      "GET /api/v1/appointments/apt_1": { json: { ...appointment, telehealth: true } },
      "PATCH /api/v1/appointments/apt_1": { json: appointment },
    });
    const r = await tele(["appointments", "convert", "apt_1", "--in-person"], { stub });
    expect(r.code).toBe(0);
    expect(JSON.parse(stub.requests[1].body)).toEqual({ telehealth: false });
    expect(r.stdout).toContain("Converted 1 appointment to in-person");
  });

  it("without a terminal, a bulk conversion needs --yes: without it nothing is sent and the message names --yes", async () => {
    stub = await stubApi({ [CONVERT]: convertReply });
    const r = await tele(["appointments", "convert", "--therapist", "stf_ana", "--from", "2026-12-01"], { stub });
    expect(r.code).toBe(2);
    expect(stub.requests).toHaveLength(0);
    expect(r.stderr).toContain("Error: a bulk conversion changes many appointments at once: without a terminal to confirm it, add --yes\n");
  });

  it("without a terminal, a bulk conversion with --yes is applied directly", async () => {
    stub = await stubApi({ [CONVERT]: convertReply });
    const r = await tele(["appointments", "convert", "--therapist", "stf_ana", "--from", "2026-12-01", "--invite-missing", "--yes"], { stub });
    expect(r.code).toBe(0);
    expect(stub.requests).toHaveLength(1);
    expect(JSON.parse(stub.requests[0].body)).toEqual({ therapist: "stf_ana", from: "2026-12-01", telehealth: true, dryRun: false, inviteMissing: true, notify: false });
    expect(r.stdout).toContain("Converted 1 appointment to telehealth: apt_1");
    expect(r.stdout).toMatch(/already telehealth \(1\): apt_2\n/);
    expect(r.stdout).toMatch(/past, cancelled or completed \(R7\) \(1\): apt_3\n/);
    expect(r.stderr).toContain("Warning: client cli_bo has no email");
  });

  it("a long id list is summarised on the terminal (\"and 49,990 more\") and whole with --json", async () => {
    const many = Array.from({ length: 50_000 }, (_, i) => `apt_${i}`);
    const reply = (req: { body: string }) => ({ json: { ...conversion, converted: many, skipped: [], dryRun: JSON.parse(req.body).dryRun === true } });
    stub = await stubApi({ [CONVERT]: reply });
    const r = await tele(["appointments", "convert", "--therapist", "stf_ana", "--yes"], { stub });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Converted 50,000 appointments to telehealth: ${many.slice(0, 10).join(", ")} and 49,990 more (--json lists all)`);
    const json = await tele(["appointments", "convert", "--therapist", "stf_ana", "--yes", "--json"], { stub });
    expect(JSON.parse(json.stdout).converted).toEqual(many);
  });

  it("two ids use the bulk endpoint", async () => {
    stub = await stubApi({ [CONVERT]: convertReply });
    await tele(["appointments", "convert", "apt_1", "apt_2", "--yes"], { stub });
    expect(JSON.parse(stub.requests[0].body).ids).toEqual(["apt_1", "apt_2"]);
  });

  it("on a terminal, previews with a dry run and applies after a yes", async () => {
    stub = await stubApi({ [CONVERT]: convertReply });
    const r = await tele(["appointments", "convert", "--client", "cli_bo"], { stub, tty: true, answers: [true] });
    expect(r.code).toBe(0);
    expect(stub.requests.map((q) => JSON.parse(q.body).dryRun)).toEqual([true, false]);
    expect(r.stderr).toContain("Matched 3 appointments: 1 to convert to telehealth, 2 skipped.");
    expect(r.io.questions).toEqual(["Convert 1 appointment to telehealth?"]);
  });

  it("on a terminal, a no changes nothing", async () => {
    stub = await stubApi({ [CONVERT]: convertReply });
    const r = await tele(["appointments", "convert", "--client", "cli_bo", "--json"], { stub, tty: true, answers: [false] });
    expect(r.code).toBe(0);
    expect(stub.requests).toHaveLength(1);
    expect(JSON.parse(r.stdout).dryRun).toBe(true);
  });

  it("on a terminal, --yes skips the preview", async () => {
    stub = await stubApi({ [CONVERT]: convertReply });
    const r = await tele(["appointments", "convert", "--client", "cli_bo", "--yes"], { stub, tty: true });
    expect(r.code).toBe(0);
    expect(stub.requests.map((q) => JSON.parse(q.body).dryRun)).toEqual([false]);
    expect(r.io.questions).toEqual([]);
  });

  it("--dry-run asks nothing and says nothing changed", async () => {
    stub = await stubApi({ [CONVERT]: convertReply });
    const r = await tele(["appointments", "convert", "--therapist", "stf_ana", "--dry-run"], { stub, tty: true });
    expect(stub.requests).toHaveLength(1);
    expect(JSON.parse(stub.requests[0].body).dryRun).toBe(true);
    expect(r.stdout).toContain("Dry run, nothing was changed: 1 appointment would be converted to telehealth: apt_1");
  });

  it("a refused bulk conversion prints the JSON error", async () => {
    stub = await stubApi({ [CONVERT]: problemReply(403, "permission_denied", "only your own appointments") });
    const r = await tele(["appointments", "convert", "--therapist", "stf_x", "--json", "--yes"], { stub });
    expect(r.code).toBe(4);
    expect(errorJson(r.stderr).error.code).toBe("permission_denied");
  });
});
