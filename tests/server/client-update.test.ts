/**
 * Editing a client (`updateClient`): the service on an in-memory database with a fixed clock, each
 * rule (permissions, unique email, clearing the state against upcoming telehealth, links that die
 * with a changed address, one audit row naming the fields). The route is in the access matrix.
 */
import { describe, expect, it } from "vitest";
import { portalSignup, sendPortalInvite } from "../../src/server/domain/clients/portal.js";
import { getClient } from "../../src/server/domain/clients/service.js";
import { updateClient } from "../../src/server/domain/clients/update.js";
import { activatePortal, auditRows, book, lastMailTo, linkIn, makeWorld, refusal, setStatus, snapshot } from "../helpers/server.js";
import { idOf } from "../helpers/world.js";

describe("updateClient (service)", () => {
  it("an owner changes the given fields only, trimmed and normalised, with one audit row naming them and no values", async () => {
    const w = await makeWorld();
    const c = await updateClient(w.deps, w.p.owner, w.p.alice.id, { name: "  Alice Cooper ", email: "Alice.New@Client.test", phone: "555-0111" });
    expect(c).toMatchObject({ id: w.p.alice.id, name: "Alice Cooper", email: "alice.new@client.test", state: "NY", phone: "555-0111", dateOfBirth: null });
    expect(await getClient(w.deps, w.p.owner, "alice.new@client.test")).toMatchObject({ id: w.p.alice.id, name: "Alice Cooper" });
    const [row, ...more] = auditRows(w.store, "client.update");
    expect(more).toEqual([]);
    expect(row).toMatchObject({ actor_id: idOf(w.p.owner), record_type: "client", record_id: w.p.alice.id });
    expect(JSON.parse(row!.details!)).toEqual({ fields: ["name", "email", "phone"] });
    expect(row!.details).not.toMatch(/alice|555/i);
  });

  it("a manager may edit; null clears phone, date of birth and state; the same values again write nothing", async () => {
    const w = await makeWorld();
    await updateClient(w.deps, w.p.manager, w.p.alice.id, { phone: "555-0111", dateOfBirth: "1990-04-30" });
    const cleared = await updateClient(w.deps, w.p.manager, "alice@client.test", { phone: null, dateOfBirth: null, state: null });
    expect(cleared).toMatchObject({ phone: null, dateOfBirth: null, state: null });
    const before = snapshot(w.store);
    expect(await updateClient(w.deps, w.p.owner, w.p.alice.id, { name: "Alice Client", state: null, phone: "" })).toMatchObject({ name: "Alice Client" });
    expect(snapshot(w.store)).toEqual(before);
    expect(auditRows(w.store, "client.update")).toHaveLength(2);
  });

  it("therapists, billers and clients are refused, and nothing changes", async () => {
    const w = await makeWorld();
    const before = snapshot(w.store);
    for (const who of ["tina", "theo", "biller"] as const) {
      await refusal(updateClient(w.deps, w.p[who], w.p.alice.id, { phone: "1" }), "permission_denied", 403);
    }
    const client = { kind: "client", practiceId: w.p.practiceId, clientId: w.p.alice.id, ip: null, requestId: null } as const;
    await refusal(updateClient(w.deps, client, w.p.alice.id, { phone: "1" }), "permission_denied", 403);
    expect(snapshot(w.store)).toEqual(before);
  });

  it("an email another client has is 409 already_exists; an unknown client is 404", async () => {
    const w = await makeWorld();
    const before = snapshot(w.store);
    const err = await refusal(updateClient(w.deps, w.p.owner, w.p.alice.id, { email: "BRUNO@client.test" }), "already_exists", 409);
    expect(err.message).not.toMatch(/bruno/i);
    await refusal(updateClient(w.deps, w.p.owner, "cli_nobody", { phone: "1" }), "not_found", 404);
    expect(snapshot(w.store)).toEqual(before);
  });

  it("names and free text must be one line without control characters; the name cannot be cleared", async () => {
    const w = await makeWorld();
    for (const bad of [{ name: "Alice\nEvil" }, { name: "A\u001b[31m" }, { phone: "555\u202e0111" }, { name: "" }, { name: null }, { state: "XX" }, { email: "nope" }, { dateOfBirth: "1990-02-30" }, { role: "x" }]) {
      await expect(updateClient(w.deps, w.p.owner, w.p.alice.id, bad)).rejects.toThrow();
    }
    expect(auditRows(w.store, "client.update")).toEqual([]);
  });

  it("R4: clearing the state is refused with 409 upcoming_telehealth naming the upcoming telehealth appointments", async () => {
    const w = await makeWorld();
    const tele = await book(w, { client: w.p.alice, start: "2026-12-03T10:00", telehealth: true });
    const later = await book(w, { client: w.p.alice, start: "2026-12-04T10:00", telehealth: true });
    await book(w, { client: w.p.alice, start: "2026-12-05T10:00", telehealth: false });
    const before = snapshot(w.store);
    const err = await refusal(updateClient(w.deps, w.p.owner, w.p.alice.id, { state: null }), "upcoming_telehealth", 409);
    expect(err.details).toEqual({ appointments: [tele.id, later.id] });
    expect(err.message).toContain(w.p.alice.id);
    expect(snapshot(w.store)).toEqual(before);
    // Moving to another state is fine (still a U.S. resident); once they are over, clearing is too.
    expect((await updateClient(w.deps, w.p.owner, w.p.alice.id, { state: "nj" })).state).toBe("NJ");
    setStatus(w.store, tele.id, "cancelled");
    w.setNow(Date.parse("2026-12-04T16:00:00Z"));
    expect((await updateClient(w.deps, w.p.owner, w.p.alice.id, { state: null })).state).toBeNull();
  });

  it("a new email revokes the pending invite sent to the old one; the audit row counts the revoked links", async () => {
    const w = await makeWorld();
    await sendPortalInvite(w.deps, w.p.owner, w.p.alice.id);
    const { token } = linkIn(lastMailTo(w.store, "alice@client.test")!.text_body);
    expect((await getClient(w.deps, w.p.owner, w.p.alice.id)).portal.status).toBe("invited");
    const c = await updateClient(w.deps, w.p.owner, w.p.alice.id, { email: "alice.new@client.test" });
    expect(c.portal).toEqual({ status: "none" });
    expect(JSON.parse(auditRows(w.store, "client.update")[0]!.details!)).toEqual({ fields: ["email"], revokedLinks: 1 });
    const anon = { kind: "anonymous", ip: "203.0.113.9", requestId: null } as const;
    await expect(portalSignup(w.deps, anon, { token, password: "correct horse battery" })).rejects.toMatchObject({ status: 422 });
  });

  it("an active portal account keeps working under a new email, and its email cannot be cleared", async () => {
    const w = await makeWorld();
    await activatePortal(w, w.p.alice);
    const c = await updateClient(w.deps, w.p.owner, w.p.alice.id, { email: "alice.new@client.test" });
    expect(c.portal.status).toBe("active");
    await refusal(updateClient(w.deps, w.p.owner, w.p.alice.id, { email: null }), "portal_account_needs_email", 409);
    expect((await updateClient(w.deps, w.p.owner, w.p.carla.id, { email: "carla@client.test" })).email).toBe("carla@client.test");
    expect((await updateClient(w.deps, w.p.owner, w.p.carla.id, { email: null })).email).toBeNull();
  });
});
