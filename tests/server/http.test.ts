/** The JSON API through buildApp(deps) and inject: auth, problem+json errors, idempotency, OpenAPI. */
import type { FastifyInstance, InjectOptions } from "fastify";
import { describe, expect, it } from "vitest";
import { redactUrl } from "../../src/server/http/app.js";
import { createApiToken } from "../../src/server/domain/staff/service.js";
import { buildAppPerTest } from "../helpers/app.js";
import { deref } from "../helpers/openapi.js";
import { count, makeWorld } from "../helpers/server.js";
import { idOf } from "../helpers/world.js";

const buildApp = buildAppPerTest();

async function setup() {
  const w = await makeWorld();
  w.deps.config.setupToken = "setup-secret-0123456789";
  const app = buildApp(w.deps);
  const tinaToken = (await createApiToken(w.deps, w.p.owner, idOf(w.p.tina))).token;
  /** A request as `token` (the owner's by default). */
  const call = (o: InjectOptions & { token?: string | null }) => {
    const { token = w.p.token, headers, ...rest } = o;
    return app.inject({ ...rest, headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...headers } });
  };
  return { w, call, tinaToken };
}

/** Checks an RFC 9457 reply: status, stable code, content type and request id. */
function expectProblem(res: Awaited<ReturnType<FastifyInstance["inject"]>>, status: number, code: string) {
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  const body = res.json();
  expect({ status: res.statusCode, code: body.code }).toEqual({ status, code });
  expect(body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String), requestId: res.headers["x-request-id"] });
  return body;
}

describe("authentication", () => {
  it("401 unauthenticated without a token, with a wrong one, or with a malformed header", async () => {
    const { call } = await setup();
    expectProblem(await call({ method: "GET", url: "/api/v1/me", token: null }), 401, "unauthenticated");
    expectProblem(await call({ method: "GET", url: "/api/v1/clients", token: "tele_wrong" }), 401, "unauthenticated");
    expectProblem(await call({ method: "GET", url: "/api/v1/me", token: null, headers: { authorization: "Basic b3duZXI6cHc=" } }), 401, "unauthenticated");
  });

  it("the right token signs in as its staff member", async () => {
    const { w, call, tinaToken } = await setup();
    expect((await call({ method: "GET", url: "/api/v1/me" })).json().staff.id).toBe(idOf(w.p.owner));
    const me = await call({ method: "GET", url: "/api/v1/me", token: tinaToken });
    expect(me.json()).toMatchObject({ staff: { id: idOf(w.p.tina), teletherapy: true }, practice: { slug: "maple-therapy" } });
  });

  it("403 permission_denied for a therapist enabling Teletherapy (R2)", async () => {
    const { w, call, tinaToken } = await setup();
    expectProblem(await call({ method: "POST", url: `/api/v1/staff/${idOf(w.p.theo)}/teletherapy/enable`, token: tinaToken }), 403, "permission_denied");
    const ok = await call({ method: "POST", url: `/api/v1/staff/theo%40maple.test/teletherapy/enable` });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ changed: true, staff: { teletherapy: true } });
  });
});

