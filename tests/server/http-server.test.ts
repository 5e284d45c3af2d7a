/** The real server (startServer) on 127.0.0.1, port 0, over a SQLite file in a temp data dir. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import Database from "better-sqlite3";
import { simpleParser } from "mailparser";
import { afterEach, describe, expect, it } from "vitest";
import { readServerConfig } from "../../src/server/config.js";
import { createPractice } from "../../src/server/domain/practice/service.js";
import { startServer, type RunningServer } from "../../src/server/main.js";
import { tempDir } from "../helpers/server.js";

let server: RunningServer | undefined;
let cleanup: (() => void) | undefined;
afterEach(async () => {
  await server?.close();
  cleanup?.();
  server = cleanup = undefined;
});

async function start() {
  const tmp = tempDir("tele-http-");
  cleanup = tmp.cleanup;
  server = await startServer(readServerConfig({ port: 0, dataDir: tmp.dir }, {}), { logger: false });
  const init = await createPractice(server.deps, { kind: "anonymous", ip: null, requestId: null }, {
    name: "Maple Therapy", state: "NY", timeZone: "America/New_York", ownerName: "Olive Owner", ownerEmail: "owner@maple.test",
  });
  const s = server;
  const api = (path: string, init2: RequestInit = {}) =>
    fetch(`${s.url}${path}`, { ...init2, headers: { authorization: `Bearer ${init.token}`, ...(init2.headers as Record<string, string>) } });
  return { server: s, dir: tmp.dir, file: join(tmp.dir, "tele.db"), api, token: init.token };
}

/**
 * One request on its own connection, closed after the reply. (fetch would keep the connection alive,
 * and a keep-alive connection whose request was in flight at close() holds the stop open: see the
 * report on main.ts close().)
 */
function once(url: string, o: { method: string; headers: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(url, { method: o.method, agent: false, headers: { ...o.headers, connection: "close" } }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (d: string) => (text += d)).on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(o.body);
  });
}

const json = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("a real listening server", () => {
  it("listens on 127.0.0.1 with a port of its own, and answers over HTTP", async () => {
    const { server: s, api } = await start();
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(s.url).not.toMatch(/:0$/);
    expect(await (await fetch(`${s.url}/healthz`)).json()).toEqual({ ok: true });
    const anon = await fetch(`${s.url}/api/v1/me`);
    expect(anon.status).toBe(401);
    expect(anon.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(((await anon.json()) as { code: string }).code).toBe("unauthenticated");
    const me = await api("/api/v1/me");
    expect(me.headers.get("x-request-id")).toMatch(/^req_/);
    expect(((await me.json()) as { practice: { portalUrl: string } }).practice.portalUrl).toBe(`${s.url}/p/maple-therapy`);
  });

  it("delivers a portal invite to an .eml file under the data dir when no SMTP server is set", async () => {
    const { server: s, dir, api } = await start();
    const client = (await (await api("/api/v1/clients", json({ name: "Alice Client", email: "alice@client.test", state: "NY" }))).json()) as { id: string };
    const invite = await api(`/api/v1/clients/${client.id}/invite`, { method: "POST" });
    expect(invite.status).toBe(201);
    const { mailId } = (await invite.json()) as { mailId: string };
    const file = join(dir, "mail", `${mailId}.eml`);
    for (let i = 0; i < 100 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 20));
    const mail = await simpleParser(readFileSync(file));
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : "").toBe("alice@client.test");
    expect(mail.text).toMatch(new RegExp(`${s.url}/p/maple-therapy/invite/[A-Za-z0-9_-]{43}`));
    expect(readdirSync(join(dir, "mail")).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});

describe("graceful stop", () => {
  it("lets an in-flight request finish, then closes the SQLite file cleanly", async () => {
    const { server: s, file, token } = await start();
    // Hold the import inside its transaction until close() has been called.
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    // (The import writes its staged rows in one statement, issue 14; its audit row is written in the same transaction.)
    const real = s.store.audit.append;
    s.store.audit.append = async (row) => {
      entered();
      await new Promise((r) => setTimeout(r, 300));
      return real(row);
    };
    const csv = ["name,email,state", ...Array.from({ length: 2000 }, (_, i) => `Client ${i},c${i}@client.test,NY`)].join("\n");
    const pending = once(`${s.url}/api/v1/clients/import`, {
      method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "text/csv" }, body: csv,
    });
    await inside;
    const closing = s.close();
    expect(s.close()).toBe(closing); // one close, however often asked
    const res = await pending;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ dryRun: false, rows: 2000, created: 2000, errors: [] });
    await closing;
    server = undefined;
    await expect(fetch(`${s.url}/healthz`)).rejects.toThrow();

    expect(existsSync(`${file}-wal`)).toBe(false); // checkpointed and closed, not abandoned
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      expect(db.prepare(`SELECT count(*) FROM clients`).pluck().get()).toBe(2000);
      expect(db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'clients.import'`).pluck().get()).toBe(1);
    } finally {
      db.close();
    }
  });

  it("reopens the same data dir with everything in it", async () => {
    const { server: s, dir, api } = await start();
    await api("/api/v1/clients", json({ name: "Kept Client", email: "kept@client.test", state: "NY" }));
    await s.close();
    server = await startServer(readServerConfig({ port: 0, dataDir: dir }, {}), { logger: false });
    const rows = server.store.clients.byEmail((await server.store.practices.bySlug("maple-therapy"))!.id, "kept@client.test", Date.now());
    expect((await rows)?.name).toBe("Kept Client");
  });
});
