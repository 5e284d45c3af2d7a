/**
 * Issue 10's admin records at the service level, on an in-memory database with a fixed clock:
 * archiving a client (and what it refuses afterwards), a client's upcoming appointments, one mail
 * shown and retried, and the audit log filtered by actor and time.
 */
import { describe, expect, it } from "vitest";
import { archiveClient } from "../../src/server/domain/clients/archive.js";
import { getClientDetail } from "../../src/server/domain/clients/detail.js";
import { sendPortalInvite } from "../../src/server/domain/clients/portal.js";
import { listClients } from "../../src/server/domain/clients/service.js";
import { importAppointments } from "../../src/server/domain/import/appointments.js";
import { listAudit } from "../../src/server/domain/audit/list.js";
import { getMail, retryMail } from "../../src/server/domain/mail/manage.js";
import { MailWorker } from "../../src/server/domain/mail/worker.js";
import { requestFreshLink } from "../../src/server/domain/portal/accounts.js";
import { signInClient } from "../../src/server/domain/portal/sign-in.js";
import { mintSignInLink } from "../../src/server/domain/sessions/sign-in-link.js";
import { activatePortal, auditRows, book, count, lastMailTo, makeWorld, refusal, snapshot } from "../helpers/server.js";
import { makePractice, T0 } from "../helpers/world.js";

const anonymous = { kind: "anonymous" as const, ip: "203.0.113.7", requestId: "req_x" };

