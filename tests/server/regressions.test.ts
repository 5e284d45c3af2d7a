import { afterEach, expect, it } from "vitest";
import { convertAppointments } from "../../src/server/domain/appointments/convert.js";
import { importClients } from "../../src/server/domain/import/clients.js";
import { portalSignup, sendPortalInvite } from "../../src/server/domain/clients/portal.js";
import { buildApp } from "../../src/server/http/app.js";
import { readServerConfig } from "../../src/server/config.js";
import { createPractice } from "../../src/server/domain/practice/service.js";
import { startServer, type RunningServer } from "../../src/server/main.js";
import { auditRows, book, lastMailTo, linkIn, makeWorld, refusal, tempDir } from "../helpers/server.js";

let srv: RunningServer | undefined;
afterEach(async () => { await srv?.close(); srv = undefined; });

it("a therapist converting another therapist's appointment by id is refused (403), not silently ignored", async () => {
  const w = await makeWorld();
  const theos = await book(w, { therapist: w.p.theo, client: w.p.alice, start: "2026-12-08T09:00" });
  await refusal(convertAppointments(w.deps, w.p.tina, { ids: [theos.id], telehealth: true }), "permission_denied", 403);
});

it("graceful stop does not wait out keep-alive (72 s) after an in-flight request", async () => {
  const tmp = tempDir();
  srv = await startServer(readServerConfig({ port: 0, dataDir: tmp.dir }, {}), { logger: false });
  const init = await createPractice(srv.deps, { kind: "anonymous", ip: null, requestId: null }, { name: "M", state: "NY", timeZone: "America/New_York", ownerName: "O", ownerEmail: "o@m.test" });
  let entered!: () => void;
  const inside = new Promise<void>((r) => (entered = r));
  // The import stages its rows on disk (issue 14): hold it there, mid-request.
  const real = srv.store.importStage.bind(srv.store);
  srv.store.importStage = async () => {
    const stage = await real();
    const add = stage.addClients.bind(stage);
    stage.addClients = async (...args) => { entered(); await new Promise((r) => setTimeout(r, 200)); return add(...args); };
    return stage;
  };
  const pending = fetch(`${srv.url}/api/v1/clients/import`, { method: "POST", headers: { authorization: `Bearer ${init.token}`, "content-type": "text/csv" }, body: "name,email,state\nA,,\n" });
  await inside;
  const started = Date.now();
  const closing = srv.close();
  expect((await pending).status).toBe(200);
  await closing;
  srv = undefined;
  expect(Date.now() - started).toBeLessThan(5_000);
}, 90_000);

it("malformed URLs get problem+json and do not echo the URL (it may hold a client's email)", async () => {
  const w = await makeWorld();
  const app = buildApp(w.deps);
  for (const url of ["/api/v1/clients/alice%40client.test%E0", `/api/v1/staff/${"x".repeat(200)}`]) {
    const res = await app.inject({ method: "GET", url, headers: { authorization: `Bearer ${w.p.token}` } });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.body).not.toContain("alice");
  }
});

it("a client file without its header row does not echo names and emails in errors", async () => {
  const w = await makeWorld();
  const err = await refusal(importClients(w.deps, w.p.owner, "Zelda Secretname,zelda@private.test,NY\n", false), "import_invalid", 422);
  const text = JSON.stringify(err.details).toLowerCase();
  expect(text).not.toContain("zelda");
});

it("a refused portal link use is audited (the row written in usePortalLink is rolled back by the throw)", async () => {
  const w = await makeWorld();
  await sendPortalInvite(w.deps, w.p.owner, w.p.alice.id);
  const { token } = linkIn(lastMailTo(w.store, "alice@client.test")!.text_body);
  w.advance(49 * 3600_000);
  await refusal(portalSignup(w.deps, { kind: "anonymous", ip: "203.0.113.5", requestId: null }, { token, password: "too late password" }), "link_invalid", 422);
  expect(auditRows(w.store, "portal.portal_invite.refused")).toHaveLength(1);
});

it("timing settings are whole milliseconds; anything else is refused by name instead of silently defaulted or looping", () => {
  expect(readServerConfig({}, {}).sessionSweepMs).toBe(30_000);
  expect(readServerConfig({}, { TELE_SESSION_SWEEP_MS: "250", TELE_MAIL_RETRY_MS: "100" })).toMatchObject({ sessionSweepMs: 250, mailRetryBaseMs: 100 });
  expect(() => readServerConfig({}, { TELE_SESSION_SWEEP_MS: "30s" })).toThrow(/TELE_SESSION_SWEEP_MS must be a whole number of milliseconds/);
  expect(() => readServerConfig({}, { TELE_MAIL_RETRY_MS: "-1" })).toThrow(/TELE_MAIL_RETRY_MS/);
  expect(() => readServerConfig({}, { TELE_MAIL_RETRY_MS: "0" })).toThrow(/TELE_MAIL_RETRY_MS/);
});
