/**
 * The admin commands' questions on a terminal (issue 10), against a stub API: cancelling a client's
 * upcoming appointments with the archive, and inviting a selection, are asked first; answering no
 * sends nothing more. (The commands themselves are proven against the real server in
 * tests/e2e/admin-commands.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { cleanUpAfterEach, problemReply, stubApi, tele } from "./harness.js";
import { clientBo, whoami } from "../sdk/fixtures.js";

cleanUpAfterEach();
const upcoming = problemReply(409, "has_upcoming_appointments", "client cli_bo has 3 upcoming scheduled appointment(s)", { clientId: "cli_bo", count: 3, appointments: ["apt_1", "apt_2", "apt_3"] });

describe("tele clients archive --cancel-upcoming on a terminal", () => {
  it("asks before cancelling; no changes nothing and exits 0", async () => {
    const stub = await stubApi({ "POST /api/v1/clients/cli_bo/archive": upcoming });
    const r = await tele(["clients", "archive", "cli_bo", "--cancel-upcoming"], { stub, tty: true, answers: [false] });
    expect(r.code, r.stderr).toBe(0);
    expect(r.io.questions).toEqual(["Cancel 3 upcoming appointments of client cli_bo and archive the client?"]);
    expect(r.stderr).toContain("Cancelled; nothing was changed.");
    expect(stub.requests.map((q) => JSON.parse(q.body))).toEqual([{ cancelUpcoming: false }]);
  });

  it("yes sends the archive with cancelUpcoming and prints what was cancelled", async () => {
    const archived = { ...clientBo, archivedAt: "2026-12-01T14:00:00.000Z" };
    const stub = await stubApi({
      "GET /api/v1/me": { json: whoami },
      "POST /api/v1/clients/cli_bo/archive": (req) => JSON.parse(req.body).cancelUpcoming
        ? { json: { client: archived, changed: true, cancelled: ["apt_1", "apt_2", "apt_3"], revokedLinks: 2 } }
        : upcoming,
    });
    const r = await tele(["clients", "archive", "cli_bo", "--cancel-upcoming"], { stub, tty: true, answers: [true] });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`Archived client ${clientBo.name} (cli_bo): hidden from lists, history kept.\nCancelled 3 upcoming appointments: apt_1, apt_2, apt_3.\n`);
  });
});

describe("tele clients invite --not-invited on a terminal", () => {
  it("asks before sending; no sends nothing", async () => {
    const stub = await stubApi({ "GET /api/v1/clients": { json: { items: [{ ...clientBo, email: "bo@client.test", portal: { status: "none" } }], nextCursor: null } } });
    const r = await tele(["clients", "invite", "--not-invited"], { stub, tty: true, answers: [false] });
    expect(r.code, r.stderr).toBe(0);
    expect(r.io.questions).toEqual(["Send portal invites to 1 client?"]);
    expect(r.stderr).toContain("Cancelled; nobody was invited.");
    expect(stub.requests.map((q) => `${q.method} ${q.url}`)).toEqual(["GET /api/v1/clients?portal=none"]);
  });
});

describe("the new commands are in the help", () => {
  it("tele --help names audit; tele mail --help names show and retry; tele clients --help names archive", async () => {
    expect((await tele(["--help"])).stdout).toMatch(/^\s+audit\s+the audit log/m);
    const mail = (await tele(["mail", "--help"])).stdout + (await tele(["mail", "--help"])).stderr;
    expect(mail).toMatch(/^\s+show \[id\]\s+show one mail/m);
    expect(mail).toMatch(/^\s+retry \[options\] \[id\]/m);
    const clients = (await tele(["clients", "--help"])).stdout + (await tele(["clients", "--help"])).stderr;
    expect(clients).toMatch(/^\s+archive \[options\] \[client\]/m);
  });

  it("a missing mail id is a usage error without a terminal, before any request", async () => {
    const stub = await stubApi({});
    const r = await tele(["mail", "show"], { stub });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Error: missing ID (a mail id)");
    expect(stub.requests).toHaveLength(0);
  });
});
