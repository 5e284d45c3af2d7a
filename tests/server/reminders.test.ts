/**
 * R23 reminders, exactly once: a fixed clock, a real SQLite file reopened (a restart), two stores on
 * one file racing (two servers), and the mail delivered through a real SMTP server on loopback.
 */
import { afterEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../../src/server/db/sqlite/store.js";
import { onAppointmentChange } from "../../src/server/domain/appointments/changes.js";
import type { Deps } from "../../src/server/domain/deps.js";
import { sendDueReminders } from "../../src/server/domain/notify/reminders.js";
import { updatePractice } from "../../src/server/domain/practice/service.js";
import { calendarOf, raceServers, startMailbox } from "../helpers/mailbox.js";
import { book, tempDir } from "../helpers/server.js";
import { makeDeps, makePractice } from "../helpers/world.js";
import { itSqlite } from "../helpers/pg-store.js";

const stops: (() => unknown)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

const H = 3600_000;
const START = Date.parse("2026-12-03T21:00:00Z"); // 4:00 PM in New York
const alice = "alice@client.test";

/** A practice in a SQLite file; `server()` opens another connection to the same file at the same fixed clock. */
async function setup() {
  const tmp = tempDir("tele-reminders-");
  stops.push(tmp.cleanup);
  const file = `${tmp.dir}/tele.db`;
  const env = makeDeps(file);
  stops.push(() => env.store.close());
  const p = await makePractice(env.deps);
  const w = { ...env, p };
  const server = (): Deps => {
    const store = new SqliteStore(file);
    stops.push(() => store.close());
    return { ...env.deps, store };
  };
  const reminderMails = () => env.store.db.prepare(`SELECT * FROM mail WHERE subject LIKE 'Reminder:%' ORDER BY rowid`).all() as { to_address: string; subject: string }[];
  return { w, file, server, reminderMails };
}

describe("reminders (R23)", () => {
  itSqlite("the race runs two SQLite connections on one file (tests/helpers/race-worker.mjs)")("each offset once, across passes, a restart, and two servers racing on one database; each delivered once over SMTP", async () => {
    const { w, file, server, reminderMails } = await setup();
    const box = await startMailbox();
    stops.push(box.close);
    const apt = await book(w, { client: w.p.alice, start: "2026-12-03T16:00", telehealth: true });
    expect(await sendDueReminders(w.deps)).toBe(0); // T0 is 55 hours before: nothing due yet
    w.setNow(START - 24 * H + 60_000);
    expect(await sendDueReminders(w.deps)).toBe(1);
    expect(await sendDueReminders(w.deps)).toBe(0); // a retried pass
    // A restart: a new connection to the same file, the clock where it was.
    expect(await sendDueReminders(server())).toBe(0);
    // Two servers, each in its own thread with its own connection, race for the 1-hour reminder and for delivery.
    const race = await raceServers({ file, now: START - H + 1, smtpUrl: box.url, parties: 3 });
    expect(race.map((r) => r.reminders).reduce((x, y) => x + y, 0)).toBe(1);
    w.setNow(START); // started: nothing more
    expect(await sendDueReminders(w.deps)).toBe(0);
    expect(reminderMails().map((m) => m.subject)).toEqual(["Reminder: your appointment on Thu, Dec 3 at 4:00 PM", "Reminder: your appointment on Thu, Dec 3 at 4:00 PM"]);
    // The racing servers deliver in parallel, so in any order; each message once.
    const mails = box.to(alice);
    expect(race.map((r) => r.delivered).reduce((x, y) => x + y, 0)).toBe(box.received.length);
    expect(new Set(box.received.map((d) => d.mail.messageId)).size).toBe(box.received.length);
    expect(mails.map((m) => m.subject).sort()).toEqual([
      "Reminder: your appointment on Thu, Dec 3 at 4:00 PM", "Reminder: your appointment on Thu, Dec 3 at 4:00 PM", "Your appointment on Thu, Dec 3 at 4:00 PM",
    ]);
    const bodies = mails.map((m) => m.text!);
    expect(bodies.filter((t) => t.includes("Your appointment is in 24 hours"))).toHaveLength(1);
    expect(bodies.filter((t) => t.includes("Your appointment is in 1 hour"))).toHaveLength(1);
    for (const m of mails) expect(calendarOf(m)).toMatchObject({ uid: `${apt.id}@tele.test`, sequence: 0, method: "REQUEST", startAt: START });
  });

  it("none for a cancelled appointment; a reschedule moves them; an offset already past when it was made is skipped", async () => {
    const { w, reminderMails } = await setup();
    const cancelled = await book(w, { client: w.p.alice, start: "2026-12-03T16:00", telehealth: true });
    const moved = await book(w, { client: w.p.alice, start: "2026-12-03T18:00", telehealth: true });
    w.setNow(START - 24 * H + 1);
    w.store.db.prepare(`UPDATE appointments SET status = 'cancelled' WHERE id = ?`).run(cancelled.id);
    // Moved a day later before its 24-hour reminder: reminded at the new time, not the old.
    const later = START + 2 * H + 24 * H;
    w.store.db.prepare(`UPDATE appointments SET start_at = ?, end_at = ?, updated_at = ? WHERE id = ?`).run(later, later + 50 * 60_000, w.deps.clock(), moved.id);
    await onAppointmentChange(w.deps, { kind: "rescheduled", appointmentId: moved.id, practiceId: w.p.practiceId, notify: false });
    w.setNow(START + 2 * H - 24 * H + 1); // the old 24-hour moment
    expect(await sendDueReminders(w.deps)).toBe(0);
    w.setNow(later - 24 * H + 1);
    expect(await sendDueReminders(w.deps)).toBe(1);
    // Made 2 hours before its start: the 24-hour reminder had already passed, so only the 1-hour one comes.
    const soon = later + 3 * H;
    w.setNow(soon - 2 * H);
    const late = await book(w, { client: w.p.alice, start: new Date(soon).toISOString(), telehealth: true });
    expect(await sendDueReminders(w.deps)).toBe(0);
    w.setNow(soon - H + 1);
    expect(await sendDueReminders(w.deps)).toBe(1);
    expect(reminderMails()).toHaveLength(2);
    const rows = w.store.db.prepare(`SELECT appointment_id, offset_minutes, start_at FROM reminders_sent ORDER BY sent_at`).all();
    expect(rows).toEqual([
      { appointment_id: moved.id, offset_minutes: 1440, start_at: later }, { appointment_id: late.id, offset_minutes: 60, start_at: soon },
    ]);
  });

  it("follows the practice's offsets, and none when they are turned off", async () => {
    const { w, reminderMails } = await setup();
    await updatePractice(w.deps, w.p.owner, { reminderMinutes: [30] });
    await book(w, { client: w.p.alice, start: "2026-12-03T16:00", telehealth: true });
    w.setNow(START - H);
    expect(await sendDueReminders(w.deps)).toBe(0);
    w.setNow(START - 30 * 60_000);
    expect(await sendDueReminders(w.deps)).toBe(1);
    await updatePractice(w.deps, w.p.owner, { reminderMinutes: [] });
    await book(w, { client: w.p.alice, start: "2026-12-03T18:00", telehealth: true });
    w.setNow(START + 2 * H - 10 * 60_000);
    expect(await sendDueReminders(w.deps)).toBe(0);
    expect(reminderMails()).toHaveLength(1);
  });
});
