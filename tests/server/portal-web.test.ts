/** The client portal's services (R10, R11, R13, R15, R20) on an in-memory database with a fixed clock. */
import { describe, expect, it } from "vitest";
import type { Actor } from "../../src/server/domain/deps.js";
import { sendPortalInvite } from "../../src/server/domain/clients/portal.js";
import { passwordLinkUsable, requestFreshLink, setPasswordWithLink } from "../../src/server/domain/portal/accounts.js";
import { clientDashboard } from "../../src/server/domain/portal/dashboard.js";
import { passwordProblem, signInClient } from "../../src/server/domain/portal/sign-in.js";
import { hashSecret } from "../../src/server/domain/shared/crypto.js";
import { activatePortal, auditRows, book, count, lastMailTo, linkIn, makeWorld, refusal, rows, setStatus, type World } from "../helpers/server.js";
import { makePractice, T0 } from "../helpers/world.js";

const HOUR = 3_600_000;
const visitor: Actor = { kind: "anonymous", ip: "198.51.100.7", requestId: "req_web" };
const practiceOf = async (w: World) => (await w.store.practices.byId(w.p.practiceId))!;
const aliceActor = (w: World) => ({ kind: "client" as const, practiceId: w.p.practiceId, clientId: w.p.alice.id, ip: "198.51.100.7", requestId: "req_dash" });

/** Invites a client and returns the token of the mail that was queued. */
async function inviteToken(w: World, client: { id: string; email: string | null }) {
  await sendPortalInvite(w.deps, w.p.owner, client.id);
  return linkIn(lastMailTo(w.store, client.email!)!.text_body).token;
}

/** A live browser session for a client, as the web layer would have started it. */
async function sessionFor(w: World, clientId: string, token: string) {
  await w.store.webSessions.insert({ id: `ses_${token}`, practiceId: w.p.practiceId, subjectType: "client", subjectId: clientId,
    csrfToken: "c", createdAt: T0, expiresAt: T0 + 12 * HOUR, tokenHash: hashSecret(token) });
}

describe("password strength", () => {
  it("needs 10 characters of at least two kinds, and at most 200", () => {
    expect(passwordProblem("Short1!")).toMatch(/at least 10/);
    expect(passwordProblem("aaaaaaaaaaaa")).toMatch(/two kinds/);
    expect(passwordProblem("ABCDEFGHIJKL")).toMatch(/two kinds/);
    expect(passwordProblem("1234567890123")).toMatch(/two kinds/);
    expect(passwordProblem("x".repeat(150) + "1".repeat(51))).toMatch(/at most 200/);
    expect(passwordProblem("correct horse battery")).toBeNull(); // lowercase and spaces
    expect(passwordProblem("maplestreet7")).toBeNull();
  });
});

describe("signing in with email and password", () => {
  it("answers the client's id for the right password, whatever the email's case and spaces, and audits it", async () => {
    const w = await makeWorld();
    await activatePortal(w, w.p.alice, "correct horse battery");
    expect(await signInClient(w.deps, visitor, await practiceOf(w), "  Alice@Client.TEST ", "correct horse battery")).toBe(w.p.alice.id);
    expect(auditRows(w.store, "portal.sign_in")).toMatchObject([
      { actor_type: "client", actor_id: w.p.alice.id, record_id: w.p.alice.id, ip: "198.51.100.7", request_id: "req_web" },
    ]);
  });

  it("answers null alike for a wrong password, an unknown email and a client without an account; never audits the email", async () => {
    const w = await makeWorld();
    await activatePortal(w, w.p.alice, "correct horse battery");
    const p = await practiceOf(w);
    expect(await signInClient(w.deps, visitor, p, "alice@client.test", "wrong horse battery")).toBeNull();
    expect(await signInClient(w.deps, visitor, p, "nobody@client.test", "correct horse battery")).toBeNull();
    expect(await signInClient(w.deps, visitor, p, "bruno@client.test", "correct horse battery")).toBeNull();
    expect(await signInClient(w.deps, visitor, p, "not an email", "x")).toBeNull();
    const failed = auditRows(w.store, "portal.sign_in_failed");
    expect(failed.map((r) => [r.actor_type, r.actor_id, r.record_id])).toEqual([
      ["anonymous", null, w.p.alice.id], ["anonymous", null, null], ["anonymous", null, w.p.bruno.id], ["anonymous", null, null],
    ]);
    expect(JSON.stringify(rows(w.store, "audit_log"))).not.toMatch(/nobody@|not an email|wrong horse/);
    expect(auditRows(w.store, "portal.sign_in")).toHaveLength(0);
  });

  it("an account in one practice does not sign in to another practice's portal", async () => {
    const w = await makeWorld();
    await activatePortal(w, w.p.alice, "correct horse battery");
    const birch = await makePractice(w.deps, "Birch Therapy");
    const other = (await w.store.practices.byId(birch.practiceId))!;
    expect(await signInClient(w.deps, visitor, other, "alice@client.test", "correct horse battery")).toBeNull();
  });
});

