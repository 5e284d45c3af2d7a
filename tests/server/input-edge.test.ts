/**
 * Input that lies about itself (issue 8), at the HTTP edge through buildApp and inject: control
 * characters in names refused with the field named, CSV in Excel's encodings decoded by charset or
 * BOM, undecodable bytes refused by line (never stored as U+FFFD), Excel's empty tails accepted,
 * and bodies of the wrong media type (or JSON that does not parse) answered 415.
 */
import type { FastifyInstance, InjectOptions } from "fastify";
import { describe, expect, it } from "vitest";
import { buildAppPerTest } from "../helpers/app.js";
import { count, makeWorld } from "../helpers/server.js";

const buildApp = buildAppPerTest();

async function setup() {
  const w = await makeWorld();
  w.deps.config.setupToken = "setup-secret-0123456789";
  const app = buildApp(w.deps);
  const call = (o: InjectOptions) => app.inject({ ...o, headers: { authorization: `Bearer ${w.p.token}`, ...o.headers } });
  const names = () => (w.store.db.prepare("SELECT name FROM clients ORDER BY rowid").all() as { name: string }[]).map((r) => r.name);
  return { w, call, names };
}

function problem(res: Awaited<ReturnType<FastifyInstance["inject"]>>, status: number, code: string) {
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  expect({ status: res.statusCode, code: res.json().code }).toEqual({ status, code });
  return res.json() as { detail: string; details?: unknown };
}

const ONE_LINE = "must be one line of text, without newlines or control characters";
const csv = (text: string, charset?: string) => ({
  method: "POST" as const, url: "/api/v1/clients/import",
  headers: { "content-type": charset ? `text/csv; charset=${charset}` : "text/csv" }, payload: text,
});

describe("control characters in names", () => {
  it.each([
    ["an escape sequence", "\u001b[2J\u001b[31mEvil"],
    ["a newline", "Dan\nDoe"],
    ["a C1 control (CSI)", "Dan\u009b31m"],
    ["a bidi override", "Dan \u202egnp.exe"],
    ["a NUL", "Dan\u0000"],
  ])("a client name with %s is 400, naming the field", async (_what, name) => {
    const { w, call } = await setup();
    const before = count(w.store, "clients");
    const body = problem(await call({ method: "POST", url: "/api/v1/clients", payload: { name, email: "dan@client.test", state: "NY" } }), 400, "invalid_request");
    expect(body.detail).toBe(`name: ${ONE_LINE}`);
    expect(body.details).toEqual([{ path: "name", message: ONE_LINE }]);
    expect(count(w.store, "clients")).toBe(before);
  });

  it("staff names, client phone numbers and practice names are held to the same rule", async () => {
    const { call } = await setup();
    const staff = await call({ method: "POST", url: "/api/v1/staff", payload: { name: "Tess\u001b]0;pwned\u0007", email: "tess@maple.test", roles: ["therapist"] } });
    expect(problem(staff, 400, "invalid_request").detail).toBe(`name: ${ONE_LINE}`);
    const phone = await call({ method: "POST", url: "/api/v1/clients", payload: { name: "Dan", phone: "555\r\n0100" } });
    expect(problem(phone, 400, "invalid_request").detail).toBe(`phone: ${ONE_LINE}`);
    const practice = await call({
      method: "POST", url: "/api/v1/practices", headers: { authorization: "Bearer setup-secret-0123456789" },
      payload: { name: "Oak\u001b[8m", state: "NY", timeZone: "America/New_York", ownerName: "Ola\u2066", ownerEmail: "ola@oak.test" },
    });
    expect(problem(practice, 400, "invalid_request").detail).toBe(`name: ${ONE_LINE}; ownerName: ${ONE_LINE}`);
  });

  it("names in other scripts, accents and curly quotes are fine", async () => {
    const { call, names } = await setup();
    for (const name of ["Zoë Ñúñez", "O’Brien", "محمد", "李小龙"]) {
      expect((await call({ method: "POST", url: "/api/v1/clients", payload: { name } })).statusCode).toBe(201);
    }
    expect(names().slice(-4)).toEqual(["Zoë Ñúñez", "O’Brien", "محمد", "李小龙"]);
  });

  it("a CSV import row with control characters is refused by line, naming the field and not the value", async () => {
    const { w, call } = await setup();
    const before = count(w.store, "clients");
    const res = await call(csv('name,email,state,phone\nAda,ada@client.test,NY,\n"Bad\u001b[31m",b@client.test,NY,\nCy,cy@client.test,NY,555\u0007\n'));
    const body = problem(res, 422, "import_invalid");
    expect(body.details).toMatchObject({ created: 0, errors: [{ line: 3, message: `name ${ONE_LINE}` }, { line: 4, message: `phone ${ONE_LINE}` }] });
    expect(JSON.stringify(body)).not.toContain("Bad");
    expect(count(w.store, "clients")).toBe(before);
  });
});