describe("bad input is a 4xx problem, never a 500", () => {
  it("unknown fields are 400 invalid_request, naming the field but not its value", async () => {
    const { w, call } = await setup();
    const res = await call({ method: "POST", url: "/api/v1/clients", payload: { name: "Dan", email: "dan@client.test", ssn: "078-05-1120" } });
    const body = expectProblem(res, 400, "invalid_request");
    expect(JSON.stringify(body)).toContain("ssn");
    expect(JSON.stringify(body)).not.toContain("078-05-1120");
    expect(count(w.store, "clients")).toBe(3);
  });

  it.each([
    ["email", { name: "Dan", email: "dan-at-client" }],
    ["state", { name: "Dan", state: "XX" }],
    ["date of birth", { name: "Dan", dateOfBirth: "1990-02-30" }],
  ])("a malformed %s is 400", async (_f, payload) => {
    const { call } = await setup();
    expectProblem(await call({ method: "POST", url: "/api/v1/clients", payload }), 400, "invalid_request");
  });

  it("a malformed appointment date is 400", async () => {
    const { w, call } = await setup();
    const payload = { therapist: idOf(w.p.tina), client: w.p.alice.id, durationMinutes: 50 };
    for (const start of ["10/12/2026 9am", "2026-02-30T09:00", "2026-12-10T25:00"]) {
      expectProblem(await call({ method: "POST", url: "/api/v1/appointments", payload: { ...payload, start } }), 400, "invalid_request");
    }
    expectProblem(await call({ method: "GET", url: "/api/v1/appointments?from=yesterday" }), 400, "invalid_request");
    expect(count(w.store, "appointments")).toBe(0);
  });

  it("an oversized body is 413 payload_too_large", async () => {
    const { w, call } = await setup();
    const res = await call({ method: "POST", url: "/api/v1/clients", payload: { name: "x".repeat(1024 * 1024 + 10) } });
    expectProblem(res, 413, "payload_too_large");
    expect(count(w.store, "clients")).toBe(3);
  });

  it("bad JSON is 415: the body is not the media type it claims (issue 8)", async () => {
    const { call } = await setup();
    const res = await call({ method: "POST", url: "/api/v1/clients", payload: '{"name": "Dan",', headers: { "content-type": "application/json" } });
    expectProblem(res, 415, "unsupported_media_type");
  });

  it("an unknown route is 404 not_found, and the URL in the message is redacted", async () => {
    const { call } = await setup();
    const body = expectProblem(await call({ method: "GET", url: "/api/v1/nothing/alice%40client.test" }), 404, "not_found");
    expect(body.detail).not.toContain("alice");
    expectProblem(await call({ method: "DELETE", url: "/api/v1/clients", token: null }), 404, "not_found");
  });

  it.each([
    ["GET", "/api/v1/appointments/apt_unknown"],
    ["GET", "/api/v1/clients/cli_unknown"],
    ["GET", "/api/v1/clients/nobody%40client.test"],
    ["GET", "/api/v1/staff/stf_unknown"],
    ["POST", "/api/v1/clients/cli_unknown/invite"],
    ["PATCH", "/api/v1/appointments/apt_unknown"],
  ])("%s %s is 404 not_found", async (method, url) => {
    const { call } = await setup();
    const res = await call({ method: method as "GET", url, ...(method === "PATCH" ? { payload: { telehealth: true } } : {}) });
    const body = expectProblem(res, 404, "not_found");
    expect(body.detail).not.toContain("nobody@");
  });

  const junk: [string, InjectOptions][] = [
    ["array body", { method: "POST", url: "/api/v1/clients", payload: "[]", headers: { "content-type": "application/json" } }],
    ["null body", { method: "POST", url: "/api/v1/appointments", payload: "null", headers: { "content-type": "application/json" } }],
    ["string body", { method: "POST", url: "/api/v1/staff", payload: '"owner"', headers: { "content-type": "application/json" } }],
    ["empty JSON body", { method: "POST", url: "/api/v1/clients", payload: "", headers: { "content-type": "application/json" } }],
    ["XML body", { method: "POST", url: "/api/v1/clients", payload: "<client/>", headers: { "content-type": "application/xml" } }],
    ["CSV to a JSON endpoint", { method: "POST", url: "/api/v1/clients", payload: "name\nDan\n", headers: { "content-type": "text/csv" } }],
    ["JSON to an import", { method: "POST", url: "/api/v1/clients/import", payload: { name: "Dan" } }],
    ["ids of the wrong type", { method: "POST", url: "/api/v1/appointments/convert", payload: { ids: [1, { a: 2 }] } }],
    ["an empty selection", { method: "POST", url: "/api/v1/appointments/convert", payload: {} }],
    ["a wrong disable choice", { method: "POST", url: "/api/v1/staff/tina%40maple.test/teletherapy/disable", payload: { upcoming: 1 } }],
    ["a PATCH without a body", { method: "PATCH", url: "/api/v1/appointments/apt_x" }],
    ["a bad limit", { method: "GET", url: "/api/v1/appointments?limit=-5" }],
    ["a bad boolean", { method: "GET", url: "/api/v1/appointments?telehealth=maybe" }],
    ["an unknown query field", { method: "GET", url: "/api/v1/appointments?sort=name" }],
    ["a repeated query field", { method: "GET", url: "/api/v1/appointments?therapist=a&therapist=b" }],
    ["an unknown import flag", { method: "POST", url: "/api/v1/clients/import?dryRun=maybe", payload: "name,email,state\n", headers: { "content-type": "text/csv" } }],
    ["a long Idempotency-Key", { method: "POST", url: "/api/v1/clients", payload: { name: "Dan" }, headers: { "idempotency-key": "k".repeat(201) } }],
    ["a short portal token", { method: "POST", url: "/api/v1/portal/signup", payload: { token: "x", password: "p" } }],
    ["a bad audit limit", { method: "GET", url: "/api/v1/audit?limit=0" }],
  ];

  it.each(junk)("%s", async (_what, opts) => {
    const { call } = await setup();
    const res = await call(opts);
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  });

  it("an unexpected failure is a generic 500 that leaks nothing", async () => {
    const { w, call } = await setup();
    w.store.staff.page = async () => {
      throw new Error("SQLITE_CORRUPT near alice@client.test");
    };
    const body = expectProblem(await call({ method: "GET", url: "/api/v1/staff" }), 500, "internal");
    expect(JSON.stringify(body)).not.toMatch(/SQLITE|alice/);
  });
});

