/** `tele appointments create --start`: one instant or a question, never a silent choice (issue 10). */
import { describe, expect, it } from "vitest";
import { appointment, whoami } from "../sdk/fixtures.js";
import { cleanUpAfterEach, stubApi, tele } from "./harness.js";

cleanUpAfterEach();

const create = (start: string, ...more: string[]) => ["appointments", "create", "--therapist", "stf_ana", "--client", "cli_bo", "--start", start, "--duration", "50", ...more];
const routes = () => ({ "POST /api/v1/appointments": { status: 201, json: appointment }, "GET /api/v1/me": { json: whoami } });
const posted = (stub: Awaited<ReturnType<typeof stubApi>>) => stub.requests.filter((q) => q.method === "POST").map((q) => JSON.parse(q.body).start);

describe("appointments create --start", () => {
  it("a bare date is a usage error naming --start and the form, before anything is sent", async () => {
    const stub = await stubApi(routes());
    const r = await tele(create("2026-12-03"), { stub });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Error: --start must be a date and a time, such as 2026-12-03T15:00 (ISO 8601; an offset such as -05:00 is optional)");
    expect(stub.requests).toEqual([]);
  });

  it("a time in the DST gap is a usage error giving the valid times around it", async () => {
    const stub = await stubApi(routes());
    const r = await tele(create("2027-03-14T02:30"), { stub });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "Error: --start 2027-03-14T02:30 does not exist in America/New_York (the clocks go forward); the valid times around it are 2027-03-14T01:30 EST and 2027-03-14T03:30 EDT",
    );
    expect(posted(stub)).toEqual([]);
  });

  it("an ambiguous time without a terminal is a usage error telling which offset to add", async () => {
    const stub = await stubApi(routes());
    const r = await tele(create("2026-11-01T01:30"), { stub });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Error: --start 2026-11-01T01:30 happens twice in America/New_York (the clocks go back)");
    expect(r.stderr).toContain("add the offset you mean, such as --start 2026-11-01T01:30-04:00");
    expect(posted(stub)).toEqual([]);
  });

  it.each([["1", "2026-11-01T01:30-04:00"], ["2", "2026-11-01T01:30-05:00"], ["est", "2026-11-01T01:30-05:00"]])(
    "on a terminal an ambiguous time is asked about, showing both UTC instants; answer %s sends %s",
    async (answer, sent) => {
      const stub = await stubApi(routes());
      const r = await tele(create("2026-11-01T01:30"), { stub, tty: true, answers: [answer] });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(
        "2026-11-01T01:30 happens twice in America/New_York (the clocks go back). Which one do you mean?\n" +
          "  1) 2026-11-01T01:30-04:00  EDT, 2026-11-01T05:30:00.000Z\n" +
          "  2) 2026-11-01T01:30-05:00  EST, 2026-11-01T06:30:00.000Z\n",
      );
      expect(posted(stub)).toEqual([sent]);
    },
  );

  it("a start with an offset is sent as given, without asking for the zone", async () => {
    const stub = await stubApi(routes());
    const r = await tele(create("2026-11-01T01:30-05:00", "--json"), { stub });
    expect(r.code, r.stderr).toBe(0);
    expect(stub.requests.map((q) => `${q.method} ${q.url}`)).toEqual(["POST /api/v1/appointments"]);
  });

  it("--allow-past and --allow-overlap are sent as allowPast and allowOverlap", async () => {
    const stub = await stubApi(routes());
    const r = await tele(create("2026-12-03T15:00Z", "--allow-past", "--allow-overlap", "--json"), { stub });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(stub.requests[0]!.body)).toMatchObject({ allowPast: true, allowOverlap: true });
  });
});
