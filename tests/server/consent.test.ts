/**
 * R26 at the service layer, on an in-memory database with a fixed clock: consent text versions
 * (who may set them, the same text again, size and content limits, audit), a client's acceptance
 * (typed name, stale version, address and browser kept, audit), the gate before a telehealth
 * session (never for staff, nor for in-person appointments), and the client JSON's consent status
 * none → current → outdated, for one client and in a list (one query for the whole list).
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { acceptConsent, consentDue, consentPage, requireConsent } from "../../src/server/domain/consent/acceptance.js";
import { getConsentText, setConsentText } from "../../src/server/domain/consent/versions.js";
import { getClient, listClients } from "../../src/server/domain/clients/service.js";
import type { Actor } from "../../src/server/domain/deps.js";
import { auditRows, book, makeWorld, refusal, rows, type World } from "../helpers/server.js";
import { T0 } from "../helpers/world.js";
import { itSqlite } from "../helpers/pg-store.js";

const TEXT = "I agree to receive therapy by video.\n\nIf the call drops, my therapist will phone me.";
const sha = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");
const clientOf = (w: World, c: { id: string }): Extract<Actor, { kind: "client" }> =>
  ({ kind: "client", practiceId: w.p.practiceId, clientId: c.id, ip: "203.0.113.9", requestId: "req_c" });

describe("consent text versions", () => {
  it("an owner sets a text: version 1 with its SHA-256 and time; the same text again (other line endings) makes no new version", async () => {
    const w = await makeWorld();
    const first = await setConsentText(w.deps, w.p.owner, { text: TEXT });
    expect(first).toEqual({ version: 1, hash: sha(TEXT), createdAt: new Date(T0).toISOString(), created: true });
    const [row, ...more] = auditRows(w.store, "practice.consent.set");
    expect(more).toEqual([]);
    expect(JSON.parse(row!.details!)).toEqual({ version: 1, hash: sha(TEXT), bytes: Buffer.byteLength(TEXT), previous: null });
    expect(row).toMatchObject({ actor_id: w.p.owner.kind === "staff" ? w.p.owner.staff.id : "", record_type: "consent", record_id: "1" });

    w.advance(60_000);
    const before = [rows(w.store, "consent_versions"), rows(w.store, "audit_log")];
    const again = await setConsentText(w.deps, w.p.manager, { text: `\uFEFF${TEXT.replace(/\n/g, "\r\n")}  \r\n\r\n` });
    expect(again).toEqual({ ...first, created: false });
    expect([rows(w.store, "consent_versions"), rows(w.store, "audit_log")]).toEqual(before);

    const second = await setConsentText(w.deps, w.p.manager, { text: `${TEXT}\nVersion two.` });
    expect(second).toMatchObject({ version: 2, created: true, createdAt: new Date(T0 + 60_000).toISOString() });
    expect(await getConsentText(w.deps, w.p.tina)).toMatchObject({ version: 2, current: true, text: `${TEXT}\nVersion two.` });
    expect(await getConsentText(w.deps, w.p.biller, 1)).toMatchObject({ version: 1, current: false, text: TEXT, hash: sha(TEXT) });
    await refusal(getConsentText(w.deps, w.p.owner, 3), "not_found", 404);
  });

  it("without a text: show is 404 no_consent_text, and nobody is asked", async () => {
    const w = await makeWorld();
    await refusal(getConsentText(w.deps, w.p.owner), "no_consent_text", 404);
    const a = await book(w, { client: w.p.alice, start: "2026-12-02T10:00", telehealth: true });
    expect(await consentDue(w.deps, clientOf(w, w.p.alice), a.id)).toBe(false);
    expect((await getClient(w.deps, w.p.owner, w.p.alice.id)).consent).toEqual({ status: "none" });
  });

  it("therapists and billers may not set it; empty, control characters and more than 64 KB are refused; nothing is written", async () => {
    const w = await makeWorld();
    await refusal(setConsentText(w.deps, w.p.tina, { text: TEXT }), "permission_denied", 403);
    await refusal(setConsentText(w.deps, w.p.biller, { text: TEXT }), "permission_denied", 403);
    await expect(setConsentText(w.deps, w.p.owner, { text: " \n\n " })).rejects.toThrow(/must not be empty/);
    await expect(setConsentText(w.deps, w.p.owner, { text: "I agree\u202e" })).rejects.toThrow(/plain text/);
    await expect(setConsentText(w.deps, w.p.owner, { text: "bell\u0007" })).rejects.toThrow(/plain text/);
    await refusal(setConsentText(w.deps, w.p.owner, { text: "é".repeat(32 * 1024 + 1) }), "consent_text_too_large", 413);
    expect((await setConsentText(w.deps, w.p.owner, { text: "x".repeat(64 * 1024) })).version).toBe(1); // exactly 64 KB is fine
    expect(rows(w.store, "consent_versions")).toHaveLength(1);
    expect(auditRows(w.store, "practice.consent.set")).toHaveLength(1);
  });
});

describe("a client's acceptance and the gate (R26)", () => {
  it("asked before their telehealth session; accepts; asked again after a change; staff and in-person never", async () => {
    const w = await makeWorld();
    const alice = clientOf(w, w.p.alice);
    const tele = await book(w, { client: w.p.alice, start: "2026-12-02T10:00", telehealth: true });
    const inPerson = await book(w, { client: w.p.alice, start: "2026-12-03T10:00" });
    await setConsentText(w.deps, w.p.owner, { text: TEXT });

    expect(await consentDue(w.deps, alice, tele.id)).toBe(true);
    await refusal(requireConsent(w.deps, alice, tele.id), "consent_required", 403);
    expect(await consentDue(w.deps, alice, inPerson.id)).toBe(false);
    for (const staff of [w.p.owner, w.p.tina]) expect(await consentDue(w.deps, staff, tele.id)).toBe(false);
    expect(await consentDue(w.deps, clientOf(w, w.p.carla), tele.id)).toBe(false); // not hers: the session's access rule refuses her

    const page = await consentPage(w.deps, alice, (await w.store.practices.byId(w.p.practiceId))!);
    expect(page).toMatchObject({ current: { version: 1, text: TEXT }, accepted: null, upToDate: false });
    expect(auditRows(w.store, "portal.consent.view")).toHaveLength(1);

    w.advance(5_000);
    expect(await acceptConsent(w.deps, alice, { version: "1", typedName: "  alice  client ", userAgent: "Mozilla/5.0 Test" })).toEqual({ version: 1, created: true });
    expect(rows(w.store, "consent_acceptances")).toEqual([{
      practice_id: w.p.practiceId, client_id: w.p.alice.id, version: 1, typed_name: "alice  client", accepted_at: T0 + 5_000,
      address: "203.0.113.9", user_agent: "Mozilla/5.0 Test",
    }]);
    const [row] = auditRows(w.store, "client.consent.accept");
    expect(row).toMatchObject({ actor_type: "client", actor_id: w.p.alice.id, record_id: w.p.alice.id, ip: "203.0.113.9" });
    expect(JSON.parse(row!.details!)).toEqual({ version: 1, hash: sha(TEXT) }); // no typed name in the audit details
    expect(await consentDue(w.deps, alice, tele.id)).toBe(false);
    await requireConsent(w.deps, alice, tele.id);
    expect(await acceptConsent(w.deps, alice, { version: 1, typedName: "Alice" })).toEqual({ version: 1, created: false });
    expect(rows(w.store, "consent_acceptances")).toHaveLength(1);

    await setConsentText(w.deps, w.p.owner, { text: `${TEXT}\nNew clause.` });
    expect(await consentDue(w.deps, alice, tele.id)).toBe(true);
    // The page was open on version 1 while the text changed: refused, not counted as consent to version 2.
    await refusal(acceptConsent(w.deps, alice, { version: "1", typedName: "Alice Client" }), "consent_changed", 409);
    await acceptConsent(w.deps, alice, { version: "2", typedName: "Alice Client" });
    expect(await consentDue(w.deps, alice, tele.id)).toBe(false);
    expect(rows(w.store, "consent_acceptances").map((r) => r.version)).toEqual([1, 2]);
  });

  it("the typed name is required, one line, at most 200 characters; nothing is written otherwise", async () => {
    const w = await makeWorld();
    await setConsentText(w.deps, w.p.owner, { text: TEXT });
    const alice = clientOf(w, w.p.alice);
    for (const typedName of ["", "   ", undefined, "Alice\nClient", "A".repeat(201)]) {
      await refusal(acceptConsent(w.deps, alice, { version: "1", typedName }), "typed_name_required", 422);
    }
    expect(rows(w.store, "consent_acceptances")).toEqual([]);
    expect(auditRows(w.store, "client.consent.accept")).toEqual([]);
  });
});

describe("the client JSON's consent", () => {
  it("none → current → outdated, for one client and in the list, alike", async () => {
    const w = await makeWorld();
    const status = async () => (await getClient(w.deps, w.p.owner, w.p.alice.id)).consent;
    const listed = async () => Object.fromEntries((await listClients(w.deps, w.p.manager)).items.map((c) => [c.id, c.consent]));
    await setConsentText(w.deps, w.p.owner, { text: TEXT });
    expect(await status()).toEqual({ status: "none" });
    w.advance(1_000);
    await acceptConsent(w.deps, clientOf(w, w.p.alice), { version: "1", typedName: "Alice Client" });
    const accepted = { version: 1, acceptedAt: new Date(T0 + 1_000).toISOString() };
    expect(await status()).toEqual({ status: "current", ...accepted });
    await setConsentText(w.deps, w.p.owner, { text: "A new text." });
    expect(await status()).toEqual({ status: "outdated", ...accepted });
    expect(await listed()).toEqual({
      [w.p.alice.id]: { status: "outdated", ...accepted }, [w.p.bruno.id]: { status: "none" }, [w.p.carla.id]: { status: "none" },
    });
  });

  itSqlite("counts the statements SQLite prepares")("a list's consent comes from the list's one query: no lookup per client", async () => {
    const w = await makeWorld();
    await setConsentText(w.deps, w.p.owner, { text: TEXT });
    const prepared: string[] = [];
    const prepare = w.store.db.prepare.bind(w.store.db);
    w.store.db.prepare = ((sql: string) => (prepared.push(sql), prepare(sql))) as typeof w.store.db.prepare;
    try {
      await listClients(w.deps, w.p.owner);
    } finally {
      w.store.db.prepare = prepare;
    }
    expect(prepared.filter((s) => /consent_/.test(s))).toHaveLength(1);
    expect(prepared.filter((s) => /consent_/.test(s))[0]).toMatch(/FROM clients c/);
  });
});