describe("Idempotency-Key", () => {
  const post = (s: Awaited<ReturnType<typeof setup>>, key: string, payload: object) =>
    s.call({ method: "POST", url: "/api/v1/clients", payload, headers: { "idempotency-key": key } });

  it("a repeat returns the first reply, marked replayed, and creates one row", async () => {
    const s = await setup();
    const first = await post(s, "key-1", { name: "Dan Doe", email: "dan@client.test", state: "NY" });
    expect(first.statusCode).toBe(201);
    expect(first.headers["idempotent-replayed"]).toBeUndefined();
    const again = await post(s, "key-1", { name: "Dan Doe", email: "dan@client.test", state: "NY" });
    expect(again.statusCode).toBe(201);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.headers["content-type"]).toMatch(/^application\/json/);
    expect(again.json()).toEqual(first.json());
    expect(count(s.w.store, "clients")).toBe(4);
  });

  it("the same key with another body is 422 idempotency_key_reused", async () => {
    const s = await setup();
    await post(s, "key-2", { name: "Dan Doe" });
    expectProblem(await post(s, "key-2", { name: "Someone Else" }), 422, "idempotency_key_reused");
    expect(count(s.w.store, "clients")).toBe(4);
  });

  it("keys belong to the staff member: another's same key is a new request", async () => {
    const s = await setup();
    const managerToken = (await createApiToken(s.w.deps, s.w.p.owner, idOf(s.w.p.manager))).token;
    await post(s, "shared", { name: "Dan Doe" });
    const other = await s.call({ method: "POST", url: "/api/v1/clients", payload: { name: "Dan Doe" }, token: managerToken, headers: { "idempotency-key": "shared" } });
    expect(other.statusCode).toBe(201);
    expect(other.headers["idempotent-replayed"]).toBeUndefined();
    expect(count(s.w.store, "clients")).toBe(5);
  });

  it("concurrent repeats still make one row", async () => {
    const s = await setup();
    const replies = await Promise.all([1, 2, 3, 4].map(() => post(s, "key-c", { name: "Dan Doe", email: "dan@client.test" })));
    const ok = replies.filter((r) => r.statusCode === 201);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(new Set(ok.map((r) => r.json().id)).size).toBe(1);
    for (const r of replies.filter((x) => x.statusCode !== 201)) expectProblem(r, 409, "idempotency_key_in_use");
    expect(count(s.w.store, "clients")).toBe(4);
  });

  it("a refused request is not remembered: fixing it under the same key works", async () => {
    const s = await setup();
    expectProblem(await post(s, "key-3", { name: "Dan", email: "alice@client.test" }), 409, "already_exists");
    expect((await post(s, "key-3", { name: "Dan", email: "dan@client.test" })).statusCode).toBe(201);
  });
});

describe("R20 over HTTP", () => {
  it("a read of a client is audited with the request's id and address; only managers read the log", async () => {
    const { w, call, tinaToken } = await setup();
    const res = await call({ method: "GET", url: `/api/v1/clients/${w.p.alice.id}` });
    expect(res.json().email).toBe("alice@client.test");
    const log = await call({ method: "GET", url: `/api/v1/audit?recordId=${w.p.alice.id}&action=client.read` });
    expect(log.json().nextCursor).toBeNull();
    expect(log.json().items).toMatchObject([{
      actorType: "staff", actorId: idOf(w.p.owner), action: "client.read", recordId: w.p.alice.id,
      ip: "127.0.0.1", requestId: res.headers["x-request-id"],
    }]);
    expectProblem(await call({ method: "GET", url: "/api/v1/audit", token: tinaToken }), 403, "permission_denied");
  });
});