describe("archiveClient", () => {
  it("refuses while upcoming appointments exist (409 has_upcoming_appointments, count and ids), changing nothing", async () => {
    const w = await makeWorld();
    const a1 = await book(w, { client: w.p.alice, start: "2026-12-03T10:00", telehealth: true });
    const a2 = await book(w, { client: w.p.alice, start: "2026-12-04T10:00" });
    await book(w, { client: w.p.alice, start: "2026-11-20T10:00", allowPast: true }); // past: not upcoming
    const before = snapshot(w.store);
    const err = await refusal(archiveClient(w.deps, w.p.owner, w.p.alice.id, {}), "has_upcoming_appointments", 409);
    expect(err.message).toBe(`client ${w.p.alice.id} has 2 upcoming scheduled appointment(s); cancel them together with the archive (cancelUpcoming), or cancel or move them first`);
    expect(err.details).toEqual({ clientId: w.p.alice.id, count: 2, appointments: [a1.id, a2.id] });
    expect(snapshot(w.store)).toEqual(before);
  });

  it("with cancelUpcoming: cancels them, revokes their session links, the portal links and sessions; audited; idempotent", async () => {
    const w = await makeWorld();
    await activatePortal(w, w.p.alice);
    const a1 = await book(w, { client: w.p.alice, start: "2026-12-03T10:00", telehealth: true });
    const past = await book(w, { client: w.p.alice, start: "2026-11-20T10:00", allowPast: true });
    await mintSignInLink(w.deps, w.p.owner, a1.id);
    await sendPortalInvite(w.deps, w.p.owner, w.p.alice.id); // a pending reset link (she has an account)
    const out = await archiveClient(w.deps, w.p.manager, w.p.alice.email!, { cancelUpcoming: true });
    expect(out).toMatchObject({ changed: true, cancelled: [a1.id], revokedLinks: 2, client: { id: w.p.alice.id, archivedAt: new Date(T0).toISOString() } });
    const status = (id: string) => (w.store.db.prepare(`SELECT status FROM appointments WHERE id = ?`).get(id) as { status: string }).status;
    expect([status(a1.id), status(past.id)]).toEqual(["cancelled", "scheduled"]);
    const live = w.store.db.prepare(`SELECT kind FROM links WHERE subject_id = ? AND used_at IS NULL AND revoked_at IS NULL`);
    expect(live.all(w.p.alice.id)).toEqual([]);
    expect(w.store.db.prepare(`SELECT count(*) AS n FROM links WHERE appointment_id = ? AND revoked_at IS NULL`).get(a1.id)).toEqual({ n: 0 });
    expect(auditRows(w.store, "client.archive").map((r) => [r.record_id, JSON.parse(r.details!)])).toEqual([
      [w.p.alice.id, { cancelled: [a1.id], revokedLinks: 2, endedWebSessions: 0 }],
    ]);
    expect(auditRows(w.store, "appointment.cancel").map((r) => [r.record_id, r.details])).toEqual([[a1.id, `{"reason":"client_archived"}`]]);
    const again = await archiveClient(w.deps, w.p.owner, w.p.alice.id, {});
    expect(again).toMatchObject({ changed: false, cancelled: [], revokedLinks: 0 });
    expect(auditRows(w.store, "client.archive")).toHaveLength(1);
  });

  it("an archived client is hidden from lists, still shown by id, and cannot be invited, booked, imported or sign in", async () => {
    const w = await makeWorld();
    await activatePortal(w, w.p.alice, "correct horse battery");
    await archiveClient(w.deps, w.p.owner, w.p.alice.id, {});
    expect((await listClients(w.deps, w.p.owner)).items.map((c) => c.id)).not.toContain(w.p.alice.id);
    expect(await getClientDetail(w.deps, w.p.owner, w.p.alice.id)).toMatchObject({ id: w.p.alice.id, archivedAt: expect.any(String), upcoming: [], upcomingMore: false });
    const invite = await refusal(sendPortalInvite(w.deps, w.p.owner, w.p.alice.id), "client_archived", 409);
    expect(invite.message).toBe(`client ${w.p.alice.id} is archived; an archived client cannot be invited to the portal or booked`);
    await refusal(book(w, { client: w.p.alice, start: "2026-12-03T10:00" }), "client_archived", 409);
    const csv = `therapist,client,start,duration_minutes\ntina@maple.test,alice@client.test,2026-12-03T10:00,50\n`;
    const imported = await refusal(importAppointments(w.deps, w.p.owner, csv, true), "import_invalid", 422);
    expect(imported.details).toMatchObject({ errors: [{ line: 2, message: `client ${w.p.alice.id} is archived and cannot be booked` }] });
    const practice = (await w.store.practices.byId(w.p.practiceId))!;
    expect(await signInClient(w.deps, anonymous, practice, "alice@client.test", "correct horse battery")).toBeNull();
    expect(JSON.parse(auditRows(w.store, "portal.sign_in_failed").at(-1)!.details!)).toEqual({ archived: true });
    const mails = count(w.store, "mail");
    await requestFreshLink(w.deps, anonymous, practice, "alice@client.test");
    expect(count(w.store, "mail")).toBe(mails);
  });

  it("is for owners and managers: a therapist or biller is refused (403)", async () => {
    const w = await makeWorld();
    await refusal(archiveClient(w.deps, w.p.tina, w.p.alice.id, {}), "permission_denied", 403);
    await refusal(archiveClient(w.deps, w.p.biller, w.p.alice.id, {}), "permission_denied", 403);
  });
});

describe("getClientDetail", () => {
  it("lists the next 20 scheduled appointments soonest first, says when there are more, and scopes a therapist to their own", async () => {
    const w = await makeWorld();
    const ids: string[] = [];
    for (let d = 0; d < 22; d++) ids.push((await book(w, { client: w.p.carla, start: `2026-12-${String(3 + d).padStart(2, "0")}T10:00` })).id);
    await book(w, { client: w.p.carla, therapist: w.p.theo, start: "2026-12-02T12:00" });
    const all = await getClientDetail(w.deps, w.p.owner, w.p.carla.id);
    expect(all.upcoming).toHaveLength(20);
    expect(all.upcomingMore).toBe(true);
    expect(all.upcoming!.slice(1).map((a) => a.id)).toEqual(ids.slice(0, 19));
    expect(all.upcoming![0]!.therapistId).toBe(w.p.theo.kind === "staff" ? w.p.theo.staff.id : "");
    const theo = await getClientDetail(w.deps, w.p.theo, w.p.carla.id);
    expect(theo.upcoming!.map((a) => a.therapistId)).toEqual([w.p.theo.kind === "staff" ? w.p.theo.staff.id : ""]);
    expect(theo.upcomingMore).toBe(false);
  });
});

