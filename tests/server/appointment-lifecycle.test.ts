/**
 * The appointment's life as services (R22, R24; issue 11) over an in-memory database with a fixed
 * clock, the session hub driven with stand-in streams that record what they are sent. What each
 * change reports to the client's calendar (changes.ts) is read back from the database: the calendar
 * SEQUENCE and the `appointment.notice` audit rows, not a mocked hook. T0 is 09:00
 * EST; the appointment runs 09:10–10:00 EST, its window open at T0, auto-complete 60 minutes after.
 */
import { describe, expect, it } from "vitest";

import { cancelAppointment, setAppointmentStatus } from "../../src/server/domain/appointments/cancel.js";
import { rescheduleAppointment } from "../../src/server/domain/appointments/reschedule.js";
import type { Actor } from "../../src/server/domain/deps.js";
import { sessionAccess } from "../../src/server/domain/sessions/access.js";
import { DashboardFeed, FEED_PER_STAFF, type WaitingEvent, type Watcher } from "../../src/server/domain/sessions/dashboard-feed.js";
import { SessionHub, type Connection } from "../../src/server/domain/sessions/hub.js";
import { useJoinLink } from "../../src/server/domain/sessions/join-link.js";
import { mintSignInLink, useSignInLink } from "../../src/server/domain/sessions/sign-in-link.js";
import type { StateEvent } from "../../src/server/domain/sessions/state.js";
import { mayChangeFor } from "../../src/server/domain/shared/permissions.js";
import { auditRows, book, makeWorld, refusal, rows, setStatus } from "../helpers/server.js";
import { T0 } from "../helpers/world.js";

const MIN = 60_000;
const AFTER_DEADLINE = Date.parse("2026-12-01T16:01:00Z"); // 11:01 EST: an hour and a minute after the end

type Stream = Connection & { events: StateEvent[]; ended: boolean };

async function setup() {
  const w = await makeWorld();
  const appt = await book(w, { client: w.p.alice, start: "2026-12-01T09:10", telehealth: true });
  const hub = new SessionHub(w.deps, { reconnectGraceMs: 0 });
  w.deps.sessions = hub;
  const alice: Actor = { kind: "client", practiceId: w.p.practiceId, clientId: w.p.alice.id, ip: "203.0.113.5", requestId: "req_a" };
  const open = async (actor: Actor): Promise<Stream> => {
    const access = await sessionAccess(w.deps, actor, appt.id);
    const s: Stream = {
      appointmentId: appt.id, practiceId: w.p.practiceId, role: access.role, who: access.who, events: [], ended: false,
      send: (ev) => s.events.push(ev), end: () => (s.ended = true),
    };
    await hub.connect(actor, access, s);
    return s;
  };
  const status = () => w.store.db.prepare(`SELECT status, cancel_reason, start_at, end_at FROM appointments WHERE id = ?`).get(appt.id) as
    { status: string; cancel_reason: string | null; start_at: number; end_at: number };
  return { w, appt, hub, alice, open, status };
}

const last = (s: Stream) => s.events[s.events.length - 1];
/** What the appointment's changes told its calendar and its client: the SEQUENCE, and each notice's kind. */
const reported = (t: Awaited<ReturnType<typeof setup>>) => ({
  sequence: (t.w.store.db.prepare(`SELECT calendar_sequence AS n FROM appointments WHERE id = ?`).get(t.appt.id) as { n: number }).n,
  notices: auditRows(t.w.store, "appointment.notice").filter((r) => r.record_id === t.appt.id).map((r) => JSON.parse(r.details!).kind as string),
});
const tokenIn = (text: unknown) => /\/j\/([A-Za-z0-9_-]{43})/.exec(String(text))![1]!;
const liveLinks = (t: Awaited<ReturnType<typeof setup>>) =>
  rows(t.w.store, "links").filter((l) => l.appointment_id === t.appt.id && l.revoked_at === null && l.used_at === null);