describe("public endpoints", () => {
  it("/healthz and the OpenAPI 3.1 document need no token", async () => {
    const { call } = await setup();
    const health = await call({ method: "GET", url: "/healthz", token: null });
    expect(health.json()).toEqual({ ok: true });
    const doc = (await call({ method: "GET", url: "/api/v1/openapi.json", token: null })).json();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([
      "/api/v1/practices", "/api/v1/staff/{ref}/teletherapy/enable", "/api/v1/staff/{ref}/teletherapy/disable",
      "/api/v1/clients", "/api/v1/clients/{ref}/invite", "/api/v1/appointments", "/api/v1/appointments/convert",
      "/api/v1/appointments/{id}", "/api/v1/portal/signup", "/api/v1/mail", "/api/v1/audit",
    ]));
    expect(deref(doc, doc.paths["/api/v1/appointments/{id}"].patch.requestBody.content["application/json"].schema).properties.telehealth).toBeDefined();
  });

  it("POST /api/v1/practices needs the setup token", async () => {
    const { w, call } = await setup();
    const input = { name: "Birch Therapy", state: "CA", timeZone: "America/Los_Angeles", ownerName: "Bea", ownerEmail: "bea@birch.test" };
    expectProblem(await call({ method: "POST", url: "/api/v1/practices", payload: input, token: null }), 403, "permission_denied");
    expectProblem(await call({ method: "POST", url: "/api/v1/practices", payload: input, token: w.p.token }), 403, "permission_denied");
    expect(count(w.store, "practices")).toBe(1);
    const made = await call({ method: "POST", url: "/api/v1/practices", payload: input, token: "setup-secret-0123456789" });
    expect(made.statusCode).toBe(201);
    expect(made.json()).toMatchObject({ practice: { slug: "birch-therapy" }, owner: { email: "bea@birch.test", roles: ["owner"] } });
    const me = await call({ method: "GET", url: "/api/v1/me", token: made.json().token });
    expect(me.json().practice.name).toBe("Birch Therapy");
  });

  it("POST /api/v1/practices is refused when the server has no setup token", async () => {
    const { w, call } = await setup();
    delete w.deps.config.setupToken;
    const input = { name: "Birch", state: "CA", timeZone: "America/Los_Angeles", ownerName: "Bea", ownerEmail: "bea@birch.test" };
    expectProblem(await call({ method: "POST", url: "/api/v1/practices", payload: input, token: "anything-at-all" }), 403, "permission_denied");
  });
});

describe("redactUrl (request logs)", () => {
  it("hides emails, long secrets and the query string", () => {
    expect(redactUrl("/api/v1/clients/alice@client.test")).toBe("/api/v1/clients/[email]");
    expect(redactUrl("/api/v1/clients/alice%40client.test/invite")).toBe("/api/v1/clients/[email]/invite");
    const token = "Xy9_abcdefghijklmnopqrstuvwxyz0123456789AB";
    expect(redactUrl(`/p/maple/invite/${token}`)).toBe("/p/maple/invite/[secret]");
    expect(redactUrl("/api/v1/mail?to=alice@client.test")).toBe("/api/v1/mail");
    expect(redactUrl("/api/v1/appointments/apt_k0uDDK6wY2sINso")).toBe("/api/v1/appointments/apt_k0uDDK6wY2sINso");
  });
});

describe("API tokens minted with an Idempotency-Key", () => {
  it("the token is never stored for replays: a repeat is 409, and no table holds the token", async () => {
    const s = await setup();
    const mint = () => s.call({ method: "POST", url: `/api/v1/staff/${idOf(s.w.p.biller)}/tokens`, headers: { "idempotency-key": "mint-1" } });
    const first = await mint();
    expect(first.statusCode).toBe(201);
    const token = first.json().token as string;
    expectProblem(await mint(), 409, "idempotency_key_in_use");
    expect(count(s.w.store, "api_tokens")).toBe(3); // the owner's, tina's (setup) and this one: no second token
    const replayRows = s.w.store.db.prepare("SELECT body FROM idempotency_keys").pluck().all() as string[];
    expect(replayRows.join("\n")).not.toContain(token);
  });

  it("a manager cannot mint a token for an owner (it would make them one)", async () => {
    const s = await setup();
    const managerToken = (await createApiToken(s.w.deps, s.w.p.owner, idOf(s.w.p.manager))).token;
    const res = await s.call({ method: "POST", url: `/api/v1/staff/${idOf(s.w.p.owner)}/tokens`, token: managerToken });
    expectProblem(res, 403, "permission_denied");
  });
});
