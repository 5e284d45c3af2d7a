/** Scheduling that protects the practice (issue 10), through the real `tele` binary against a real server. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorJson, startWorld, tele, tempDir, type E2eWorld } from "../helpers/e2e.js";

describe("tele appointments create / import refuse what would harm the schedule", () => {
  let w: E2eWorld;
  let as: (args: string[]) => ReturnType<typeof tele>;
  const ids: Record<string, string> = {};
  const create = (start: string, ...more: string[]) =>
    as(["appointments", "create", "--therapist", "tina@maple.test", "--client", "alice@client.test", "--start", start, "--duration", "50", ...more]);

  beforeAll(async () => {
    w = await startWorld();
    as = (args) => tele(args, w.env);
    ids.tina = (await as(["staff", "add", "--name", "Tina Therapist", "--email", "tina@maple.test", "--role", "therapist", "--json"])).json().id;
    ids.alice = (await as(["clients", "add", "--name", "Alice Client", "--email", "alice@client.test", "--state", "NY", "--json"])).json().id;
    ids.carl = (await as(["clients", "add", "--name", "Carl Client", "--email", "carl@client.test", "--state", "NY", "--json"])).json().id;
  });
  afterAll(() => w?.close());

  it("a bare date is a usage error naming --start and the form; the API's 400 names the field", async () => {
    const r = await create("2027-12-03");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Error: --start must be a date and a time, such as 2026-12-03T15:00 (ISO 8601; an offset such as -05:00 is optional)");
    const res = await fetch(`${w.server.url}/api/v1/appointments`, {
      method: "POST",
      headers: { authorization: `Bearer ${w.ownerToken}`, "content-type": "application/json" },
      body: JSON.stringify({ therapist: ids.tina, client: ids.alice, start: "2027-12-03", durationMinutes: 50 }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; detail: string };
    expect(body.code).toBe("invalid_request");
    expect(body.detail).toBe("start: must be a date and a time, such as 2026-12-03T15:00 (ISO 8601; an offset such as -05:00 is optional)");
  });

  it("a time in the DST gap is exit 2 with the valid times around it; the API says nonexistent_local_time", async () => {
    const r = await create("2030-03-10T02:30");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "Error: --start 2030-03-10T02:30 does not exist in America/New_York (the clocks go forward); the valid times around it are 2030-03-10T01:30 EST and 2030-03-10T03:30 EDT",
    );
    const res = await fetch(`${w.server.url}/api/v1/appointments`, {
      method: "POST",
      headers: { authorization: `Bearer ${w.ownerToken}`, "content-type": "application/json" },
      body: JSON.stringify({ therapist: ids.tina, client: ids.alice, start: "2030-03-10T02:30", durationMinutes: 50 }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe("nonexistent_local_time");
  });

  it("an ambiguous time without a terminal is exit 2 telling which offset to add; with the offset it is scheduled", async () => {
    const r = await create("2030-11-03T01:30");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "Error: --start 2030-11-03T01:30 happens twice in America/New_York (the clocks go back): 2030-11-03T01:30-04:00 (EDT, 2030-11-03T05:30:00.000Z) " +
        "or 2030-11-03T01:30-05:00 (EST, 2030-11-03T06:30:00.000Z); add the offset you mean, such as 2030-11-03T01:30-04:00",
    );
    expect(r.stderr).toContain("add the offset you mean, such as --start 2030-11-03T01:30-04:00");
    const ok = await create("2030-11-03T01:30-05:00", "--json");
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json().start).toBe("2030-11-03T06:30:00.000Z");
  });

  it("a start in the past is exit 6 start_in_past with the flag to use; --allow-past records it", async () => {
    const r = await create("2026-06-01T09:00");
    expect(r.code).toBe(6);
    expect(r.stderr).toContain("Error: the start 2026-06-01T13:00:00.000Z has passed; to record a past appointment, allow it (--allow-past)");
    expect(r.stderr).toContain("add --allow-past to record an appointment that has already happened");
    const ok = await create("2026-06-01T09:00", "--allow-past", "--json");
    expect(ok.code, ok.stderr).toBe(0);
  });

  it("an overlap for the same therapist or client is exit 6 naming the other appointment; --allow-overlap books it", async () => {
    const first = (await create("2030-05-06T10:00", "--json")).json();
    const r = await as(["appointments", "create", "--therapist", "tina@maple.test", "--client", "carl@client.test", "--start", "2030-05-06T10:30", "--duration", "50", "--json"]);
    expect(r.code).toBe(6);
    expect(errorJson(r.stderr)).toMatchObject({ code: "overlap", details: { appointmentId: first.id, side: "therapist" } });
    const human = await create("2030-05-06T10:20");
    expect(human.code).toBe(6);
    expect(human.stderr).toContain(`Error: the therapist already has appointment ${first.id} at that time`);
    expect(human.stderr).toContain(`"tele appointments show ID" shows the other appointment; add --allow-overlap for group or back-to-back work`);
    expect(human.stderr).not.toContain("Alice");
    expect((await create("2030-05-06T10:50", "--json")).code).toBe(0); // back to back
    expect((await create("2030-05-06T10:20", "--allow-overlap", "--json")).code).toBe(0);
  });

  it("import: bad starts, past rows and overlaps are errors on their lines; --allow-past and --allow-overlap accept them", async () => {
    const file = join(tempDir(), "appointments.csv");
    writeFileSync(file, [
      "therapist,client,start,duration_minutes",
      "tina@maple.test,carl@client.test,2030-06-01,50",
      "tina@maple.test,carl@client.test,2030-03-10T02:15,50",
      "tina@maple.test,carl@client.test,2026-07-01T10:00,50",
      "tina@maple.test,carl@client.test,2030-06-02T10:00,50",
      "tina@maple.test,alice@client.test,2030-06-02T10:30,50",
    ].join("\n") + "\n");
    const r = await as(["appointments", "import", file]);
    expect(r.code).toBe(6);
    expect(r.stderr).toContain(`Bad rows in ${file}:\n` +
      `  line 2: start "2030-06-01" is a date without a time; give the start as a date and time, such as 2030-06-01T15:00\n` +
      `  line 3: start 2030-03-10T02:15 does not exist in America/New_York (the clocks go forward); the valid times around it are 2030-03-10T01:15 EST and 2030-03-10T03:15 EDT\n` +
      `  line 4: start 2026-07-01T14:00:00.000Z has passed (import with --allow-past to record past appointments)\n` +
      `  line 5: overlaps line 6 of the same therapist\n` +
      `  line 6: overlaps line 5 of the same therapist\n`);
    writeFileSync(file, [
      "therapist,client,start,duration_minutes",
      "tina@maple.test,carl@client.test,2026-07-01T10:00,50",
      "tina@maple.test,carl@client.test,2030-06-02T10:00,50",
      "tina@maple.test,alice@client.test,2030-06-02T10:30,50",
    ].join("\n") + "\n");
    const refused = await as(["appointments", "import", file, "--allow-past"]);
    expect(refused.code).toBe(6);
    expect(refused.stderr).toContain("  line 3: overlaps line 4 of the same therapist\n");
    const ok = await as(["appointments", "import", file, "--allow-past", "--allow-overlap", "--json"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json()).toMatchObject({ created: 3, errors: [] });
  });
});
