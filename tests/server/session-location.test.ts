/**
 * R27 and R28 as services: the client's answer is kept on the session (and audited without the
 * phone number), rules the session out from outside the U.S. or, under refuse, from a state the
 * therapist is not licensed in, and on completion gives the place of service and modifier. The
 * hub runs with stand-in streams; in-memory database, fixed clock.
 */
import { describe, expect, it } from "vitest";
import { getAppointment } from "../../src/server/domain/appointments/service.js";
import type { Actor } from "../../src/server/domain/deps.js";
import { updatePractice } from "../../src/server/domain/practice/service.js";
import { sessionAccess } from "../../src/server/domain/sessions/access.js";
import { SessionHub, type Connection } from "../../src/server/domain/sessions/hub.js";
import { locationContext, readLocation, recordLocation, refuseBlockedClient } from "../../src/server/domain/sessions/location.js";
import { updateStaff } from "../../src/server/domain/staff/update.js";
import { auditRows, book, makeWorld, refusal, type World } from "../helpers/server.js";
import { idOf } from "../helpers/world.js";

async function setup() {
  const w = await makeWorld();
  await updateStaff(w.deps, w.p.owner, idOf(w.p.tina), { licensedIn: ["NY"] });
  // T0 is 09:00 in New York: the window of a 09:10 start is open.
  const appt = await book(w, { client: w.p.alice, start: "2026-12-01T09:10", telehealth: true });
  const alice: Actor = { kind: "client", practiceId: w.p.practiceId, clientId: w.p.alice.id, ip: "203.0.113.5", requestId: "req_a" };
  const hub = new SessionHub(w.deps, { reconnectGraceMs: 0 });
  const answer = async (state: string, place: string, phone = "(555) 010-0199") => {
    const read = readLocation({ state, place, phone });
    if (!read.ok) throw new Error(JSON.stringify(read.errors));
    await recordLocation(w.deps, alice, await sessionAccess(w.deps, alice, appt.id), read.value);
  };
  const join = async (actor: Actor) => {
    const access = await sessionAccess(w.deps, actor, appt.id);
    const conn: Connection = { appointmentId: appt.id, practiceId: w.p.practiceId, role: access.role, who: access.who, send: () => undefined, end: () => undefined };
    await hub.connect(actor, access, conn);
    return { access, conn };
  };
  return { w, appt, alice, hub, answer, join };
}

describe("reading the answer", () => {
  it("needs a state or territory, home or elsewhere, and a phone number; outside the U.S. needs nothing else", () => {
    expect(readLocation({ state: "nj", place: "home", phone: "+1 555 010 0199" })).toEqual({ ok: true, value: { state: "NJ", place: "home", callbackPhone: "+1 555 010 0199" } });
    expect(readLocation({ state: "outside_us", place: "", phone: "" })).toEqual({ ok: true, value: { state: null, place: "outside_us", callbackPhone: null } });
    const bad = readLocation({ state: "ON", place: "car", phone: "call me" });
    expect(bad.ok).toBe(false);
    expect(Object.keys((bad as { errors: object }).errors).sort()).toEqual(["phone", "place", "state"]);
  });
});

