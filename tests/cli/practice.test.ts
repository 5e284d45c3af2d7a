import { describe, expect, it } from "vitest";
import type { Stub } from "../sdk/stub-server.js";
import { practice, staffAna, whoami } from "../sdk/fixtures.js";
import { cleanUpAfterEach, errorJson, problemReply, stubApi, tele } from "./harness.js";

let stub: Stub | undefined;
cleanUpAfterEach();

const PATCH = "PATCH /api/v1/practice";
/** Answers the PATCH with the practice as the request set it, plus a field the contract does not name. */
const echo = () => stubApi({ [PATCH]: (req) => ({ json: { ...practice, contact: JSON.parse(req.body).contact, internal: "x" } }) });

describe("tele practice set", () => {
  it("sends the trimmed contact and says in one line what was set", async () => {
    stub = await echo();
    const r = await tele(["practice", "set", "--contact", "  (555) 010-0199 "], { stub });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(stub.requests[0].body)).toEqual({ contact: "(555) 010-0199" });
    expect(r.stdout).toBe("Contact of Harbor Therapy set to (555) 010-0199.\n");
    expect(r.stderr).toBe("");
  });

  it('--contact "" sends null and says the contact was cleared', async () => {
    stub = await echo();
    const r = await tele(["practice", "set", "--contact", ""], { stub });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(stub.requests[0].body)).toEqual({ contact: null });
    expect(r.stdout).toBe("Cleared the contact of Harbor Therapy; clients see none when video cannot start.\n");
  });

  it("--json prints the practice with the contract's fields only", async () => {
    stub = await echo();
    const r = await tele(["practice", "set", "--contact", "front@harbor.test", "--json"], { stub });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ ...practice, contact: "front@harbor.test" });
  });

  it.each([
    ["201 characters", "5".repeat(201), "--contact must be at most 200 characters"],
    ["two lines", "(555) 010-0199\nask for Ola", "--contact must be one line of text, without newlines or control characters"],
    ["an escape sequence", "\u001b[31m(555) 010-0199", "--contact must be one line of text, without newlines or control characters"],
  ])("a contact of %s is a usage error (exit 2) and sends nothing", async (_what, contact, message) => {
    stub = await echo();
    const r = await tele(["practice", "set", "--contact", contact, "--json"], { stub });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(errorJson(r.stderr).error).toEqual({ code: "invalid_request", message, hint: `run "tele practice set --help" to see what it accepts` });
    expect(stub.requests).toEqual([]);
  });

  it("without any setting is a usage error, even on a terminal, and sends nothing", async () => {
    stub = await echo();
    const r = await tele(["practice", "set"], { stub, tty: true });
    expect(r.code).toBe(2);
    expect(r.io.questions).toEqual([]);
    expect(r.stderr).toContain('nothing to set: give at least one of --name, --timezone, --contact, --join-window-minutes, --auto-complete-minutes, --licensure, --reminders (--contact "" clears the contact, --reminders "" turns reminders off)');
    expect(stub.requests).toEqual([]);
  });

  it("permission denied by the server is exit 4", async () => {
    stub = await stubApi({ [PATCH]: problemReply(403, "permission_denied", "you do not have permission to do this") });
    const r = await tele(["practice", "set", "--contact", "x", "--json"], { stub });
    expect(r.code).toBe(4);
    expect(errorJson(r.stderr).error.code).toBe("permission_denied");
    expect(r.stderr).toContain("an owner or manager can do this");
  });

  it("is listed in tele --help and tele practice --help", async () => {
    expect((await tele(["--help"])).stdout).toMatch(/^\s+practice\s+the practice's settings$/m);
    const help = await tele(["practice", "set", "--help"]);
    expect(help.stdout).toContain("--contact <text>");
  });
});

describe("tele whoami shows the contact", () => {
  it("when set", async () => {
    stub = await stubApi({ "GET /api/v1/me": { json: { ...whoami, practice: { ...practice, contact: "(555) 010-0199" } } } });
    const r = await tele(["whoami"], { stub });
    expect(r.stdout).toMatch(/^Contact\s+\(555\) 010-0199$/m);
  });

  it("when not set: a hint for owners and managers, only 'none' for others", async () => {
    stub = await stubApi({ "GET /api/v1/me": { json: whoami } });
    expect((await tele(["whoami"], { stub })).stdout).toMatch(/^Contact\s+none; set it with "tele practice set --contact TEXT"$/m);
    await stub.close();
    stub = await stubApi({ "GET /api/v1/me": { json: { staff: staffAna, practice } } });
    expect((await tele(["whoami"], { stub })).stdout).toMatch(/^Contact\s+none$/m);
  });
});
