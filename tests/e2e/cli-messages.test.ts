/**
 * What the user reads, through the real binary against a real server (issue 10): typo hints after
 * a global option, errors that name the flag, `--json` errors alone on stderr, "not found" naming
 * what, `--version --json`, and a busy port.
 */
import { readFileSync } from "node:fs";
import { createServer, type AddressInfo, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, errorJson, startWorld, tele, tempDir, type E2eWorld } from "../helpers/e2e.js";

describe("messages of the tele binary", () => {
  let w: E2eWorld;
  let ids: { tess: string; bo: string };
  beforeAll(async () => {
    w = await startWorld();
    const tess = await tele(["staff", "add", "--name", "Tess Therapist", "--email", "tess@maple.test", "--role", "therapist", "--json"], w.env);
    const bo = await tele(["clients", "add", "--name", "Bo Client", "--email", "bo@client.test", "--state", "NY", "--json"], w.env);
    ids = { tess: tess.json().id, bo: bo.json().id };
  });
  afterAll(async () => w?.close());

  it("a typo after a global option is corrected in place, naming the whole command", async () => {
    const r = await tele(["--profile", "x", "appointmnts", "list"], w.env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`Error: unknown command 'appointmnts'\nHint: did you mean "tele appointments list"? Or run "tele --help" to see what it accepts\n`);
    const sub = await tele(["--url", w.server.url, "appointments", "lst"], w.env);
    expect(sub.stderr).toBe(`Error: unknown command 'lst'\nHint: did you mean "tele appointments list"? Or run "tele appointments --help" to see what it accepts\n`);
    const flag = await tele(["--profile", "x", "appointments", "create", "--therapst", "tess@maple.test"], w.env);
    expect(flag.stderr).toBe(
      `Error: unknown option '--therapst'\nHint: did you mean "tele appointments create --therapist"? Or run "tele appointments create --help" to see what it accepts\n`,
    );
  });

  it.each([
    [["appointments", "create", "--therapist", "tess@maple.test", "--client", "bo@client.test", "--start", "2027-01-04", "--duration", "50"],
      "--start must be a date and a time, such as 2026-12-03T15:00 (ISO 8601; an offset such as -05:00 is optional)", 2],
    [["appointments", "create", "--therapist", "tess@maple.test", "--client", "bo@client.test", "--start", "2027-01-04T10:00", "--duration", "3"],
      "--duration must be at least 5 minutes", 2],
    [["appointments", "create", "--therapist", "tess@maple.test", "--client", "bo@client.test", "--start", "2020-01-06T10:00", "--duration", "50"],
      "the start 2020-01-06T15:00:00.000Z has passed; to record a past appointment, allow it (--allow-past)", 6],
    [["appointments", "list", "--status", "nope"], "--status must be one of scheduled, completed, cancelled, no_show", 2],
    [["appointments", "list", "--from", "yesterday", "--limit", "0"],
      "--from must be an ISO 8601 date or date-time, such as 2026-12-01 or 2026-12-01T15:00; --limit must be at least 1", 2],
    [["practice", "set", "--join-window-minutes", "500", "--timezone", "Mars/Base"],
      "--timezone must be an IANA time zone, such as America/New_York; --join-window-minutes must be 0 to 120 minutes", 2],
    [["staff", "add", "--name", "Al", "--email", "al@maple.test", "--role", "wizard"], "--role must be one of owner, manager, therapist, biller", 2],
    [["clients", "add", "--name", "Cy", "--email", "cy@client.test", "--date-of-birth", "1990-13-40"], "--date-of-birth must be a date, such as 1990-04-30", 2],
  ])("errors name the flag, not the schema's field: tele %j", async (argv, message, code) => {
    const r = await tele(argv as string[], w.env);
    expect(r.code).toBe(code);
    expect(r.stderr.split("\n")[0]).toBe(`Error: ${message}`);
    expect(r.stderr).not.toMatch(/\b(startAt|durationMinutes|allowPast|timeZone|joinWindowMinutes|dateOfBirth)\b/);
  });

  it.each([
    [["appointments", "create", "--json"], 2, "usage"],
    [["appointments", "show", "apt_nope", "--json"], 5, "not_found"],
    [["staff", "lst", "--json"], 2, "usage"],
    [["staff", "--json"], 2, "usage"],
    [["appointments", "convert", "--therapist", "tess@maple.test", "--json"], 2, "confirmation_required"],
  ])("with --json the error is the JSON document alone on stderr: tele %j", async (argv, exit, code) => {
    const r = await tele(argv as string[], w.env);
    expect(r.code).toBe(exit);
    expect(r.stdout).toBe("");
    const lines = r.stderr.split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe("");
    expect(JSON.parse(lines[0]!).error).toMatchObject({ code, message: expect.any(String), hint: expect.any(String) });
  });

  it("not found names what was not found, and the hint names a command that lists it", async () => {
    const one = await tele(["appointments", "show", "apt_nope"], w.env);
    expect(one.code).toBe(5);
    expect(one.stderr).toBe(`Error: appointment apt_nope was not found\nHint: "tele appointments list" shows what exists\n`);
    const many = await tele(["appointments", "convert", "apt_no1", "apt_no2", "--yes", "--json"], w.env);
    expect(many.code).toBe(5);
    expect(errorJson(many.stderr)).toMatchObject({ message: "appointments apt_no1, apt_no2 were not found", details: { missing: ["apt_no1", "apt_no2"] } });
    const token = await tele(["staff", "tokens", "revoke", "tok_nope"], w.env);
    expect(token.stderr).toBe(`Error: API token tok_nope was not found\nHint: "tele staff tokens list STAFF" shows a staff member's token ids\n`);
    const staff = await tele(["staff", "show", ids.bo], w.env);
    expect(staff.stderr).toBe(`Error: staff member ${ids.bo} was not found\nHint: "tele staff list" shows what exists\n`);
  });

  it("tele --version --json prints JSON", async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    for (const argv of [["--version", "--json"], ["--json", "-V"]]) {
      const r = await tele(argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`{"version":"${version}"}\n`);
      expect(r.stderr).toBe("");
    }
    expect((await tele(["--version"])).stdout).toBe(`${version}\n`);
  });

  it("tele server start on a busy port says so, exits 2 and suggests --port", async () => {
    const busy: Server = createServer();
    await new Promise<void>((ok) => busy.listen(0, "127.0.0.1", ok));
    const port = (busy.address() as AddressInfo).port;
    try {
      const r = await tele(["server", "start", "--port", String(port), "--host", "127.0.0.1", "--data-dir", tempDir()]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(
        `Error: port ${port} on 127.0.0.1 is busy: something else is listening there\n` +
          `Hint: start on a free port with "tele server start --port PORT" (--port 0 picks any free one), or stop what is using ${port}\n`,
      );
      const json = await tele(["server", "start", "--port", String(port), "--host", "127.0.0.1", "--data-dir", tempDir(), "--json"]);
      expect(json.code).toBe(2);
      expect(errorJson(json.stderr).code).toBe("address_in_use");
    } finally {
      await new Promise((ok) => busy.close(ok));
    }
  });
});