describe("setting a password through an emailed link", () => {
  it("signs up with an invite, then the link is spent and the client's other browser sessions end", async () => {
    const w = await makeWorld();
    const p = await practiceOf(w);
    const token = await inviteToken(w, w.p.alice);
    await sessionFor(w, w.p.alice.id, "older-browser-session-token");
    await sessionFor(w, w.p.bruno.id, "someone-elses-session-token");
    expect(await passwordLinkUsable(w.deps, p, "invite", token)).toBe(true);
    expect(await setPasswordWithLink(w.deps, visitor, p, "invite", token, "correct horse battery")).toBe(w.p.alice.id);
    expect(await signInClient(w.deps, visitor, p, "alice@client.test", "correct horse battery")).toBe(w.p.alice.id);
    expect(await passwordLinkUsable(w.deps, p, "invite", token)).toBe(false);
    expect(await w.store.webSessions.live(hashSecret("older-browser-session-token"), T0)).toBeUndefined();
    expect(await w.store.webSessions.live(hashSecret("someone-elses-session-token"), T0)).toBeDefined();
    await refusal(setPasswordWithLink(w.deps, visitor, p, "invite", token, "another good one 2"), "link_invalid", 422);
  });

  it("refuses a weak password before touching the link", async () => {
    const w = await makeWorld();
    const p = await practiceOf(w);
    const token = await inviteToken(w, w.p.alice);
    await refusal(setPasswordWithLink(w.deps, visitor, p, "invite", token, "aaaaaaaaaaaa"), "weak_password", 422);
    expect(await passwordLinkUsable(w.deps, p, "invite", token)).toBe(true);
  });

  it("refuses another practice's, a truncated, a tampered, a wrong-kind and an expired link, changing nothing", async () => {
    const w = await makeWorld();
    const p = await practiceOf(w);
    const birch = await makePractice(w.deps, "Birch Therapy");
    const other = (await w.store.practices.byId(birch.practiceId))!;
    const token = await inviteToken(w, w.p.alice);
    const before = rows(w.store, "links");
    const tampered = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    for (const [practice, kind, t] of [[other, "invite", token], [p, "invite", token.slice(0, 20)], [p, "invite", tampered],
      [p, "reset", token], [p, "invite", "<script>"]] as const) {
      expect(await passwordLinkUsable(w.deps, practice, kind, t)).toBe(false);
      await refusal(setPasswordWithLink(w.deps, visitor, practice, kind, t, "correct horse battery"), "link_invalid", 422);
    }
    expect(rows(w.store, "links")).toEqual(before);
    expect(await w.store.clients.passwordHash(p.id, w.p.alice.id)).toBeNull();
    w.advance(48 * HOUR);
    expect(await passwordLinkUsable(w.deps, p, "invite", token)).toBe(false);
    await refusal(setPasswordWithLink(w.deps, visitor, p, "invite", token, "correct horse battery"), "link_invalid", 422);
  });
});

describe("asking for a fresh link", () => {
  it("emails an invite to a client without an account, a reset link to one with, and nothing for an unknown address", async () => {
    const w = await makeWorld();
    const p = await practiceOf(w);
    await activatePortal(w, w.p.alice);
    const mails = count(w.store, "mail");
    await requestFreshLink(w.deps, visitor, p, "nobody@client.test");
    await requestFreshLink(w.deps, visitor, p, "no address at all");
    expect(count(w.store, "mail")).toBe(mails);
    await requestFreshLink(w.deps, visitor, p, " Bruno@Client.test");
    expect(lastMailTo(w.store, "bruno@client.test")!.text_body).toContain("/p/maple-therapy/invite/");
    await requestFreshLink(w.deps, visitor, p, "alice@client.test");
    const reset = linkIn(lastMailTo(w.store, "alice@client.test")!.text_body);
    expect(reset.kind).toBe("reset");
    expect(count(w.store, "mail")).toBe(mails + 2);
    expect(auditRows(w.store, "client.password_reset_link").at(-1)).toMatchObject({ actor_type: "anonymous", record_id: w.p.alice.id, ip: "198.51.100.7" });
    expect(await setPasswordWithLink(w.deps, visitor, p, "reset", reset.token, "a new password 2")).toBe(w.p.alice.id);
    expect(await signInClient(w.deps, visitor, p, "alice@client.test", "a new password 2")).toBe(w.p.alice.id);
  });
});

