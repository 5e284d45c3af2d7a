/** `tele staff invite STAFF` against a loopback stub API. */
import { describe, expect, it } from "vitest";
import { whoami } from "../sdk/fixtures.js";
import type { Stub } from "../sdk/stub-server.js";
import { cleanUpAfterEach, errorJson, problemReply, stubApi, tele } from "./harness.js";

const INVITE = "POST /api/v1/staff/ana%40example.com/invite";
const sent = { staffId: "stf_ana", mailId: "mail_1", expiresAt: "2026-12-01T15:00:00.000Z" };

let stub: Stub | undefined;
cleanUpAfterEach();

describe("tele staff invite", () => {
  it("sends the invite and says until when it works, in the practice's time zone", async () => {
    stub = await stubApi({ [INVITE]: { status: 201, json: sent }, "GET /api/v1/me": { json: whoami } });
    const r = await tele(["staff", "invite", "ana@example.com"], { stub });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("Sent a staff invite to stf_ana; the link works once, until 2026-12-01 10:00 (America/New_York).\n");
  });

  it("--json prints the result; a therapist is refused with exit 4", async () => {
    stub = await stubApi({ [INVITE]: { status: 201, json: sent } });
    const json = await tele(["staff", "invite", "ana@example.com", "--json"], { stub });
    expect(JSON.parse(json.stdout)).toEqual(sent);
    await stub.close();
    stub = await stubApi({ [INVITE]: problemReply(403, "permission_denied", "you do not have permission to do this") });
    const refused = await tele(["staff", "invite", "ana@example.com", "--json"], { stub });
    expect(refused.code).toBe(4);
    expect(errorJson(refused.stderr).error.code).toBe("permission_denied");
  });
});
