/**
 * R23 at the service layer, delivered through a real SMTP server on loopback: each change to a
 * telehealth appointment reaches its client once, with words that say when (in the practice's zone),
 * the practice as sender, and a calendar file read back with an independent parser (ical.js).
 */
import { afterEach, describe, expect, it } from "vitest";
import { onAppointmentChange } from "../../src/server/domain/appointments/changes.js";
import { setTelehealth } from "../../src/server/domain/appointments/service.js";
import { convertAppointments } from "../../src/server/domain/appointments/convert.js";
import { expandNoticeBatches } from "../../src/server/domain/notify/batches.js";
import { smtpTransport } from "../../src/server/domain/mail/transports.js";
import { MailWorker } from "../../src/server/domain/mail/worker.js";
import { noticeFacts, noticeMail, noticeMails } from "../../src/server/domain/notify/notices.js";
import { updatePractice } from "../../src/server/domain/practice/service.js";
import { calendarOf, header, startMailbox } from "../helpers/mailbox.js";
import { auditRows, book, count, makeWorld, type World } from "../helpers/server.js";

const FROM = "tele <no-reply@tele.test>";
const stops: (() => unknown)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** The seeded world with a mailbox; `deliver()` runs one delivery pass of the real worker over SMTP. */
async function setup() {
  const w = await makeWorld();
  const box = await startMailbox();
  stops.push(box.close);
  await updatePractice(w.deps, w.p.owner, { contact: "front-desk@maple.test" });
  const worker = new MailWorker({ store: w.store, transport: await smtpTransport(box.url, FROM, () => "tele.test"), clock: w.deps.clock });
  stops.push(() => worker.stop());
  return { w, box, deliver: () => worker.pass() };
}

const alice = "alice@client.test";
const sequenceOf = (w: World, id: string) =>
  (w.store.db.prepare(`SELECT calendar_sequence FROM appointments WHERE id = ?`).get(id) as { calendar_sequence: number }).calendar_sequence;

