/**
 * The OpenAPI document as a contract (issue 8): served by the real server, valid OpenAPI 3.1, an
 * operationId per operation, named component schemas with formats, the headers the server sends,
 * and every status a probe of each operation gets is one its operation declares, with a body that
 * matches the declared schema.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Tele } from "../../src/sdk/index.js";
import { startWorld, type E2eWorld } from "../helpers/e2e.js";
import { deref, operations, replyChecker, type Doc } from "../helpers/openapi.js";

let w: E2eWorld;
let doc: Doc;
let billerToken: string;
let ownerSdk: Tele;
let ownerId: string;
let billerId: string;

beforeAll(async () => {
  w = await startWorld();
  const res = await fetch(`${w.server.url}/api/v1/openapi.json`);
  expect(res.status).toBe(200);
  doc = await res.json();
  const sdk = new Tele({ url: w.server.url, token: w.ownerToken });
  const biller = await sdk.staff.add({ name: "Bill Biller", email: "bill@maple.test", roles: ["biller"] });
  billerToken = (await sdk.staff.createToken(biller.id)).token;
  ownerSdk = sdk;
  ownerId = (await sdk.me()).staff!.id;
  billerId = biller.id;
}, 60_000);
afterAll(() => w?.close());

const PUBLIC = ["getHealth", "getOpenApiDocument", "createPractice", "portalSignup", "portalReset"];

describe("the served document", () => {
  it("is valid OpenAPI 3.1 by an independent validator", async () => {
    expect(doc.openapi).toBe("3.1.0");
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("names every operation once, in camelCase, /healthz included", () => {
    const ids = operations(doc).map((o) => o.op.operationId);
    expect(ids.every((id) => /^[a-z][A-Za-z0-9]*$/.test(id)), ids.join()).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(["listStaff", "enableTeletherapy", "getClient", "getAppointment", "getHealth", ...PUBLIC]));
    expect(doc.paths["/healthz"].get.operationId).toBe("getHealth");
  });

  it("declares bearer auth, and marks exactly the public operations `security: []`", () => {
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.security).toEqual([{ bearer: [] }]);
    const open = operations(doc).filter((o) => o.op.security !== undefined);
    expect(open.every((o) => Array.isArray(o.op.security) && o.op.security.length === 0)).toBe(true);
    expect(open.map((o) => o.op.operationId).sort()).toEqual([...PUBLIC].sort());
  });

  it("replies and bodies are named component schemas, referenced with $ref, with date-time and email formats", () => {
    const s = doc.components.schemas;
    for (const name of ["Staff", "Client", "Appointment", "Problem", "Practice", "Role", "CreateStaffInput"]) expect(s[name], name).toBeDefined();
    const json = (path: string, method: string, status: string) => deref(doc, doc.paths[path][method].responses[status]).content["application/json"].schema;
    expect(json("/api/v1/clients/{ref}", "patch", "200")).toEqual({ $ref: "#/components/schemas/Client" });
    expect(json("/api/v1/clients/{ref}", "get", "200")).toEqual({ $ref: "#/components/schemas/ClientDetail" }); // the client and their upcoming appointments (issue 10)
    expect(json("/api/v1/staff", "get", "200")).toEqual({ $ref: "#/components/schemas/StaffPage" });
    expect(s.StaffPage.properties.items.items).toEqual({ $ref: "#/components/schemas/Staff" });
    expect(s.StaffPage.required).toEqual(expect.arrayContaining(["items", "nextCursor"]));
    expect(doc.paths["/api/v1/staff"].post.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/CreateStaffInput" });
    expect(deref(doc, doc.components.responses.NotFound).content["application/problem+json"].schema).toEqual({ $ref: "#/components/schemas/Problem" });
    expect(s.Staff.properties.email.format).toBe("email");
    expect(s.Client.properties.email.anyOf ?? [s.Client.properties.email]).toEqual(expect.arrayContaining([expect.objectContaining({ format: "email" })]));
    expect(s.CreateStaffInput.properties.email.format).toBe("email");
    for (const f of ["start", "end", "createdAt"]) expect(s.Appointment.properties[f].format, f).toBe("date-time");
    expect(s.Staff.properties.createdAt.format).toBe("date-time");
    expect(JSON.stringify(doc)).not.toContain('"$id"');
  });

  it("Idempotency-Key on staff POSTs, Idempotent-Replayed on their replies, X-Request-Id on every reply, Retry-After on 429", () => {
    for (const { path, method, op } of operations(doc)) {
      const idem = method === "post" && !PUBLIC.includes(op.operationId);
      const params = (op.parameters ?? []).map((p: unknown) => deref(doc, p));
      expect(params.some((p: { name: string; in: string }) => p.name === "Idempotency-Key" && p.in === "header"), `${method} ${path}`).toBe(idem);
      for (const [status, r] of Object.entries(op.responses)) {
        const headers = deref(doc, r).headers ?? {};
        expect(deref(doc, headers["X-Request-Id"])?.schema, `${method} ${path} ${status}`).toEqual({ type: "string" });
        if (status.startsWith("2")) expect(headers["Idempotent-Replayed"] !== undefined, `${method} ${path}`).toBe(idem);
        if (status === "429") expect(deref(doc, headers["Retry-After"]).schema.type).toBe("integer");
      }
    }
  });

  it("statuses follow from each operation's shape: no 401 on public ones, no 404 or 400 where nothing can be wrong", () => {
    const statuses = (path: string, method: string) => Object.keys(doc.paths[path][method].responses).map(Number);
    expect(statuses("/api/v1/staff", "get")).toEqual([200, 400, 401, 403, 500]); // 400: a bad limit or cursor
    expect(statuses("/api/v1/me", "get")).toEqual([200, 401, 403, 500]);
    expect(statuses("/api/v1/staff/{ref}", "get")).toEqual([200, 400, 401, 403, 404, 500]);
    expect(statuses("/api/v1/staff", "post")).toEqual([201, 400, 401, 403, 409, 413, 415, 422, 500]);
    expect(statuses("/api/v1/portal/signup", "post")).toEqual([200, 400, 413, 415, 422, 429, 500]);
    expect(statuses("/api/v1/practices", "post")).toEqual([201, 400, 403, 413, 415, 429, 500]);
    expect(statuses("/healthz", "get")).toEqual([200, 500]);
  });
});

describe("what the server answers is what the document declares", () => {
  it("probes every operation (signed out, wrong token, a biller, the owner; bad JSON, wrong type, empty body, unknown ids)", async () => {
    const check = replyChecker(doc);
    const seen = new Set<number>();
    for (const { path, method, op } of operations(doc)) {
      const url = w.server.url + path.replace(/\{\w+\}/g, "nope_0000");
      // Signing out (`tele logout`) revokes the token that asks: it is probed with tokens of its own.
      const signsOut = op.operationId === "revokeOwnToken";
      const owner = signsOut ? (await ownerSdk.staff.createToken(ownerId)).token : w.ownerToken;
      const biller = signsOut ? (await ownerSdk.staff.createToken(billerId)).token : billerToken;
      const tries: { auth?: string; type?: string; body?: string }[] = [{}, { auth: "wrong-token-0123456789abcdef" }, { auth: biller }, { auth: owner }];
      if (method !== "get") {
        const spare = signsOut ? await Promise.all([1, 2, 3].map(async () => (await ownerSdk.staff.createToken(ownerId)).token)) : [owner, owner, owner];
        tries.push({ auth: spare[0], type: "application/json", body: "{" }, { auth: spare[1], type: "application/xml", body: "<x/>" },
          { auth: spare[2], type: "application/json", body: "{}" }, { type: "application/json", body: "{}" });
      }
      for (const t of tries) {
        const res = await fetch(url, {
          method: method.toUpperCase(), body: t.body,
          headers: { ...(t.auth ? { authorization: `Bearer ${t.auth}` } : {}), ...(t.type ? { "content-type": t.type } : {}) },
        });
        seen.add(res.status);
        const type = res.headers.get("content-type") ?? "";
        const body = type.includes("json") ? await res.json() : await res.text();
        check(path, method, res.status, type, body);
        expect(res.headers.get("x-request-id"), `${op.operationId} ${res.status}`).toMatch(/^req_/);
        if (res.status >= 400) expect(body.requestId).toBe(res.headers.get("x-request-id"));
        if (res.status === 429) expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
      }
    }
    // The probe reached the statuses it is about, not only one kind of refusal.
    expect([...seen].sort()).toEqual(expect.arrayContaining([200, 400, 401, 403, 404, 415]));
  });

  it("a repeated Idempotency-Key gets the first reply with Idempotent-Replayed: true, as declared", async () => {
    const check = replyChecker(doc);
    const send = () => fetch(`${w.server.url}/api/v1/clients`, {
      method: "POST", body: JSON.stringify({ name: "Ida Idem", state: "NY" }),
      headers: { authorization: `Bearer ${w.ownerToken}`, "content-type": "application/json", "idempotency-key": "openapi-replay-1" },
    });
    const [first, again] = [await send(), await send()];
    expect([first.status, again.status]).toEqual([201, 201]);
    const [a, b] = [await first.json(), await again.json()];
    expect(b).toEqual(a);
    check("/api/v1/clients", "post", 201, again.headers.get("content-type")!, b);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const declared = deref(doc, doc.components.headers.IdempotentReplayed);
    expect(declared.schema.enum).toContain(again.headers.get("idempotent-replayed"));
  });
});