describe("cancel (R22)", () => {
  it("kills the sign-in and join links at once, tells the open session pages, keeps the reason, audits, and calls the hook", async () => {
    const t = await setup();
    const before = reported(t);
    const signIn = await mintSignInLink(t.w.deps, t.w.p.tina, t.appt.id);
    const tina = await t.open(t.w.p.tina); // the provider's arrival mails the client a join link
    const join = tokenIn(rows(t.w.store, "mail").find((m) => String(m.text_body).includes("/j/"))!.text_body);
    expect(liveLinks(t)).toHaveLength(2);

    const out = await cancelAppointment(t.w.deps, t.w.p.manager, t.appt.id, { reason: "client moved away", notify: false });
    expect(out).toMatchObject({ id: t.appt.id, status: "cancelled", cancelReason: "client moved away", session: { state: "cancelled" } });
    expect(t.status()).toMatchObject({ status: "cancelled", cancel_reason: "client moved away" });
    expect(liveLinks(t)).toEqual([]);
    expect(last(tina)).toMatchObject({ state: "cancelled", present: { provider: false, client: false } });
    expect(tina.ended).toBe(true);

    const url = new URL(signIn.url);
    await refusal(useSignInLink(t.w.deps, t.w.p.system, url.pathname.split("/")[2], t.appt.id), "link_invalid", 410);
    await refusal(useJoinLink(t.w.deps, t.w.p.system, t.alice, join), "link_invalid", 410);
    // Coming back to the page: the stream says cancelled and ends.
    const again = await t.open(t.alice);
    expect(again.ended).toBe(true);
    expect(last(again)!.state).toBe("cancelled");

    const audit = auditRows(t.w.store, "appointment.cancel");
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.details!)).toMatchObject({ reason: "client moved away", revokedLinks: 2, notify: false });
    // The hook ran once, with --no-notify: the calendar's SEQUENCE rose, and no notice went to the client.
    expect(reported(t)).toEqual({ sequence: before.sequence + 1, notices: before.notices });
  });

  it("refuses an appointment already cancelled or completed (409), and therapists cancel only their own (403)", async () => {
    const t = await setup();
    await refusal(cancelAppointment(t.w.deps, t.w.p.theo, t.appt.id, {}), "permission_denied", 403);
    await refusal(cancelAppointment(t.w.deps, t.w.p.biller, t.appt.id, {}), "permission_denied", 403);
    await cancelAppointment(t.w.deps, t.w.p.tina, t.appt.id, {});
    expect(t.status()).toMatchObject({ status: "cancelled", cancel_reason: null });
    await refusal(cancelAppointment(t.w.deps, t.w.p.owner, t.appt.id, {}), "already_cancelled", 409);
    const done = await book(t.w, { client: t.w.p.bruno, start: "2026-12-01T11:00" });
    setStatus(t.w.store, done.id, "completed");
    await refusal(cancelAppointment(t.w.deps, t.w.p.owner, done.id, {}), "not_cancellable", 409);
    expect(auditRows(t.w.store, "appointment.cancel")).toHaveLength(1);
  });
});

