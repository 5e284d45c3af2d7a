/**
 * The telehealth session lifecycle as services (R16, R18) over an in-memory database with a fixed
 * clock: the hub is driven with stand-in streams that record what they are sent. T0 is 09:00 EST;
 * the appointment runs 09:10–10:00 EST and its window opens at 08:55.
 */
import { describe, expect, it } from "vitest";
import type { Actor } from "../../src/server/domain/deps.js";
import { sessionAccess } from "../../src/server/domain/sessions/access.js";
import { SessionHub, type Connection } from "../../src/server/domain/sessions/hub.js";
import { useJoinLink } from "../../src/server/domain/sessions/join-link.js";
import { mintSignInLink, useSignInLink } from "../../src/server/domain/sessions/sign-in-link.js";
import type { StateEvent } from "../../src/server/domain/sessions/state.js";
import { ZoomVideoProvider } from "../../src/server/video/zoom.js";
import { getAppointment, listAppointments, setTelehealth } from "../../src/server/domain/appointments/service.js";
import { convertAppointments } from "../../src/server/domain/appointments/convert.js";
import { auditRows, book, makeWorld, refusal, rows, type World } from "../helpers/server.js";
import { makePractice, T0 } from "../helpers/world.js";

const MIN = 60_000;
const END = Date.parse("2026-12-01T15:00:00Z"); // 10:00 EST

type Stream = Connection & { events: StateEvent[]; ended: boolean };

async function setup(opts: { sessionName?: (id: string) => string } = {}) {
  const w = await makeWorld();
  const appt = await book(w, { client: w.p.alice, start: "2026-12-01T09:10", telehealth: true });
  if (opts.sessionName) w.deps.video = { provider: new ZoomVideoProvider({}), sessionName: opts.sessionName };
  const hub = new SessionHub(w.deps, { reconnectGraceMs: 0 });
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
  const close = (actor: Actor, s: Stream) => hub.disconnect(actor, s);
  const end = async (actor: Actor) => hub.end(actor, await sessionAccess(w.deps, actor, appt.id));
  const session = async () => (await getAppointment(w.deps, w.p.owner, appt.id)).session;
  return { w, appt, hub, alice, open, close, end, session };
}

const last = (s: Stream) => s.events[s.events.length - 1];
const joinMails = (w: World) => rows(w.store, "mail").filter((m) => String(m.text_body).includes("/j/"));
const tokenIn = (text: unknown) => /\/j\/([A-Za-z0-9_-]{43})/.exec(String(text))![1]!;

