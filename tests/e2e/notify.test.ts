/**
 * R23 through the real `tele` binary, the real server on a loopback port over a SQLite file, and a
 * real SMTP server: confirmations and updates (`--no-notify`, bulk `--notify`), the reminder setting,
 * and reminders sent once with a fixed clock across restarts. Every calendar file is read by ical.js.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWorldDb, startWorld, tele, tempDir, type E2eWorld } from "../helpers/e2e.js";
import { calendarOf, startMailbox } from "../helpers/mailbox.js";

type Box = Awaited<ReturnType<typeof startMailbox>>;
const H = 3600_000;

/** Mail queued to `to` so far, from the outbox (whether or not delivered yet). */
const queued = (w: E2eWorld, to: string): { subject: string }[] => {
  const db = openWorldDb(w, { readonly: true });
  try {
    return db.prepare(`SELECT subject FROM mail WHERE to_address = ? ORDER BY rowid`).all(to) as { subject: string }[];
  } finally {
    db.close();
  }
};

async function ok(args: string[], w: E2eWorld) {
  const r = await tele(args, w.env);
  expect(r.code, `tele ${args.join(" ")}: ${r.stderr}`).toBe(0);
  return r;
}

/** A therapist with Teletherapy and one client per email given, all in NY. */
async function seed(w: E2eWorld, ...emails: string[]) {
  await ok(["staff", "add", "--name", "Tess Therapist", "--email", "tess@maple.test", "--role", "therapist"], w);
  await ok(["staff", "enable", "tess@maple.test"], w);
  for (const email of emails) await ok(["clients", "add", "--name", "Client", "--email", email, "--state", "NY"], w);
}