describe("reschedule (R22)", () => {
  it("keeps the id, moves the time (not overlapping its own old time), revokes outstanding links, audits, and calls the hook", async () => {
    const t = await setup();
    const before = reported(t);
    await mintSignInLink(t.w.deps, t.w.p.tina, t.appt.id);
    const out = await rescheduleAppointment(t.w.deps, t.w.p.tina, t.appt.id, { start: "2026-12-01T09:30" });
    expect(out).toMatchObject({ id: t.appt.id, start: "2026-12-01T14:30:00.000Z", end: "2026-12-01T15:20:00.000Z", status: "scheduled" });
    expect(liveLinks(t)).toEqual([]);
    const longer = await rescheduleAppointment(t.w.deps, t.w.p.owner, t.appt.id, { start: "2026-12-02T16:00", durationMinutes: 80 });
    expect(longer).toMatchObject({ id: t.appt.id, start: "2026-12-02T21:00:00.000Z", end: "2026-12-02T22:20:00.000Z" });
    const audit = auditRows(t.w.store, "appointment.reschedule").map((r) => JSON.parse(r.details!));
    expect(audit[0]).toMatchObject({ from: { start: "2026-12-01T14:10:00.000Z" }, to: { start: "2026-12-01T14:30:00.000Z" }, revokedLinks: 1 });
    // The hook ran for each move, notifying: two rises of SEQUENCE, two `rescheduled` notices to the client.
    expect(reported(t)).toEqual({ sequence: before.sequence + 2, notices: [...before.notices, "rescheduled", "rescheduled"] });
  });

  it("refuses a joined session, and past, completed or cancelled appointments with not_reschedulable; R5, past starts and overlaps as when scheduling", async () => {
    const t = await setup();
    const to = { start: "2026-12-03T10:00" };
    await t.open(t.alice);
    await refusal(rescheduleAppointment(t.w.deps, t.w.p.owner, t.appt.id, to), "not_reschedulable", 409);
    const past = await book(t.w, { client: t.w.p.bruno, start: "2026-11-30T10:00", allowPast: true });
    await refusal(rescheduleAppointment(t.w.deps, t.w.p.owner, past.id, to), "not_reschedulable", 409);
    const done = await book(t.w, { client: t.w.p.bruno, start: "2026-12-04T10:00" });
    setStatus(t.w.store, done.id, "completed");
    await refusal(rescheduleAppointment(t.w.deps, t.w.p.owner, done.id, to), "not_reschedulable", 409);
    const gone = await book(t.w, { client: t.w.p.bruno, start: "2026-12-05T10:00" });
    await cancelAppointment(t.w.deps, t.w.p.owner, gone.id, {});
    await refusal(rescheduleAppointment(t.w.deps, t.w.p.owner, gone.id, to), "not_reschedulable", 409);

    const next = await book(t.w, { client: t.w.p.alice, start: "2026-12-07T10:00", telehealth: true });
    const other = await book(t.w, { client: t.w.p.bruno, start: "2026-12-08T10:00" });
    await refusal(rescheduleAppointment(t.w.deps, t.w.p.owner, next.id, { start: "2026-11-30T10:00" }), "start_in_past", 422);
    await refusal(rescheduleAppointment(t.w.deps, t.w.p.owner, next.id, { start: "2026-12-08T10:20" }), "overlap", 409);
    expect(await rescheduleAppointment(t.w.deps, t.w.p.owner, next.id, { start: "2026-12-08T10:20", allowOverlap: true })).toMatchObject({ id: next.id });
    t.w.store.db.prepare(`UPDATE staff SET teletherapy = 0 WHERE id = ?`).run(t.w.p.tina.kind === "staff" ? t.w.p.tina.staff.id : "");
    await refusal(rescheduleAppointment(t.w.deps, t.w.p.owner, next.id, { start: "2026-12-09T10:00" }), "teletherapy_not_enabled", 422);
    expect(await rescheduleAppointment(t.w.deps, t.w.p.owner, other.id, { start: "2026-12-09T12:00" })).toMatchObject({ id: other.id });
    expect(auditRows(t.w.store, "appointment.reschedule")).toHaveLength(2);
  });
});

