import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { backoffDelay, HttpClient } from "../../src/sdk/http.js";
import { MalformedResponseError, ServerError, TeleConnectionError, UnauthenticatedError } from "../../src/sdk/index.js";
import { closedPortUrl, problem, startStub, type Stub } from "./stub-server.js";

const Ok = z.object({ ok: z.literal(true) });
let stub: Stub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

function client(url: string, retries = 3) {
  return new HttpClient({ url, token: "secret-token-123", retries, retryDelayMs: 1, maxRetryDelayMs: 5 });
}

describe("HttpClient retries", () => {
  it("retries a GET on 503 until it succeeds", async () => {
    stub = await startStub((_, i) => (i < 2 ? { status: 503, json: { code: "unavailable" } } : { json: { ok: true } }));
    const reply = await client(stub.url).send({ method: "GET", path: "/x" }, Ok);
    expect(reply).toEqual({ ok: true });
    expect(stub.requests).toHaveLength(3);
  });

  it("reuses one Idempotency-Key across the retries of a POST", async () => {
    stub = await startStub((_, i) => (i < 2 ? { status: i === 0 ? 502 : 504 } : { json: { ok: true } }));
    await client(stub.url).send({ method: "POST", path: "/x", json: { a: 1 } }, Ok);
    const keys = stub.requests.map((r) => r.headers["idempotency-key"]);
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(keys).size).toBe(1);
    expect(stub.requests.every((r) => r.body === '{"a":1}')).toBe(true);
  });

  it("sends a fresh key per call, or the caller's key", async () => {
    stub = await startStub(() => ({ json: { ok: true } }));
    const http = client(stub.url);
    await http.send({ method: "POST", path: "/x" }, Ok);
    await http.send({ method: "POST", path: "/x" }, Ok);
    await http.send({ method: "POST", path: "/x" }, Ok, { idempotencyKey: "mine" });
    const keys = stub.requests.map((r) => r.headers["idempotency-key"]);
    expect(keys[0]).not.toBe(keys[1]);
    expect(keys[2]).toBe("mine");
  });

  it("does not retry a POST sent without an Idempotency-Key", async () => {
    stub = await startStub(() => ({ status: 503 }));
    const err = await client(stub.url).send({ method: "POST", path: "/x" }, Ok, { idempotencyKey: false }).catch((e) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(stub.requests).toHaveLength(1);
    expect(stub.requests[0].headers["idempotency-key"]).toBeUndefined();
  });

  it("gives up after the configured retries", async () => {
    stub = await startStub(() => ({ status: 502 }));
    const err = await client(stub.url, 2).send({ method: "GET", path: "/x" }, Ok).catch((e) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(err.status).toBe(502);
    expect(stub.requests).toHaveLength(3);
  });

  it("does not retry a 500 or a 4xx", async () => {
    stub = await startStub(() => problem(500, "internal", "boom"));
    await expect(client(stub.url).send({ method: "GET", path: "/x" }, Ok)).rejects.toBeInstanceOf(ServerError);
    expect(stub.requests).toHaveLength(1);
  });

  it("retries a dropped connection on a GET", async () => {
    stub = await startStub((_, i) => (i === 0 ? { hangUp: true } : { json: { ok: true } }));
    await expect(client(stub.url).send({ method: "GET", path: "/x" }, Ok)).resolves.toEqual({ ok: true });
    expect(stub.requests).toHaveLength(2);
  });

  it("throws TeleConnectionError when nothing listens", async () => {
    const url = await closedPortUrl();
    const err = await client(url, 1).send({ method: "GET", path: "/x" }, Ok).catch((e) => e);
    expect(err).toBeInstanceOf(TeleConnectionError);
    expect(err.reason).toBe("ECONNREFUSED");
    expect(err.message).toContain(url);
    expect(err.message).not.toContain("secret-token-123");
  });

  it("times out an attempt that gets no reply", async () => {
    stub = await startStub(() => new Promise(() => {}));
    const http = new HttpClient({ url: stub.url, retries: 0, timeoutMs: 100 });
    const err = await http.send({ method: "GET", path: "/x" }, Ok).catch((e) => e);
    expect(err).toBeInstanceOf(TeleConnectionError);
    expect(err.reason).toBe("timeout");
  });
});

describe("HttpClient replies", () => {
  it("sends the bearer token and never puts it in error messages", async () => {
    stub = await startStub(() => problem(401, "unauthenticated", "the token is not valid"));
    const err = await client(stub.url).send({ method: "GET", path: "/x" }, Ok).catch((e) => e);
    expect(stub.requests[0].headers.authorization).toBe("Bearer secret-token-123");
    expect(err).toBeInstanceOf(UnauthenticatedError);
    expect(err.message).toBe("the token is not valid");
    expect(err.requestId).toBe("req_test");
    expect(JSON.stringify({ ...err, message: err.message, stack: err.stack })).not.toContain("secret-token-123");
  });

  it("throws MalformedResponseError for a reply that does not match the schema", async () => {
    stub = await startStub(() => ({ json: { ok: "yes" } }));
    const err = await client(stub.url).send({ method: "GET", path: "/api/v1/staff/ana%40example.com" }, Ok).catch((e) => e);
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect(err.message).toContain("ok");
    expect(err.message).not.toContain("ana");
  });

  it("throws MalformedResponseError for a reply that is not JSON", async () => {
    stub = await startStub(() => ({ text: "<html>hello</html>" }));
    await expect(client(stub.url).send({ method: "GET", path: "/x" }, Ok)).rejects.toBeInstanceOf(MalformedResponseError);
  });

  it("keeps a path prefix of the server URL and adds the query", async () => {
    stub = await startStub(() => ({ json: { ok: true } }));
    await client(`${stub.url}/tele/`).send({ method: "GET", path: "/api/v1/x", query: { a: "1 2", b: undefined, c: true } }, Ok);
    expect(stub.requests[0].url).toBe("/tele/api/v1/x?a=1+2&c=true");
  });
});

describe("backoffDelay", () => {
  it("doubles and stays between half and all of the capped delay", () => {
    expect(backoffDelay(0, 100, 1000, () => 0)).toBe(50);
    expect(backoffDelay(2, 100, 1000, () => 1)).toBe(400);
    expect(backoffDelay(10, 100, 1000, () => 1)).toBe(1000);
  });
});