describe("appointment notices (R23)", () => {
  it("a telehealth appointment's confirmation: subject says when, both parts, the practice as sender, a calendar file in its zone", async () => {
    const { w, box, deliver } = await setup();
    const apt = await book(w, { client: w.p.alice, start: "2026-12-03T16:00", telehealth: true });
    await deliver();
    const [mail, ...more] = box.to(alice);
    expect(more).toHaveLength(0);
    expect(mail!.subject).toBe("Your appointment on Thu, Dec 3 at 4:00 PM");
    expect(mail!.subject).not.toMatch(/therapy|telehealth/i);
    expect(mail!.from?.value[0]).toEqual({ name: "Maple Therapy", address: "no-reply@tele.test" });
    expect(mail!.replyTo?.value[0]?.address).toBe("front-desk@maple.test");
    expect(mail!.messageId).toMatch(/^<mail_[A-Za-z0-9_-]+@tele\.test>$/);
    expect(header(mail!, "auto-submitted")).toBe("auto-generated");
    const page = `http://tele.test/p/maple-therapy/appointments/${apt.id}/session`;
    for (const part of [mail!.text!, mail!.html as string]) {
      expect(part).toContain("Thursday, December 3, 2026");
      expect(part).toContain("4:00 PM");
      expect(part).toContain("EST (America/New_York)");
      expect(part).toContain("Tina Therapist");
      expect(part).toContain(page);
      expect(part).toContain("front-desk@maple.test");
      expect(part).toContain("http://tele.test/p/maple-therapy");
    }
    expect(mail!.text).toContain("15 minutes before the start");
    const ics = calendarOf(mail!);
    expect(ics).toMatchObject({
      method: "REQUEST", uid: `${apt.id}@tele.test`, sequence: 0, tzid: "America/New_York", localStart: "2026-12-03T16:00:00",
      location: page, url: page, status: "CONFIRMED",
    });
    expect(ics.startAt).toBe(Date.parse("2026-12-03T21:00:00Z"));
    expect(ics.endAt).toBe(Date.parse("2026-12-03T21:50:00Z"));
    expect(ics.raw).toMatch(/DTSTAMP:\d{8}T\d{6}Z/);
    expect(ics.raw).not.toMatch(/\/(j|invite|reset)\//); // never a single-use link
    expect(auditRows(w.store, "appointment.notice").map((r) => JSON.parse(r.details!).kind)).toEqual(["created"]);
  });

  it("the same UID for the appointment's life, SEQUENCE rising with each change: converted, in person, rescheduled, cancelled", async () => {
    const { w, box, deliver } = await setup();
    const apt = await book(w, { client: w.p.alice, start: "2026-12-10T09:30", telehealth: false });
    await deliver();
    expect(box.to(alice)).toHaveLength(0); // in person: nothing to tell
    await setTelehealth(w.deps, w.p.owner, apt.id, { telehealth: true });
    await setTelehealth(w.deps, w.p.owner, apt.id, { telehealth: false });
    await setTelehealth(w.deps, w.p.owner, apt.id, { telehealth: true });
    // The lifecycle slice moves and cancels; here the appointment is changed as it would, and the notice asked for.
    const moved = Date.parse("2026-12-11T15:00:00Z");
    w.store.db.prepare(`UPDATE appointments SET start_at = ?, end_at = ? WHERE id = ?`).run(moved, moved + 50 * 60_000, apt.id);
    await onAppointmentChange(w.deps, { kind: "rescheduled", appointmentId: apt.id, practiceId: w.p.practiceId, notify: true });
    w.store.db.prepare(`UPDATE appointments SET status = 'cancelled' WHERE id = ?`).run(apt.id);
    await onAppointmentChange(w.deps, { kind: "cancelled", appointmentId: apt.id, practiceId: w.p.practiceId, notify: true });
    await deliver();
    const mails = box.to(alice);
    expect(mails.map((m) => m.subject)).toEqual([
      "Your appointment on Thu, Dec 10 at 9:30 AM",
      "Your appointment on Thu, Dec 10 at 9:30 AM is now in person",
      "Your appointment on Thu, Dec 10 at 9:30 AM",
      "Your appointment has moved to Fri, Dec 11 at 10:00 AM",
      "Cancelled: your appointment on Fri, Dec 11 at 10:00 AM",
    ]);
    const cals = mails.map(calendarOf);
    expect(new Set(cals.map((c) => c.uid))).toEqual(new Set([`${apt.id}@tele.test`]));
    expect(cals.map((c) => c.sequence)).toEqual([1, 2, 3, 4, 5]);
    expect(cals.map((c) => c.method)).toEqual(["REQUEST", "REQUEST", "REQUEST", "REQUEST", "CANCEL"]);
    expect(cals[4]!.status).toBe("CANCELLED");
    expect(cals[3]).toMatchObject({ tzid: "America/New_York", localStart: "2026-12-11T10:00:00", startAt: moved });
    expect(mails[1]!.text).toContain("in person");
    expect(mails[3]!.text).toContain("Friday, December 11, 2026, 10:00 AM");
    expect(mails[4]!.text).toContain("has been cancelled");
    // The calendar headers name the method too, so calendar apps offer to update or remove the event.
    expect(mails[4]!.attachments.find((a) => a.contentType.startsWith("text/calendar"))!.contentType).toBe("text/calendar");
  });

  it("notify false sends nothing but still raises SEQUENCE; no email or never telehealth, nothing is queued", async () => {
    const { w, box, deliver } = await setup();
    const quiet = await book(w, { client: w.p.alice, start: "2026-12-04T10:00", telehealth: true });
    const before = count(w.store, "mail");
    await setTelehealth(w.deps, w.p.owner, quiet.id, { telehealth: false, notify: false });
    expect(count(w.store, "mail")).toBe(before);
    expect(sequenceOf(w, quiet.id)).toBe(1);
    await onAppointmentChange(w.deps, { kind: "cancelled", appointmentId: quiet.id, practiceId: w.p.practiceId, notify: false });
    expect(sequenceOf(w, quiet.id)).toBe(2);
    await book(w, { client: w.p.carla, start: "2026-12-05T10:00", telehealth: true }); // no email address
    expect(count(w.store, "mail")).toBe(before);
    await deliver();
    expect(box.to(alice)).toHaveLength(1); // only the first confirmation
  });

  it("a bulk conversion notifies only when asked: one notice batch in its transaction, expanded into a mail each after commit", async () => {
    const { w, box, deliver } = await setup();
    const a1 = await book(w, { client: w.p.alice, start: "2026-12-07T10:00" });
    const a2 = await book(w, { client: w.p.alice, start: "2026-12-08T10:00" });
    const before = count(w.store, "mail");
    await convertAppointments(w.deps, w.p.owner, { ids: [a1.id, a2.id] });
    expect(count(w.store, "mail")).toBe(before);
    expect(count(w.store, "notice_batches")).toBe(0);
    await convertAppointments(w.deps, w.p.owner, { ids: [a1.id, a2.id], telehealth: false, notify: true });
    expect(count(w.store, "mail")).toBe(before);
    expect(count(w.store, "notice_batches")).toBe(1);
    expect(JSON.parse(auditRows(w.store, "appointments.convert").at(-1)!.details!).notices).toBe(2);
    expect(await expandNoticeBatches(w.deps)).toEqual({ chunks: 1, queued: 2 });
    expect(count(w.store, "mail")).toBe(before + 2);
    expect(count(w.store, "notice_batches")).toBe(0);
    await deliver();
    const mails = box.to(alice);
    expect(mails.map((m) => m.subject).sort()).toEqual([
      "Your appointment on Mon, Dec 7 at 10:00 AM is now in person", "Your appointment on Tue, Dec 8 at 10:00 AM is now in person",
    ]);
    expect(mails.map((m) => calendarOf(m).sequence)).toEqual([2, 2]);
  });

  it("the fast bulk letter is the single letter, field for field (including a name that needs escaping)", async () => {
    const { w } = await setup();
    const practice = (await w.store.practices.byId(w.p.practiceId))!;
    const t = { id: "apt_x", clientId: "cli_x", clientEmail: alice, therapistName: 'Tina "T" O\'Neil\\', startAt: 1_800_000_000_000, endAt: 1_800_003_000_000, telehealth: true, status: "scheduled" as const, sequence: 3 };
    for (const kind of ["converted", "in_person", "cancelled"] as const) {
      const bulk = noticeMails(kind, practice, "http://tele.test", 5)(t);
      const single = noticeMail(w.p.practiceId, alice, noticeFacts(kind, t, practice, "http://tele.test", 5), 5);
      expect(JSON.parse(bulk.letter!)).toEqual(JSON.parse(single.letter!));
      expect(bulk.subject).toBe(single.subject);
    }
  });
});