describe("CSV encodings of raw uploads", () => {
  const rows = "name,email,state\nZoë,zoe@client.test,NY\nJosé,jose@client.test,NY\nO’Brien,ob@client.test,NY\n";
  const expected = ["Zoë", "José", "O’Brien"];
  const utf16be = (text: string) => Buffer.from(text, "utf16le").swap16();

  it.each([
    ["UTF-8 with a BOM", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(rows)]), undefined],
    ["UTF-16LE with a BOM", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(rows, "utf16le")]), undefined],
    ["UTF-16BE with a BOM", Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(rows)]), undefined],
    ["Windows-1252 by charset (’ is 0x92)", Buffer.from(rows.replace("’", "\u0092"), "latin1"), "windows-1252"],
  ])("%s stores the right names", async (_what, bytes, charset) => {
    const { call, names } = await setup();
    const res = await call(csv(bytes as unknown as string, charset));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ created: 3 });
    expect(names().slice(-3)).toEqual(expected);
  });

  it("bytes that are not UTF-8 are 400 invalid_encoding naming the line; nothing stored, no U+FFFD anywhere", async () => {
    const { w, call } = await setup();
    const before = count(w.store, "clients");
    const bytes = Buffer.from(rows.replace("’", "\u0092"), "latin1");
    const body = problem(await call(csv(bytes as unknown as string)), 400, "invalid_encoding");
    expect(body.detail).toBe("line 2 is not valid UTF-8; if the file came from Excel, send it with its encoding, such as Content-Type: text/csv; charset=windows-1252");
    expect(body.details).toEqual({ line: 2, encoding: "utf-8" });
    expect(count(w.store, "clients")).toBe(before);
    const json = await call({ method: "POST", url: "/api/v1/clients", headers: { "content-type": "application/json" }, payload: Buffer.from('{"name":"Jos\xe9"}', "latin1") as unknown as string });
    expect(problem(json, 415, "unsupported_media_type").detail).toMatch(/not valid UTF-8/);
    const stored = w.store.db.prepare("SELECT count(*) AS n FROM clients WHERE instr(name, char(65533)) > 0").get() as { n: number };
    expect(stored.n).toBe(0);
  });

  it("an unknown charset is 415", async () => {
    const { call } = await setup();
    expect(problem(await call(csv(rows, "koi8-r")), 415, "unsupported_media_type").detail).toBe("charset must be utf-8, windows-1252, utf-16le or utf-16be");
  });
});

describe("Excel's empty tails", () => {
  it("empty trailing columns (empty header cells) and rows of empty cells are not errors", async () => {
    const { call, names } = await setup();
    const text = "name,email,state,,,\r\nAda,ada@client.test,NY,,,\r\nBo,,,,,\r\n,,,,,\r\n,,,,,\r\n";
    const res = await call(csv(text));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ dryRun: false, rows: 2, created: 2, errors: [] });
    expect(names().slice(-2)).toEqual(["Ada", "Bo"]);
  });

  it("a value past the header's last column is still an error", async () => {
    const { call } = await setup();
    const body = problem(await call(csv("name,email,state,,\nAda,ada@client.test,NY,oops,\n")), 422, "import_invalid");
    expect(body.details).toMatchObject({ errors: [{ line: 2, message: "has 4 fields; the header has 3" }] });
  });
});

describe("bodies of the wrong media type are 415", () => {
  it.each([
    ["text/plain to a JSON endpoint", { method: "POST", url: "/api/v1/clients", payload: '{"name":"Dan"}', headers: { "content-type": "text/plain" } }, "this endpoint takes JSON: send it as application/json"],
    ["CSV to a JSON endpoint", { method: "POST", url: "/api/v1/clients", payload: "name\nDan\n", headers: { "content-type": "text/csv" } }, "this endpoint takes JSON: send it as application/json"],
    ["JSON to the CSV endpoint", { method: "POST", url: "/api/v1/clients/import", payload: { name: "Dan" } }, "this endpoint takes a CSV file: send it as text/csv"],
    ["XML", { method: "POST", url: "/api/v1/clients", payload: "<client/>", headers: { "content-type": "application/xml" } }, "send application/json (or text/csv for imports)"],
    ["malformed JSON", { method: "POST", url: "/api/v1/clients", payload: '{"name": "Dan",', headers: { "content-type": "application/json" } }, "the body is not valid JSON: send application/json"],
    ["JSON in another charset", { method: "POST", url: "/api/v1/clients", payload: '{"name":"Dan"}', headers: { "content-type": "application/json; charset=windows-1252" } }, "JSON must be sent as UTF-8 (charset=utf-8)"],
  ] as [string, InjectOptions, string][])("%s", async (_what, opts, detail) => {
    const { w, call } = await setup();
    const before = count(w.store, "clients");
    expect(problem(await call(opts), 415, "unsupported_media_type").detail).toBe(detail);
    expect(count(w.store, "clients")).toBe(before);
  });

  it("without a token the answer is still 401, not 415", async () => {
    const { w } = await setup();
    const app = buildApp(w.deps);
    const res = await app.inject({ method: "POST", url: "/api/v1/clients/import", payload: { name: "Dan" } });
    problem(res, 401, "unauthenticated");
  });
});
