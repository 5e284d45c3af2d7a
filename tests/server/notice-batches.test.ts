/**
 * Notice batches (R21, R23) at the service layer: a bulk change writes one batch row and no mail;
 * the expansion queues one mail per appointment whose change still holds, rendered as it is then,
 * delivered over a real SMTP server on loopback and read back with ical.js; a chunk whose
 * transaction fails leaves its cursor where it was, so a second pass neither loses nor repeats one.
 */
import { afterEach, describe, expect, it } from "vitest";
import { cancelAppointment } from "../../src/server/domain/appointments/cancel.js";
import { convertAppointments } from "../../src/server/domain/appointments/convert.js";
import { rescheduleAppointment } from "../../src/server/domain/appointments/reschedule.js";
import { setTelehealth } from "../../src/server/domain/appointments/service.js";
import { smtpTransport } from "../../src/server/domain/mail/transports.js";
import { MailWorker } from "../../src/server/domain/mail/worker.js";
import { expandNoticeBatches } from "../../src/server/domain/notify/batches.js";
import { calendarOf, startMailbox } from "../helpers/mailbox.js";
import { auditRows, book, count, makeWorld } from "../helpers/server.js";

const alice = "alice@client.test";
const stops: (() => unknown)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function setup() {
  const w = await makeWorld();
  const box = await startMailbox();
  stops.push(box.close);
  const worker = new MailWorker({ store: w.store, transport: await smtpTransport(box.url, "tele <no-reply@tele.test>", () => "tele.test"), clock: w.deps.clock });
  stops.push(() => worker.stop());
  const days = ["2026-12-07", "2026-12-08", "2026-12-09", "2026-12-10"];
  const appts = [];
  for (const day of days) appts.push(await book(w, { client: w.p.alice, start: `${day}T10:00` }));
  // Mail already queued (the staff's invitations): counts below are of notices, beyond these.
  const before = count(w.store, "mail");
  return { w, box, appts, deliver: () => worker.pass(), notices: () => count(w.store, "mail") - before };
}

const batchCursor = (w: Awaited<ReturnType<typeof makeWorld>>) =>
  w.store.db.prepare(`SELECT done, total FROM notice_batches`).all() as { done: number; total: number }[];

describe("notice batches (R21, R23)", () => {
  it("a change made between the bulk change and its expansion: the notice tells what is true then, or is not sent", async () => {
    const { w, box, appts: [gone, back, moved, kept], deliver, notices } = await setup();
    await convertAppointments(w.deps, w.p.owner, { ids: [gone!.id, back!.id, moved!.id, kept!.id], notify: true });
    expect(notices()).toBe(0);
    expect(batchCursor(w)).toEqual([{ done: 0, total: 4 }]);
    // Before the worker gets to it: one cancelled, one switched back to in person, one moved (each notifies by itself).
    await cancelAppointment(w.deps, w.p.owner, gone!.id, {});
    await setTelehealth(w.deps, w.p.owner, back!.id, { telehealth: false });
    await rescheduleAppointment(w.deps, w.p.owner, moved!.id, { start: "2026-12-11T15:00" });
    expect(notices()).toBe(3);
    expect(await expandNoticeBatches(w.deps, { chunk: 3 })).toEqual({ chunks: 2, queued: 2 });
    expect(count(w.store, "notice_batches")).toBe(0);
    expect(auditRows(w.store, "appointments.notices").map((r) => JSON.parse(r.details!))).toEqual([
      expect.objectContaining({ kind: "converted", appointments: 3, notices: 1, skipped: 2 }),
      expect.objectContaining({ kind: "converted", appointments: 1, notices: 1, skipped: 0 }),
    ]);
    await deliver();
    const mails = box.to(alice);
    expect(mails).toHaveLength(5);
    const about = (id: string) => mails.filter((m) => calendarOf(m).uid === `${id}@tele.test`).map((m) => ({ subject: m.subject, ...calendarOf(m) }));
    expect(about(gone!.id).map((m) => [m.subject, m.method, m.sequence])).toEqual([["Cancelled: your appointment on Mon, Dec 7 at 10:00 AM", "CANCEL", 2]]);
    expect(about(back!.id).map((m) => [m.subject, m.sequence])).toEqual([["Your appointment on Tue, Dec 8 at 10:00 AM is now in person", 2]]);
    // Moved: told of the move, then of the conversion at its new time, both with the SEQUENCE it has now.
    expect(about(moved!.id).map((m) => [m.subject, m.sequence, m.localStart])).toEqual([
      ["Your appointment has moved to Fri, Dec 11 at 3:00 PM", 2, "2026-12-11T15:00:00"],
      ["Your appointment on Fri, Dec 11 at 3:00 PM", 2, "2026-12-11T15:00:00"],
    ]);
    const [converted] = about(kept!.id);
    expect(converted).toMatchObject({ subject: "Your appointment on Thu, Dec 10 at 10:00 AM", method: "REQUEST", sequence: 1, tzid: "America/New_York", localStart: "2026-12-10T10:00:00" });
    expect(mails.find((m) => calendarOf(m).uid.startsWith(kept!.id))!.text).toContain("will now take place by video");
  });

  it("a chunk whose transaction fails queues nothing and keeps the cursor; the next pass sends each notice once", async () => {
    const { w, box, appts, deliver, notices } = await setup();
    await convertAppointments(w.deps, w.p.owner, { ids: appts.map((a) => a.id), notify: true });
    const insert = w.store.mail.insertMany;
    let calls = 0;
    // Unit-level fault: the third chunk's insert fails (as a crash inside its transaction would), rolling it back.
    w.store.mail.insertMany = async (ms) => {
      if (++calls === 3) throw new Error("disk full");
      return insert(ms);
    };
    await expect(expandNoticeBatches(w.deps, { chunk: 1 })).rejects.toThrow("disk full");
    expect(batchCursor(w)).toEqual([{ done: 2, total: 4 }]);
    expect(notices()).toBe(2);
    expect(await expandNoticeBatches(w.deps, { chunk: 1 })).toEqual({ chunks: 2, queued: 2 });
    expect(count(w.store, "notice_batches")).toBe(0);
    await deliver();
    const uids = box.to(alice).map((m) => calendarOf(m).uid).sort();
    expect(uids).toEqual(appts.map((a) => `${a.id}@tele.test`).sort());
  });

  it("without notify no batch is written; a dry run writes nothing", async () => {
    const { w, appts } = await setup();
    await convertAppointments(w.deps, w.p.owner, { ids: appts.map((a) => a.id), notify: true, dryRun: true });
    await convertAppointments(w.deps, w.p.owner, { ids: appts.map((a) => a.id) });
    expect(count(w.store, "notice_batches")).toBe(0);
    expect(await expandNoticeBatches(w.deps)).toEqual({ chunks: 0, queued: 0 });
  });
});