describe("a session that completes by itself: the outcome from real presence (R24)", () => {
  it("the client never came → no_show", async () => {
    const t = await setup();
    const tina = await t.open(t.w.p.tina);
    await t.hub.disconnect(t.w.p.tina, tina);
    t.w.setNow(AFTER_DEADLINE);
    expect(await t.hub.sweep()).toEqual([t.appt.id]);
    expect(t.status()).toMatchObject({ status: "no_show", cancel_reason: null });
  });

  it("the client waited, the provider never came → cancelled provider_absent, owners and managers told without the client's name", async () => {
    const t = await setup();
    const alice = await t.open(t.alice);
    t.w.advance(5 * MIN);
    await t.hub.disconnect(t.alice, alice);
    t.w.setNow(AFTER_DEADLINE);
    expect(await t.hub.sweep()).toEqual([t.appt.id]);
    expect(t.status()).toMatchObject({ status: "cancelled", cancel_reason: "provider_absent" });
    const mails = rows(t.w.store, "mail").filter((m) => String(m.subject).includes("no provider joined"));
    expect(mails.map((m) => m.to_address).sort()).toEqual(["manager@maple.test", "owner@maple.test"]);
    for (const m of mails) {
      expect(m.subject).toContain(t.appt.id);
      expect(`${m.subject} ${m.text_body}`).not.toContain("Alice");
    }
    expect(JSON.parse(auditRows(t.w.store, "session.complete")[0]!.details!)).toMatchObject({ outcome: "cancelled", cancelReason: "provider_absent" });
  });

  it("both came → completed; a manager corrects it (audited), a therapist may not, the same status is a 409", async () => {
    const t = await setup();
    const alice = await t.open(t.alice);
    const tina = await t.open(t.w.p.tina);
    t.w.advance(30 * MIN);
    await t.hub.disconnect(t.alice, alice);
    await t.hub.disconnect(t.w.p.tina, tina);
    t.w.setNow(AFTER_DEADLINE);
    await t.hub.sweep();
    expect(t.status().status).toBe("completed");
    await refusal(setAppointmentStatus(t.w.deps, t.w.p.tina, t.appt.id, { status: "no_show" }), "permission_denied", 403);
    await refusal(setAppointmentStatus(t.w.deps, t.w.p.manager, t.appt.id, { status: "completed" }), "status_unchanged", 409);
    expect(await setAppointmentStatus(t.w.deps, t.w.p.manager, t.appt.id, { status: "no_show" })).toMatchObject({ status: "no_show" });
    expect(JSON.parse(auditRows(t.w.store, "appointment.set_status")[0]!.details!)).toMatchObject({ from: "completed", to: "no_show" });
  });
});

describe("the dashboard's waiting feed", () => {
  it("tells the therapist and managers (not another therapist) since when the client waits alone, and when that ends", async () => {
    const t = await setup();
    const heard = { tina: [] as WaitingEvent[], theo: [] as WaitingEvent[], manager: [] as WaitingEvent[] };
    for (const name of ["tina", "theo", "manager"] as const) {
      const actor = t.w.p[name];
      if (actor.kind !== "staff") throw new Error("staff expected");
      t.hub.dashboards.add({ practiceId: t.w.p.practiceId, staffId: actor.staff.id, sees: (id) => mayChangeFor(actor, id), send: (e) => heard[name].push(e), end: () => {} });
    }
    await t.open(t.alice);
    const since = { appointmentId: t.appt.id, waitingSince: new Date(T0).toISOString() };
    expect(heard.tina.at(-1)).toEqual(since);
    expect(heard.manager.at(-1)).toEqual(since);
    expect(heard.theo).toEqual([]);
    t.w.advance(MIN);
    await t.open(t.w.p.tina);
    expect(heard.tina.at(-1)).toEqual({ appointmentId: t.appt.id, waitingSince: null });
  });

  it("is bounded: a few streams per staff member; ending one person's streams leaves the others", async () => {
    const feed = new DashboardFeed();
    const ended: string[] = [];
    const watcher = (staffId: string): Watcher => ({ practiceId: "prc_1", staffId, sees: () => true, send: () => {}, end: () => void ended.push(staffId) });
    for (let i = 0; i < FEED_PER_STAFF; i++) expect(feed.add(watcher("stf_a"))).toBe(true);
    expect(feed.add(watcher("stf_a"))).toBe(false);
    expect(feed.add(watcher("stf_b"))).toBe(true);
    expect(feed.end("stf_a")).toBe(FEED_PER_STAFF);
    expect(ended.filter((x) => x === "stf_b")).toEqual([]);
    expect(feed.add(watcher("stf_a"))).toBe(true);
  });
});