describe("session lifecycle (R16, R18)", () => {
  it("moves not_open → open → waiting → live → waiting, pushing each change to every stream; startedAt is set once", async () => {
    const t = await setup();
    t.w.setNow(Date.parse("2026-12-01T13:50:00Z")); // 08:50: before the window
    expect(await t.session()).toEqual({ state: "not_open" });
    const early = await t.open(t.w.p.tina);
    expect(early.ended).toBe(true);
    expect(early.events).toEqual([{ state: "not_open", present: { provider: false, client: false } }]);

    t.w.setNow(T0);
    expect(await t.session()).toEqual({ state: "open" });
    const tina = await t.open(t.w.p.tina);
    expect(last(tina)).toEqual({ state: "waiting", present: { provider: true, client: false } });
    t.w.advance(MIN);
    const alice = await t.open(t.alice);
    const live = { state: "live", present: { provider: true, client: true }, startedAt: new Date(T0 + MIN).toISOString() };
    expect(last(tina)).toEqual(live);
    expect(last(alice)).toEqual(live);
    t.w.advance(MIN);
    await t.close(t.alice, alice);
    expect(last(tina)).toEqual({ ...live, state: "waiting", present: { provider: true, client: false } });
    t.w.advance(MIN);
    const back = await t.open(t.alice);
    expect(last(back)).toEqual(live); // rejoined; startedAt is still the first time both were there
    expect((await t.session())!.state).toBe("live");
    expect(auditRows(t.w.store, "session.join").map((r) => JSON.parse(r.details!).role)).toEqual(["provider", "client", "client"]);
    expect(auditRows(t.w.store, "session.leave")).toHaveLength(1);
  });

  it("counts each side's presence time, and completion records start, end and both totals", async () => {
    const t = await setup();
    const tina = await t.open(t.w.p.tina);
    t.w.advance(2 * MIN);
    const alice = await t.open(t.alice);
    t.w.advance(10 * MIN);
    await t.close(t.alice, alice);
    t.w.advance(5 * MIN);
    expect(await t.session()).toMatchObject({ state: "waiting", providerPresentMs: 17 * MIN, clientPresentMs: 10 * MIN });
    await t.end(t.w.p.tina);
    expect(await t.session()).toEqual({
      state: "completed", startedAt: new Date(T0 + 2 * MIN).toISOString(), endedAt: new Date(T0 + 17 * MIN).toISOString(),
      providerPresentMs: 17 * MIN, clientPresentMs: 10 * MIN, audioOnly: false, // no video set up in this world: no provider named
    });
    expect(last(tina)).toMatchObject({ state: "completed", present: { provider: false, client: false } });
    expect(tina.ended).toBe(true);
    const [listed] = (await listAppointments(t.w.deps, t.w.p.owner, {})).items;
    expect(listed).toMatchObject({ status: "completed", session: { state: "completed", providerPresentMs: 17 * MIN } });
  });

  it("two tabs of the same person count once: closing one keeps them present", async () => {
    const t = await setup();
    const tina = await t.open(t.w.p.tina);
    const tab1 = await t.open(t.alice);
    const tab2 = await t.open(t.alice);
    expect((await t.hub.present(t.w.p.practiceId, t.appt.id)).map((p) => p.name)).toEqual(["Tina Therapist", "Alice"]);
    t.w.advance(3 * MIN);
    await t.close(t.alice, tab1);
    expect(last(tina)!.state).toBe("live");
    expect(auditRows(t.w.store, "session.leave")).toHaveLength(0);
    t.w.advance(MIN);
    await t.close(t.alice, tab2);
    expect(last(tina)).toMatchObject({ state: "waiting", present: { provider: true, client: false } });
    expect(await t.session()).toMatchObject({ clientPresentMs: 4 * MIN });
    expect(auditRows(t.w.store, "session.join").filter((r) => r.actor_type === "client")).toHaveLength(1);
  });

  it("the provider's first arrival queues one email with a one-time join link; rejoining sends no more", async () => {
    const t = await setup();
    const tina = await t.open(t.w.p.tina);
    await t.close(t.w.p.tina, tina);
    await t.open(t.w.p.tina);
    const mails = joinMails(t.w);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ to_address: "alice@client.test", status: "queued" });
    expect(String(mails[0]!.text_body)).toMatch(/http:\/\/tele\.test\/j\/[A-Za-z0-9_-]{43}\n/);
    expect(t.w.queued.length).toBeGreaterThan(0);
    expect(auditRows(t.w.store, "session.join_link.issue")).toHaveLength(1);
    const token = tokenIn(mails[0]!.text_body);
    const anon: Actor = { kind: "anonymous", ip: null, requestId: null };
    expect(await useJoinLink(t.w.deps, anon, undefined, token)).toEqual({ kind: "sign_in", slug: "maple-therapy", next: `/j/${token}` });
    await refusal(useJoinLink(t.w.deps, anon, t.w.p.tina, token), "link_invalid", 403);
    const bruno: Actor = { kind: "client", practiceId: t.w.p.practiceId, clientId: t.w.p.bruno.id, ip: null, requestId: null };
    await refusal(useJoinLink(t.w.deps, anon, bruno, token), "link_invalid", 403);
    const oak = await makePractice(t.w.deps, "Oak Therapy");
    const foreign: Actor = { kind: "client", practiceId: oak.practiceId, clientId: oak.alice.id, ip: null, requestId: null };
    await refusal(useJoinLink(t.w.deps, anon, foreign, token), "link_invalid", 403);
    expect(await useJoinLink(t.w.deps, anon, t.alice, token)).toEqual({ kind: "joined", sessionPath: `/p/maple-therapy/appointments/${t.appt.id}/session` });
    await refusal(useJoinLink(t.w.deps, anon, t.alice, token), "link_invalid", 410);
    expect(auditRows(t.w.store, "session.join_link.use")).toHaveLength(1);
    expect(auditRows(t.w.store, "session.join_link.refused").map((r) => JSON.parse(r.details!).reason)).toEqual(["wrong_person", "wrong_person", "wrong_person", "used_or_expired"]);
  });

  it("completion revokes every link to the session: join links and staff sign-in links", async () => {
    const t = await setup();
    await t.open(t.w.p.tina);
    const token = tokenIn(joinMails(t.w)[0]!.text_body);
    const signIn = new URL((await mintSignInLink(t.w.deps, t.w.p.tina, t.appt.id)).url);
    await refusal(t.end(t.alice), "permission_denied", 403);
    await t.end(t.w.p.tina);
    const anon: Actor = { kind: "anonymous", ip: null, requestId: null };
    await refusal(useJoinLink(t.w.deps, anon, t.alice, token), "link_invalid", 410);
    await refusal(useJoinLink(t.w.deps, anon, undefined, token), "link_invalid", 410);
    await refusal(useSignInLink(t.w.deps, anon, signIn.pathname.slice(3), t.appt.id), "link_invalid", 410);
    expect(JSON.parse(auditRows(t.w.store, "session.complete")[0]!.details!)).toMatchObject({ reason: "ended_by_provider", revokedLinks: 2 });
    // Ending again changes nothing; a late arrival is told it is over and its stream is ended.
    await t.end(t.w.p.tina);
    expect(auditRows(t.w.store, "session.complete")).toHaveLength(1);
    const late = await t.open(t.alice);
    expect(late.ended).toBe(true);
    expect(last(late)!.state).toBe("completed");
  });

  it("auto-completes only after the scheduled end plus the practice's minutes, and only when nobody is connected", async () => {
    const t = await setup();
    const tina = await t.open(t.w.p.tina);
    const alice = await t.open(t.alice);
    await t.close(t.w.p.tina, tina);
    t.w.setNow(END + 60 * MIN + 1);
    expect(await t.hub.sweep()).toEqual([]); // Alice is still connected
    await t.close(t.alice, alice);
    t.w.setNow(END + 60 * MIN - 1);
    expect(await t.hub.sweep()).toEqual([]);
    expect((await t.session())!.state).toBe("waiting");
    t.w.setNow(END + 60 * MIN + 1);
    expect(await t.hub.sweep()).toEqual([t.appt.id]);
    expect(await t.session()).toMatchObject({ state: "completed", endedAt: new Date(END + 60 * MIN + 1).toISOString() });
    expect(JSON.parse(auditRows(t.w.store, "session.complete")[0]!.details!).reason).toBe("auto_complete");
    expect(await t.hub.sweep()).toEqual([]);
  });

  it("a restart during a live session marks both absent and completes nothing; presence recovers on reconnect", async () => {
    const t = await setup();
    await t.open(t.w.p.tina);
    await t.open(t.alice);
    // The session runs past its auto-complete deadline with both connected; then the process dies
    // without closing anything, and the next one starts over the same database.
    t.w.setNow(END + 61 * MIN);
    expect(await t.hub.sweep()).toEqual([]);
    const next = new SessionHub(t.w.deps);
    expect(await next.recover()).toBe(1);
    const both = (END + 61 * MIN) - T0;
    expect(await t.session()).toMatchObject({ state: "waiting", providerPresentMs: both, clientPresentMs: both });
    expect((await getAppointment(t.w.deps, t.w.p.owner, t.appt.id)).status).toBe("scheduled");
    t.w.advance(30_000);
    expect(await next.sweep()).toEqual([]); // the pages get time to reconnect
    const access = await sessionAccess(t.w.deps, t.alice, t.appt.id);
    const events: StateEvent[] = [];
    await next.connect(t.alice, access, { appointmentId: t.appt.id, practiceId: t.w.p.practiceId, role: "client", who: access.who, send: (e) => events.push(e), end: () => {} });
    expect(events.at(-1)).toMatchObject({ state: "waiting", present: { client: true, provider: false } });
    t.w.advance(10 * MIN);
    expect(await next.sweep()).toEqual([]); // Alice is back: still nothing completes
    expect((await t.session())!.state).toBe("waiting");
    expect(auditRows(t.w.store, "session.complete")).toHaveLength(0);
  });

  it("a video 'ended' webhook completes the session; duplicates and out-of-order events after it are harmless", async () => {
    const t = await setup({ sessionName: (id) => `tele-${id.toLowerCase()}` });
    const name = `tele-${t.appt.id.toLowerCase()}`;
    await t.hub.videoEvent({ kind: "ended", sessionName: name, at: T0 }); // no session yet: ignored
    expect((await t.session())!.state).toBe("open");
    const tina = await t.open(t.w.p.tina);
    await t.hub.videoEvent({ kind: "user_joined", sessionName: name, at: T0, userKey: "stf_x" });
    expect(auditRows(t.w.store, "session.video.user_joined")).toHaveLength(1);
    expect((await t.session())!.state).toBe("waiting"); // presence comes from our streams only
    t.w.advance(MIN);
    await t.hub.videoEvent({ kind: "ended", sessionName: name, at: T0 + MIN });
    expect(await t.session()).toMatchObject({ state: "completed", endedAt: new Date(T0 + MIN).toISOString() });
    expect(tina.ended).toBe(true);
    const auditCount = auditRows(t.w.store).length;
    await t.hub.videoEvent({ kind: "ended", sessionName: name, at: T0 + MIN });
    await t.hub.videoEvent({ kind: "user_left", sessionName: name, at: T0 + 2 * MIN, userKey: "stf_x" });
    await t.hub.videoEvent({ kind: "started", sessionName: name, at: T0 - MIN });
    await t.hub.videoEvent({ kind: "ended", sessionName: "tele-unknown", at: T0 });
    expect(auditRows(t.w.store)).toHaveLength(auditCount);
    expect(await t.session()).toMatchObject({ state: "completed", endedAt: new Date(T0 + MIN).toISOString() });
  });

  it("a session someone has joined (before the start) cannot be switched to in person, one by one or in bulk", async () => {
    const t = await setup();
    t.w.setNow(T0); // 09:00: the window is open, the appointment starts at 09:10
    await t.open(t.w.p.tina);
    await refusal(setTelehealth(t.w.deps, t.w.p.owner, t.appt.id, { telehealth: false }), "not_convertible", 409);
    const bulk = await convertAppointments(t.w.deps, t.w.p.owner, { ids: [t.appt.id], telehealth: false });
    expect(bulk).toMatchObject({ converted: [], skipped: [{ id: t.appt.id, reason: "not_convertible" }] });
    expect((await getAppointment(t.w.deps, t.w.p.owner, t.appt.id)).telehealth).toBe(true);
    // One nobody has joined yet can still be switched.
    const other = await book(t.w, { client: t.w.p.alice, start: "2026-12-01T11:00", telehealth: true });
    expect((await setTelehealth(t.w.deps, t.w.p.owner, other.id, { telehealth: false })).telehealth).toBe(false);
  });
});
