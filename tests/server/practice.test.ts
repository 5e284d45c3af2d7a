/**
 * The practice's contact: the service on an in-memory database with a fixed clock, the
 * `PATCH /api/v1/practice` route through inject, and migration 4 on a version-3 database file.
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import type { FastifyInstance } from "fastify";
import { describe, expect, it } from "vitest";
import { MIGRATIONS } from "../../src/server/db/migrations.js";
import { SqliteStore } from "../../src/server/db/sqlite/store.js";
import { createPractice, getPractice, updatePractice } from "../../src/server/domain/practice/service.js";
import { createApiToken } from "../../src/server/domain/staff/service.js";
import { buildAppPerTest } from "../helpers/app.js";
import { deref } from "../helpers/openapi.js";
import { auditRows, count, makeWorld, refusal, rows, tempDir } from "../helpers/server.js";
import { idOf, makeDeps } from "../helpers/world.js";

const anonymous = { kind: "anonymous", ip: null, requestId: null } as const;
const maple = { name: "Maple Therapy", state: "NY", timeZone: "America/New_York", ownerName: "Olive Owner", ownerEmail: "owner@maple.test" };

describe("updatePractice (service)", () => {
  it("an owner sets the contact, trimmed, with one audit row naming the field", async () => {
    const w = await makeWorld();
    const practice = await updatePractice(w.deps, w.p.owner, { contact: "  (555) 010-0199 " });
    expect(practice).toMatchObject({ id: w.p.practiceId, contact: "(555) 010-0199" });
    expect((await w.store.practices.byId(w.p.practiceId))!.contact).toBe("(555) 010-0199");
    const [row, ...more] = auditRows(w.store, "practice.update");
    expect(more).toEqual([]);
    expect(row).toMatchObject({ actor_type: "staff", actor_id: idOf(w.p.owner), record_type: "practice", record_id: w.p.practiceId, request_id: "req_test" });
    expect(JSON.parse(row!.details!)).toEqual({ fields: ["contact"] });
  });

  it("a manager may change it; an empty string or null clears it", async () => {
    const w = await makeWorld();
    await updatePractice(w.deps, w.p.manager, { contact: "front@maple.test" });
    expect((await updatePractice(w.deps, w.p.manager, { contact: "   " })).contact).toBeNull();
    await updatePractice(w.deps, w.p.owner, { contact: "front@maple.test" });
    expect((await updatePractice(w.deps, w.p.owner, { contact: null })).contact).toBeNull();
    expect((await getPractice(w.deps, w.p.owner)).contact).toBeNull();
    expect(auditRows(w.store, "practice.update")).toHaveLength(4);
  });

  it("setting the same contact again writes nothing", async () => {
    const w = await makeWorld();
    await updatePractice(w.deps, w.p.owner, { contact: "(555) 010-0199" });
    const before = rows(w.store, "audit_log");
    expect((await updatePractice(w.deps, w.p.owner, { contact: "(555) 010-0199 " })).contact).toBe("(555) 010-0199");
    expect(rows(w.store, "audit_log")).toEqual(before);
  });

  it("therapists, billers and clients are refused, and nothing changes", async () => {
    const w = await makeWorld();
    await updatePractice(w.deps, w.p.owner, { contact: "(555) 010-0199" });
    const before = rows(w.store, "practices");
    await refusal(updatePractice(w.deps, w.p.tina, { contact: "x" }), "permission_denied", 403);
    await refusal(updatePractice(w.deps, w.p.biller, { contact: "x" }), "permission_denied", 403);
    const client = { kind: "client", practiceId: w.p.practiceId, clientId: w.p.alice.id, ip: null, requestId: null } as const;
    await refusal(updatePractice(w.deps, client, { contact: "x" }), "permission_denied", 403);
    expect(rows(w.store, "practices")).toEqual(before);
    expect(auditRows(w.store, "practice.update")).toHaveLength(1);
  });

  it.each([
    ["201 characters", "5".repeat(201), /at most 200/],
    ["a newline", "(555) 010-0199\nask for Olive", /one line/],
    ["a carriage return", "(555) 010-0199\rx", /one line/],
    ["a tab", "(555)\t010-0199", /one line/],
    ["a line separator", "(555) 010-0199\u2028x", /one line/],
    ["a bidi override", "\u202E9910-010 (555)", /one line/],
    ["a number", 5550100, /must be text/],
  ])("refuses a contact with %s (400) and writes nothing", async (_what, contact, message) => {
    const w = await makeWorld();
    const before = rows(w.store, "practices");
    const err = await updatePractice(w.deps, w.p.owner, { contact }).catch((e: unknown) => e);
    expect((err as Error).name).toBe("ZodError");
    expect((err as Error).message).toMatch(message);
    expect(rows(w.store, "practices")).toEqual(before);
    expect(auditRows(w.store, "practice.update")).toEqual([]);
  });

  it("accepts exactly 200 characters, and refuses unknown fields or no setting at all", async () => {
    const w = await makeWorld();
    expect((await updatePractice(w.deps, w.p.owner, { contact: "5".repeat(200) })).contact).toHaveLength(200);
    await expect(updatePractice(w.deps, w.p.owner, { contact: "x", slug: "renamed" })).rejects.toThrow(/slug/);
    await expect(updatePractice(w.deps, w.p.owner, {})).rejects.toThrow(/give at least one setting/);
  });
});

describe("createPractice with a contact", () => {
  it("stores it, trimmed; without one, or with an empty one, it is null", async () => {
    const { deps, store } = makeDeps();
    const withContact = await createPractice(deps, anonymous, { ...maple, contact: " front@maple.test " });
    expect(withContact.practice.contact).toBe("front@maple.test");
    expect((await store.practices.byId(withContact.practice.id))!.contact).toBe("front@maple.test");
    expect((await createPractice(deps, anonymous, maple)).practice.contact).toBeNull();
    expect((await createPractice(deps, anonymous, { ...maple, contact: "" })).practice.contact).toBeNull();
    await expect(createPractice(deps, anonymous, { ...maple, contact: "a\nb" })).rejects.toThrow(/one line/);
    expect(count(store, "practices")).toBe(3);
  });
});

describe("PATCH /api/v1/practice", () => {
  const buildApp = buildAppPerTest();
  let app: FastifyInstance | undefined;

  async function setup() {
    const w = await makeWorld();
    app = buildApp(w.deps);
    const tinaToken = (await createApiToken(w.deps, w.p.owner, idOf(w.p.tina))).token;
    const patch = (payload: unknown, token = w.p.token) =>
      app!.inject({ method: "PATCH", url: "/api/v1/practice", payload: payload as object, headers: { authorization: `Bearer ${token}` } });
    return { w, patch, tinaToken };
  }

  it("returns the practice with its contact, and /me shows it", async () => {
    const { w, patch } = await setup();
    const res = await patch({ contact: "(555) 010-0199" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      id: w.p.practiceId, name: "Maple Therapy", slug: "maple-therapy", state: "NY", timeZone: "America/New_York",
      joinWindowMinutes: 15, autoCompleteMinutes: 60, portalUrl: "http://tele.test/p/maple-therapy", contact: "(555) 010-0199", licensure: "warn",
      reminderMinutes: [1440, 60],
    });
    const me = await app!.inject({ method: "GET", url: "/api/v1/me", headers: { authorization: `Bearer ${w.p.token}` } });
    expect(me.json().practice.contact).toBe("(555) 010-0199");
    expect(auditRows(w.store, "practice.update")[0]!.request_id).toBe(res.headers["x-request-id"]);
  });

  it("403 for a therapist, 400 with the field named for a bad contact, 401 without a token", async () => {
    const { w, patch, tinaToken } = await setup();
    const denied = await patch({ contact: "x" }, tinaToken);
    expect({ status: denied.statusCode, code: denied.json().code }).toEqual({ status: 403, code: "permission_denied" });
    const long = await patch({ contact: "5".repeat(201) });
    expect({ status: long.statusCode, code: long.json().code }).toEqual({ status: 400, code: "invalid_request" });
    expect(long.json().details).toEqual([{ path: "contact", message: "must be at most 200 characters" }]);
    expect(long.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect((await patch({ contact: "a\nb" })).statusCode).toBe(400);
    const anon = await app!.inject({ method: "PATCH", url: "/api/v1/practice", payload: { contact: "x" } });
    expect(anon.statusCode).toBe(401);
    expect((await w.store.practices.byId(w.p.practiceId))!.contact).toBeNull();
  });

  it("is listed in the OpenAPI document with its body and reply", async () => {
    await setup();
    const doc = (await app!.inject({ method: "GET", url: "/api/v1/openapi.json" })).json();
    const op = doc.paths["/api/v1/practice"]?.patch;
    expect(op).toBeDefined();
    const body = deref(doc, op.requestBody.content["application/json"].schema);
    expect(body.required ?? []).toEqual([]); // every setting optional: only those given change
    expect(Object.keys(body.properties).sort()).toEqual(["autoCompleteMinutes", "contact", "joinWindowMinutes", "licensure", "name", "reminderMinutes", "timeZone"]);
    expect(body.properties.joinWindowMinutes).toMatchObject({ type: "integer", minimum: 0, maximum: 120 });
    expect(body.properties.autoCompleteMinutes).toMatchObject({ type: "integer", minimum: 5, maximum: 1440 });
    expect(body.additionalProperties).toBe(false);
    expect(body.properties.contact.anyOf).toEqual(expect.arrayContaining([expect.objectContaining({ type: "string", maxLength: 200 }), { type: "null" }]));
    expect(deref(doc, op.responses["200"].content["application/json"].schema).required).toContain("contact");
    expect(deref(doc, doc.paths["/api/v1/practices"].post.requestBody.content["application/json"].schema).properties.contact).toBeDefined();
  });
});

describe("migration 4: the practice's contact", () => {
  /** A database file as tele at schema version 3 left it, holding a practice and some of its data. */
  function versionThreeDatabase(file: string) {
    const db = new Database(file);
    for (let v = 0; v < 3; v++) {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }
    db.exec(`
      INSERT INTO practices (id, name, slug, state, time_zone, join_window_minutes, auto_complete_minutes, created_at)
        VALUES ('prc_old', 'Old Oak Therapy', 'old-oak', 'VT', 'America/New_York', 10, 45, 1700000000000);
      INSERT INTO staff (id, practice_id, name, email, roles, teletherapy, created_at)
        VALUES ('stf_old', 'prc_old', 'Opal Owner', 'opal@oak.test', 'owner', 0, 1700000000000);
      INSERT INTO clients (id, practice_id, name, email, state, created_at)
        VALUES ('cli_old', 'prc_old', 'Cyd Client', 'cyd@client.test', 'VT', 1700000000000);
      INSERT INTO audit_log (practice_id, at, actor_type, action, record_type, record_id)
        VALUES ('prc_old', 1700000000000, 'system', 'practice.create', 'practice', 'prc_old');
    `);
    db.close();
  }

  it("adds a nullable contact column and keeps every row", async () => {
    const tmp = tempDir("tele-migrate-");
    try {
      const file = join(tmp.dir, "tele.db");
      versionThreeDatabase(file);
      const old = new Database(file, { readonly: true });
      const before = Object.fromEntries(["practices", "staff", "clients", "audit_log"].map((t) => [t, old.prepare(`SELECT * FROM ${t}`).all()]));
      old.close();

      const store = new SqliteStore(file);
      try {
        // Later migrations run too: the version is the newest, whatever number that is.
        expect(store.db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
        const column = (store.db.pragma("table_info(practices)") as { name: string; notnull: number; dflt_value: unknown }[]).find((c) => c.name === "contact");
        expect(column).toMatchObject({ notnull: 0, dflt_value: null });
        // The licensure slice's migration adds its setting beside it, at its default (R25).
        expect(rows(store, "practices")).toMatchObject((before.practices as object[]).map((p) => ({ ...p, contact: null, licensure: "warn" })));
        // Every row kept as it was (later migrations may add columns beside them).
        for (const table of ["staff", "clients", "audit_log"]) expect(rows(store, table)).toMatchObject(before[table] as object[]);
        const practice = (await store.practices.byId("prc_old"))!;
        expect(practice).toMatchObject({ name: "Old Oak Therapy", joinWindowMinutes: 10, autoCompleteMinutes: 45, contact: null });
        await store.practices.setContact("prc_old", "(555) 010-0142");
        expect((await store.practices.bySlug("old-oak"))!.contact).toBe("(555) 010-0142");
      } finally {
        await store.close();
      }
      // Opening again finds nothing left to do and keeps the contact.
      const again = new SqliteStore(file);
      expect(again.db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
      expect((await again.practices.byId("prc_old"))!.contact).toBe("(555) 010-0142");
      await again.close();
    } finally {
      tmp.cleanup();
    }
  });
});
