/** `tele staff deactivate` and `tele staff tokens list|revoke` against a loopback stub API: requests, output, exit codes. */
import { describe, expect, it } from "vitest";
import type { Stub } from "../sdk/stub-server.js";
import { staffAna } from "../sdk/fixtures.js";
import { cleanUpAfterEach, errorJson, problemReply, stubApi, tele } from "./harness.js";

let stub: Stub | undefined;
cleanUpAfterEach();

const DEACTIVATE = "POST /api/v1/staff/ana%40example.com/deactivate";
const gone = { ...staffAna, active: false, deactivatedAt: "2026-12-01T14:00:00.000Z" };
const cut = { staff: gone, changed: true, revokedTokens: ["tok_1", "tok_2"], endedWebSessions: 1, revokedLinks: 0 };
const token = {
  id: "tok_1", staffId: "stf_ana", createdAt: "2026-11-01T10:00:00.000Z", createdBy: "stf_ola",
  lastUsedAt: "2026-11-30T09:00:00.000Z", revokedAt: null, active: true,
};

describe("tele staff deactivate", () => {
  it("without a terminal deactivates at once and says what was cut off", async () => {
    stub = await stubApi({ [DEACTIVATE]: { json: cut } });
    const r = await tele(["staff", "deactivate", "ana@example.com"], { stub });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("Deactivated Ana Ruiz <ana@example.com> (stf_ana).\n");
    expect(r.stderr).toContain("Revoked 2 API tokens, ended 1 browser session, revoked 0 links");
  });

  it("on a terminal asks first; no changes nothing and exits 0", async () => {
    stub = await stubApi({ [DEACTIVATE]: { json: cut } });
    const r = await tele(["staff", "deactivate", "ana@example.com"], { stub, tty: true, answers: [false] });
    expect(r.code).toBe(0);
    expect(r.io.questions[0]).toContain("Deactivate ana@example.com?");
    expect(stub.requests).toHaveLength(0);
    const yes = await tele(["staff", "deactivate", "ana@example.com", "--yes"], { stub, tty: true });
    expect(yes.code).toBe(0);
    expect(stub.requests).toHaveLength(1);
  });

  it("--json prints the result; the last owner is exit 6 with last_owner and a hint", async () => {
    stub = await stubApi({ [DEACTIVATE]: { json: cut }, "POST /api/v1/staff/stf_ola/deactivate": problemReply(409, "last_owner", "stf_ola is the last owner") });
    const ok = await tele(["staff", "deactivate", "ana@example.com", "--json"], { stub });
    expect(JSON.parse(ok.stdout)).toEqual(cut);
    const last = await tele(["staff", "deactivate", "stf_ola", "--json"], { stub });
    expect(last.code).toBe(6);
    expect(errorJson(last.stderr).error.code).toBe("last_owner");
    expect(last.stderr).toContain("make someone else an owner first");
  });
});

describe("tele staff tokens", () => {
  it("list shows id, created, last used and status, never a token; --json is the listing", async () => {
    const revoked = { ...token, id: "tok_0", lastUsedAt: null, revokedAt: "2026-11-20T10:00:00.000Z", active: false };
    stub = await stubApi({ "GET /api/v1/staff/stf_ana/tokens": { json: [token, revoked] } });
    const r = await tele(["staff", "tokens", "list", "stf_ana"], { stub });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ID\s+CREATED\s+LAST USED\s+STATUS\n/);
    expect(r.stdout).toContain("tok_1");
    expect(r.stdout).toMatch(/tok_0 .*never .*revoked 2026-11-20T10:00:00.000Z/);
    const json = await tele(["staff", "tokens", "list", "stf_ana", "--json"], { stub });
    expect(JSON.parse(json.stdout)).toEqual([token, revoked]);
  });

  it("revoke names the token by id; a permission refusal is exit 4, an unknown id exit 5", async () => {
    stub = await stubApi({
      "POST /api/v1/tokens/tok_1/revoke": { json: { token: { ...token, active: false, revokedAt: "2026-12-01T14:00:00.000Z" }, changed: true } },
      "POST /api/v1/tokens/tok_owner/revoke": problemReply(403, "permission_denied", "only an owner may manage an owner's access"),
    });
    const r = await tele(["staff", "tokens", "revoke", "tok_1"], { stub });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("Revoked API token tok_1 of stf_ana.\n");
    expect((await tele(["staff", "tokens", "revoke", "tok_owner"], { stub })).code).toBe(4);
    expect((await tele(["staff", "tokens", "revoke", "tok_missing"], { stub })).code).toBe(5);
    expect((await tele(["staff", "tokens", "revoke"], { stub })).code).toBe(2);
  });
});
