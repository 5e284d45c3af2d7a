/** `tele appointments cancel / reschedule / set-status` against a stub API: what is sent, asked and printed (issue 11). */
import { describe, expect, it } from "vitest";
import type { Stub } from "../sdk/stub-server.js";
import { appointment, whoami } from "../sdk/fixtures.js";
import { cleanUpAfterEach, errorJson, problemReply, stubApi, tele } from "./harness.js";

let stub: Stub | undefined;
cleanUpAfterEach();

const cancelled = (id: string) => ({ json: { ...appointment, id, status: "cancelled" } });
const posts = (s: Stub) => s.requests.filter((q) => q.method === "POST").map((q) => [q.url, JSON.parse(q.body)]);

describe("tele appointments cancel", () => {
  it("asks before cancelling several on a terminal; no cancels nothing, yes cancels each with the reason and --no-notify", async () => {
    stub = await stubApi({
      "POST /api/v1/appointments/apt_1/cancel": cancelled("apt_1"), "POST /api/v1/appointments/apt_2/cancel": cancelled("apt_2"), "GET /api/v1/me": { json: whoami },
    });
    const no = await tele(["appointments", "cancel", "apt_1", "apt_2"], { stub, tty: true, answers: [false] });
    expect(no.code).toBe(0);
    expect(no.io.questions).toEqual(["Cancel 2 appointments? Their session links stop working at once."]);
    expect(no.stderr).toContain("Nothing was cancelled.");
    expect(posts(stub)).toEqual([]);
    const yes = await tele(["appointments", "cancel", "apt_1", "apt_2", "--reason", "moved away", "--no-notify"], { stub, tty: true, answers: [true] });
    expect(yes.code, yes.stderr).toBe(0);
    expect(posts(stub)).toEqual([
      ["/api/v1/appointments/apt_1/cancel", { reason: "moved away", notify: false }],
      ["/api/v1/appointments/apt_2/cancel", { reason: "moved away", notify: false }],
    ]);
    expect(yes.stdout).toContain("Cancelled apt_1: 2026-12-01");
    expect(yes.stderr).toContain("The client was not notified (--no-notify).");
  });

  it("one id is not asked about; a refusal exits 6 with its code, naming those cancelled before it", async () => {
    stub = await stubApi({
      "POST /api/v1/appointments/apt_1/cancel": cancelled("apt_1"),
      "POST /api/v1/appointments/apt_2/cancel": problemReply(409, "already_cancelled", "appointment apt_2 is already cancelled"),
      "GET /api/v1/me": { json: whoami },
    });
    const one = await tele(["appointments", "cancel", "apt_1", "--json"], { stub, tty: true, answers: [] });
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({ id: "apt_1", status: "cancelled" });
    const both = await tele(["appointments", "cancel", "apt_1", "apt_2", "--yes"], { stub });
    expect(both.code).toBe(6);
    expect(both.stderr).toContain("Cancelled before this failure: apt_1.");
    const json = await tele(["appointments", "cancel", "apt_2", "--json"], { stub });
    expect(errorJson(json.stderr).error.code).toBe("already_cancelled");
  });
});

describe("tele appointments reschedule and set-status", () => {
  it("sends the new start and length, prints it in the practice's zone; set-status sends the status", async () => {
    stub = await stubApi({
      "POST /api/v1/appointments/apt_1/reschedule": { json: { ...appointment, start: "2026-12-03T20:00:00.000Z", end: "2026-12-03T20:45:00.000Z" } },
      "POST /api/v1/appointments/apt_1/status": { json: { ...appointment, status: "no_show" } },
      "GET /api/v1/me": { json: whoami },
    });
    const r = await tele(["appointments", "reschedule", "apt_1", "--start", "2026-12-03T15:00", "--duration", "45", "--allow-overlap"], { stub });
    expect(r.code, r.stderr).toBe(0);
    expect(posts(stub)).toEqual([["/api/v1/appointments/apt_1/reschedule", { start: "2026-12-03T15:00", durationMinutes: 45, allowPast: false, allowOverlap: true, notify: true }]]);
    expect(r.stdout).toContain("Rescheduled apt_1: 2026-12-03 15:00 (America/New_York), 45 min");
    const missing = await tele(["appointments", "reschedule", "apt_1"], { stub });
    expect(missing.code).toBe(2);
    const s = await tele(["appointments", "set-status", "apt_1", "no_show", "--json"], { stub });
    expect(s.code, s.stderr).toBe(0);
    expect(JSON.parse(s.stdout).status).toBe("no_show");
    expect((await tele(["appointments", "set-status", "apt_1", "scheduled"], { stub })).code).toBe(2);
  });
});