describe("notices through the binary (R23)", () => {
  let w: E2eWorld;
  let box: Box;
  beforeAll(async () => {
    box = await startMailbox();
    w = await startWorld({ smtpUrl: box.url });
    await seed(w, "dana@client.test", "eve@client.test", "fay@client.test");
    await ok(["practice", "set", "--contact", "desk@maple.test"], w);
  }, 180_000); // six runs of the binary: slow on a loaded machine
  afterAll(async () => {
    await w?.close();
    await box?.close();
  });

  it("practice set --reminders: the default 24h, 1h, shown; changed; turned off with \"\"; a bad list is a usage error", async () => {
    const shown = await ok(["practice", "show"], w);
    expect(shown.stdout).toMatch(/Reminders\s+24h, 1h before each telehealth appointment/);
    expect((await ok(["practice", "show", "--json"], w)).json().reminderMinutes).toEqual([1440, 60]);
    const set = await ok(["practice", "set", "--reminders", "30m,2d", "--json"], w);
    expect(set.json().reminderMinutes).toEqual([2880, 30]);
    expect((await ok(["practice", "set", "--reminders", ""], w)).stdout).toContain("Reminders turned off");
    expect((await ok(["practice", "show"], w)).stdout).toMatch(/Reminders\s+none/);
    const bad = await tele(["practice", "set", "--reminders", "24x"], w.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--reminders");
    await ok(["practice", "set", "--reminders", "24h,1h"], w);
  });

  it("create --telehealth confirms with a calendar file; --no-notify does not; convert (one) notifies unless --no-notify", async () => {
    const made = (await ok(["appointments", "create", "--therapist", "tess@maple.test", "--client", "dana@client.test",
      "--start", "2027-03-15T09:00", "--duration", "45", "--telehealth", "--json"], w)).json();
    const [mail] = await box.waitFor("dana@client.test");
    expect(mail!.subject).toBe("Your appointment on Mon, Mar 15 at 9:00 AM");
    expect(mail!.from?.value[0]?.name).toBe("Maple Therapy");
    expect(mail!.replyTo?.value[0]?.address).toBe("desk@maple.test");
    expect(mail!.text).toContain("EDT (America/New_York)"); // after the switch to daylight time
    const host = new URL(w.server.url).hostname;
    expect(calendarOf(mail!)).toMatchObject({
      method: "REQUEST", uid: `${made.id}@${host}`, sequence: 0, tzid: "America/New_York", localStart: "2027-03-15T09:00:00",
      startAt: Date.parse("2027-03-15T13:00:00Z"), location: `${w.server.url}/p/${w.slug}/appointments/${made.id}/session`,
    });

    // The calendar's LOCATION is the appointment's page: signed out, it leads to sign-in and back.
    const page = await fetch(`${w.server.url}/p/${w.slug}/appointments/${made.id}/session`, { redirect: "manual" });
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe(`/p/${w.slug}?next=${encodeURIComponent(`/p/${w.slug}/appointments/${made.id}/session`)}`);

    const quiet = (await ok(["appointments", "create", "--therapist", "tess@maple.test", "--client", "eve@client.test",
      "--start", "2027-03-16T09:00", "--duration", "45", "--telehealth", "--no-notify", "--json"], w)).json();
    await ok(["appointments", "convert", quiet.id, "--in-person", "--no-notify"], w);
    expect(queued(w, "eve@client.test")).toEqual([]);
    await ok(["appointments", "convert", quiet.id], w);
    const [converted] = await box.waitFor("eve@client.test");
    expect(calendarOf(converted!)).toMatchObject({ uid: `${quiet.id}@${host}`, sequence: 2, method: "REQUEST" });
    expect(converted!.text).toContain("will now take place by video");
  });

  it("bulk convert and import notify only with --notify", async () => {
    for (const day of ["2027-04-05", "2027-04-06"]) {
      await ok(["appointments", "create", "--therapist", "tess@maple.test", "--client", "fay@client.test", "--start", `${day}T11:00`, "--duration", "50"], w);
    }
    await ok(["appointments", "convert", "--client", "fay@client.test", "--json", "--yes"], w);
    expect(queued(w, "fay@client.test")).toEqual([]);
    const back = (await ok(["appointments", "convert", "--client", "fay@client.test", "--in-person", "--notify", "--json", "--yes"], w)).json();
    expect(back.converted).toHaveLength(2);
    const mails = await box.waitFor("fay@client.test", 2);
    expect(mails.map((m) => m.subject).sort()).toEqual([
      "Your appointment on Mon, Apr 5 at 11:00 AM is now in person", "Your appointment on Tue, Apr 6 at 11:00 AM is now in person",
    ]);
    expect(mails.map((m) => calendarOf(m).sequence)).toEqual([2, 2]);

    const dir = tempDir();
    const csv = join(dir, "appointments.csv");
    writeFileSync(csv, "therapist,client,start,duration_minutes,telehealth\ntess@maple.test,fay@client.test,2027-05-03T10:00,50,yes\n");
    await ok(["appointments", "import", csv], w);
    expect(queued(w, "fay@client.test")).toHaveLength(2);
    writeFileSync(csv, "therapist,client,start,duration_minutes,telehealth\ntess@maple.test,fay@client.test,2027-05-04T10:00,50,yes\n");
    await ok(["appointments", "import", csv, "--notify"], w);
    const [, , imported] = await box.waitFor("fay@client.test", 3);
    expect(imported!.subject).toBe("Your appointment on Tue, May 4 at 10:00 AM");
    expect(calendarOf(imported!)).toMatchObject({ sequence: 0, localStart: "2027-05-04T10:00:00" });
  });
});

describe("reminders through the real server with a fixed clock (R23)", () => {
  it("each reminder once across restarts; one already past when the appointment was made is skipped", async () => {
    const box = await startMailbox();
    const t0 = Date.parse("2027-02-01T15:00:00Z");
    const w = await startWorld({ smtpUrl: box.url, clock: () => t0, serverEnv: { TELE_REMINDER_POLL_MS: "50" } });
    try {
      await seed(w, "gil@client.test");
      const start = t0 + 3 * H; // made 3 hours before: the 24-hour reminder had already passed
      const made = (await ok(["appointments", "create", "--therapist", "tess@maple.test", "--client", "gil@client.test",
        "--start", new Date(start).toISOString(), "--duration", "50", "--telehealth", "--json"], w)).json();
      await box.waitFor("gil@client.test", 1);
      const at = start - H + 60_000;
      await w.restart(() => at);
      const [, reminder] = await box.waitFor("gil@client.test", 2);
      expect(reminder!.subject).toBe("Reminder: your appointment on Mon, Feb 1 at 1:00 PM");
      expect(reminder!.text).toContain("Your appointment is in 1 hour");
      expect(calendarOf(reminder!)).toMatchObject({ uid: `${made.id}@${new URL(w.server.url).hostname}`, startAt: start, method: "REQUEST" });
      await w.restart(() => at + 1000);
      await w.restart(() => start - 1);
      await new Promise((done) => setTimeout(done, 500)); // several reminder passes at 50 ms
      expect(box.to("gil@client.test")).toHaveLength(2);
      expect(queued(w, "gil@client.test")).toHaveLength(2);
    } finally {
      await w.close();
      await box.close();
    }
  });
});