describe("getMail / retryMail", () => {
  it("shows a waiting mail's text, blanks a sent one's, retries a failed one now and refuses a sent one", async () => {
    const w = await makeWorld();
    await new MailWorker({ store: w.store, transport: { deliver: async () => {} }, clock: w.deps.clock }).pass(); // the staff invites
    await sendPortalInvite(w.deps, w.p.owner, w.p.alice.id);
    const id = lastMailTo(w.store, "alice@client.test")!.id;
    const failing = new MailWorker({ store: w.store, transport: { deliver: async () => { throw new Error("451 try later"); } }, clock: w.deps.clock, baseDelayMs: 3600_000, maxDelayMs: 3600_000 });
    await failing.pass();
    const failed = await getMail(w.deps, w.p.manager, id);
    expect(failed).toMatchObject({ id, status: "failed", attempts: 1, lastError: "451 try later" });
    expect(failed.text).toMatch(/\/p\/maple-therapy\/invite\/[A-Za-z0-9_-]{43}\n/);
    expect(Date.parse(failed.nextAttemptAt!)).toBeGreaterThan(T0 + 2_000_000);
    const retried = await retryMail(w.deps, w.p.owner, id);
    expect(retried).toMatchObject({ status: "failed", nextAttemptAt: new Date(T0).toISOString() });
    expect(retried).not.toHaveProperty("text");
    expect(auditRows(w.store, "mail.retry").map((r) => r.record_id)).toEqual([id]);
    await new MailWorker({ store: w.store, transport: { deliver: async () => {} }, clock: w.deps.clock }).pass();
    expect(await getMail(w.deps, w.p.owner, id)).toMatchObject({ status: "sent", attempts: 2, text: null });
    const sent = await refusal(retryMail(w.deps, w.p.owner, id), "mail_already_sent", 409);
    expect(sent.message).toBe(`mail ${id} was already sent at ${new Date(T0).toISOString()}; there is nothing to retry`);
    expect(auditRows(w.store, "mail.read").map((r) => r.record_id)).toEqual([id, id]);
  });

  it("is for owners and managers of the practice: 403 for a therapist, 404 for another practice's owner", async () => {
    const w = await makeWorld();
    const other = await makePractice(w.deps, "Birch Therapy");
    const id = (await w.store.mail.list(w.p.practiceId, { limit: 1 }))[0]!.id;
    await refusal(getMail(w.deps, w.p.tina, id), "permission_denied", 403);
    await refusal(retryMail(w.deps, w.p.biller, id), "permission_denied", 403);
    await refusal(getMail(w.deps, other.owner, id), "not_found", 404);
    await refusal(retryMail(w.deps, other.owner, id), "not_found", 404);
  });
});

describe("listAudit", () => {
  it("filters by actor and since (read in the practice's zone), newest first, bounded by limit", async () => {
    const w = await makeWorld();
    w.advance(3600_000); // 10:00 in New York
    await sendPortalInvite(w.deps, w.p.manager, w.p.alice.id);
    await sendPortalInvite(w.deps, w.p.owner, w.p.carla.id).catch(() => undefined);
    await sendPortalInvite(w.deps, w.p.manager, w.p.bruno.id);
    const managerId = w.p.manager.kind === "staff" ? w.p.manager.staff.id : "";
    const mine = (await listAudit(w.deps, w.p.owner, { actor: managerId, since: "2026-12-01T10:00" })).items;
    expect(mine.map((e) => [e.action, e.recordId])).toEqual([["client.portal_invite", w.p.bruno.id], ["client.portal_invite", w.p.alice.id]]);
    expect((await listAudit(w.deps, w.p.owner, { since: "2026-12-01T10:00:01" })).items).toEqual([]);
    expect((await listAudit(w.deps, w.p.owner, { limit: 1 })).items).toHaveLength(1);
    await expect(listAudit(w.deps, w.p.owner, { since: "yesterday" })).rejects.toMatchObject({ name: "ZodError" }); // the route answers 400
    await refusal(listAudit(w.deps, w.p.tina, {}), "permission_denied", 403);
  });
});