describe("the client's location at the session (R27)", () => {
  it("is kept on the session, shown on the appointment, audited without the phone number, and replaced when given again", async () => {
    const { w, appt, answer } = await setup();
    await answer("NJ", "elsewhere");
    const seen = await getAppointment(w.deps, w.p.biller, appt.id);
    expect(seen.session?.location).toEqual({ state: "NJ", place: "elsewhere", callbackPhone: "(555) 010-0199", at: new Date(w.deps.clock()).toISOString() });
    // Judged against where the client is now (NJ), not where they live (NY).
    expect(seen.licensure).toBe("unlicensed_state");
    const row = auditRows(w.store, "session.location").at(-1)!;
    expect({ actor: row.actor_type, record: row.record_id, details: JSON.parse(row.details!) }).toEqual({
      actor: "client", record: appt.id, details: { state: "NJ", place: "elsewhere", callbackPhone: true, replaced: false },
    });
    expect(row.details).not.toContain("555");
    await answer("NY", "home");
    expect((await getAppointment(w.deps, w.p.owner, appt.id)).session?.location?.state).toBe("NY");
    expect((await getAppointment(w.deps, w.p.owner, appt.id)).licensure).toBe("ok");
  });

  it("keeps the session as it was: the first arrival still names the video session and the lifecycle leaves the answer alone", async () => {
    const { w, appt, answer, join, hub } = await setup();
    await answer("NY", "home");
    await join(w.p.owner);
    const rec = (await w.store.sessions.byAppointment(w.p.practiceId, appt.id))!;
    expect({ state: rec.state, place: rec.locationPlace, providerJoined: rec.providerJoinedAt !== null }).toEqual({ state: "waiting", place: "home", providerJoined: true });
    hub.stop();
  });

  it("from outside the U.S. the client cannot join (403 outside_us), whatever the licensure setting", async () => {
    const { w, appt, alice, answer } = await setup();
    await updatePractice(w.deps, w.p.owner, { licensure: "off" });
    await answer("outside_us", "");
    const ctx = await locationContext(w.deps, await sessionAccess(w.deps, alice, appt.id));
    expect({ block: ctx.block, licensure: ctx.licensure }).toEqual({ block: "outside_us", licensure: "unlicensed_state" });
    await refusal(refuseBlockedClient(w.deps, await sessionAccess(w.deps, alice, appt.id)), "outside_us", 403);
    // The provider is never kept out by the client's answer.
    await refuseBlockedClient(w.deps, await sessionAccess(w.deps, w.p.owner, appt.id));
  });

  it("in a state the therapist is not licensed in: warn lets the client join, refuse keeps them out (422 not_licensed_in_state)", async () => {
    const { w, appt, alice, answer } = await setup();
    await answer("CA", "home");
    const access = await sessionAccess(w.deps, alice, appt.id);
    expect((await locationContext(w.deps, access)).block).toBeNull();
    await refuseBlockedClient(w.deps, access);
    await updatePractice(w.deps, w.p.owner, { licensure: "refuse" });
    const refreshed = await sessionAccess(w.deps, alice, appt.id);
    expect((await locationContext(w.deps, refreshed)).block).toBe("not_licensed_in_state");
    await refusal(refuseBlockedClient(w.deps, refreshed), "not_licensed_in_state", 422);
  });

  it("is given only by the appointment's client, and not once the session has ended", async () => {
    const { w, appt, answer, join, hub } = await setup();
    const read = readLocation({ state: "NY", place: "home", phone: "555 010 0199" });
    if (!read.ok) throw new Error("unreadable");
    await refusal(recordLocation(w.deps, w.p.owner, await sessionAccess(w.deps, w.p.owner, appt.id), read.value), "permission_denied", 403);
    await answer("NY", "home");
    const { access } = await join(w.p.owner);
    await hub.end(w.p.owner, access);
    await expect(answer("NJ", "home")).rejects.toMatchObject({ code: "session_not_active" });
  });
});

describe("billing codes on completion (R28)", () => {
  async function completed(place: "home" | "elsewhere", audioOnly: boolean) {
    const { w, appt, alice, answer, join, hub } = await setup();
    await answer("NY", place);
    const provider = await join(w.p.owner);
    const client = await join(alice);
    if (audioOnly) await hub.setAudioOnly(client.access, true);
    await hub.end(w.p.owner, provider.access);
    return { w, a: await getAppointment(w.deps, w.p.biller, appt.id), appt };
  }

  it("at home with video: place of service 10, modifier 95", async () => {
    const { w, a } = await completed("home", false);
    expect({ status: a.status, billing: a.billing }).toEqual({ status: "completed", billing: { placeOfService: "10", modifier: "95" } });
    expect(JSON.parse(auditRows(w.store, "session.complete").at(-1)!.details!).billing).toEqual({ placeOfService: "10", modifier: "95" });
  });

  it("elsewhere, ended audio only: place of service 02, modifier 93", async () => {
    const { a } = await completed("elsewhere", true);
    expect(a.billing).toEqual({ placeOfService: "02", modifier: "93" });
  });

  it("nothing is recorded before completion, nor for a session nobody said the location of", async () => {
    const w: World = await makeWorld();
    const a = await book(w, { client: w.p.alice, start: "2026-12-01T09:10", telehealth: true });
    expect((await getAppointment(w.deps, w.p.owner, a.id)).billing).toBeUndefined();
    const hub = new SessionHub(w.deps);
    await hub.end(w.p.owner, await sessionAccess(w.deps, w.p.owner, a.id));
    const done = await getAppointment(w.deps, w.p.owner, a.id);
    expect({ status: done.status, billing: done.billing }).toEqual({ status: "completed", billing: undefined });
  });
});