describe("the client's dashboard", () => {
  /** T0 is Tue 1 Dec 2026, 09:00 in New York. */
  async function seeded() {
    const w = await makeWorld();
    const at = async (start: string, o: { telehealth?: boolean; client?: { id: string }; minutes?: number; therapist?: typeof w.p.theo } = {}) =>
      (await book(w, { client: o.client ?? w.p.alice, start, telehealth: o.telehealth, minutes: o.minutes, therapist: o.therapist, allowPast: true, allowOverlap: true })).id;
    const ids = {
      ended: await at("2026-12-01T07:00"),
      ongoing: await at("2026-12-01T08:30", { therapist: w.p.theo }),
      open: await at("2026-12-01T09:10", { telehealth: true }),
      later: await at("2026-12-01T10:00", { telehealth: true }),
      cancelled: await at("2026-12-01T12:00", { telehealth: true }),
      tomorrow: await at("2026-12-02T11:00", { therapist: w.p.theo, minutes: 30 }),
      brunos: await at("2026-12-01T13:00", { client: w.p.bruno }),
    };
    setStatus(w.store, ids.cancelled, "cancelled");
    return { w, ids };
  }

  it("lists only the client's own upcoming scheduled appointments, with therapist, time and zone", async () => {
    const { w, ids } = await seeded();
    const d = (await clientDashboard(w.deps, aliceActor(w), await practiceOf(w)))!;
    expect(d).toMatchObject({ clientName: "Alice Client", timeZone: "America/New_York", now: T0 });
    expect(d.appointments.map((a) => a.id)).toEqual([ids.ongoing, ids.open, ids.later, ids.tomorrow]);
    const [ongoing, open, later, tomorrow] = d.appointments;
    expect(tomorrow).toEqual({ id: ids.tomorrow, telehealth: false, therapistName: "Theo Therapist", startAt: Date.parse("2026-12-02T16:00:00Z"),
      minutes: 30, when: "Wed 2 Dec 2026, 11:00 EST" });
    expect(ongoing!.join).toBeUndefined();
    expect(open).toMatchObject({ therapistName: "Tina Therapist", when: "Tue 1 Dec 2026, 09:10 EST",
      join: { open: true, href: `/p/maple-therapy/appointments/${ids.open}/session` } });
    expect(later).toMatchObject({ when: "Tue 1 Dec 2026, 10:00 EST",
      join: { open: false, opensText: "09:45 EST", opensAt: Date.parse("2026-12-01T14:45:00Z"), closesAt: Date.parse("2026-12-01T15:50:00Z") } });
  });

  it("opens the join window 15 minutes before the start, and names the day when that is the day before", async () => {
    const { w, ids } = await seeded();
    const midnight = (await book(w, { client: w.p.alice, start: "2026-12-03T00:05", telehealth: true, allowOverlap: true })).id;
    w.setNow(Date.parse("2026-12-01T14:45:00Z") - 1);
    let d = (await clientDashboard(w.deps, aliceActor(w), await practiceOf(w)))!;
    expect(d.appointments.find((a) => a.id === ids.later)!.join!.open).toBe(false);
    expect(d.appointments.find((a) => a.id === midnight)!.join!.opensText).toBe("Wed 2 Dec 2026, 23:50 EST");
    w.advance(1);
    d = (await clientDashboard(w.deps, aliceActor(w), await practiceOf(w)))!;
    expect(d.appointments.find((a) => a.id === ids.later)!.join!.open).toBe(true);
  });

  it("each view is an audited read of the client's data; a client that no longer exists gets nothing", async () => {
    const { w } = await seeded();
    await clientDashboard(w.deps, aliceActor(w), await practiceOf(w));
    expect(auditRows(w.store, "portal.dashboard.view")).toMatchObject([
      { actor_type: "client", actor_id: w.p.alice.id, record_type: "client", record_id: w.p.alice.id, ip: "198.51.100.7", details: '{"appointments":4}' },
    ]);
    expect(await clientDashboard(w.deps, { ...aliceActor(w), clientId: "cli_gone" }, await practiceOf(w))).toBeUndefined();
  });
});
