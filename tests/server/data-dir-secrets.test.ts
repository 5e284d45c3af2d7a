/**
 * No live secret is readable from a copy of the data directory (issue 8). The real server over a
 * real SQLite file, mail through a real SMTP server on loopback: every kind of token and link is
 * issued and most of them used, then the raw bytes of every file under the data dir (the
 * database, its -wal and -shm, anything else) are searched for each secret, raw and URL-encoded.
 * A second server without SMTP shows the `.eml` files: private, and gone once their links are dead.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import Fastify from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { RouteTable } from "../../src/server/http/route.js";
import { adminRoutes } from "../../src/server/http/routes/admin.js";
import { appointmentRoutes } from "../../src/server/http/routes/appointments.js";
import { clientRoutes } from "../../src/server/http/routes/clients.js";
import { practiceRoutes } from "../../src/server/http/routes/practice.js";
import { staffRoutes } from "../../src/server/http/routes/staff.js";
import { makeDeps } from "../helpers/world.js";
import { Tele } from "../../src/sdk/index.js";
import { readServerConfig } from "../../src/server/config.js";
import { hashSecret } from "../../src/server/domain/shared/crypto.js";
import { startServer, type RunningServer } from "../../src/server/main.js";
import { startSmtp, tempDir } from "../helpers/e2e.js";
import { events } from "../helpers/sse.js";

const SETUP = "setup-token-for-the-scan-0123456789";
const MAPLE = { name: "Maple Therapy", state: "NY", timeZone: "America/New_York", ownerName: "Olive Owner", ownerEmail: "owner@maple.test" };

let running: { server: RunningServer; close: () => Promise<void> }[] = [];
afterEach(async () => {
  for (const r of running) await r.close();
  running = [];
});

async function start(env: Record<string, string | undefined>) {
  const dataDir = tempDir("tele-scan-");
  const server = await startServer(readServerConfig({ port: 0, dataDir }, { TELE_SETUP_TOKEN: SETUP, TELE_MAIL_RETRY_MS: "100", ...env }), { logger: false });
  running.push({ server, close: () => server.close() });
  const init = await new Tele({ url: server.url }).practices.create(MAPLE, SETUP);
  return { server, dataDir, init, sdk: new Tele({ url: server.url, token: init.token }) };
}

/** Every file under `dir`, with its raw bytes. */
function filesUnder(dir: string): { path: string; bytes: Buffer }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .map((path) => ({ path, bytes: readFileSync(path) }));
}

/** Where any of `secrets` appears, raw or URL-encoded, in any file under `dir`. */
function findings(dir: string, secrets: Record<string, string>): string[] {
  const out: string[] = [];
  for (const { path, bytes } of filesUnder(dir)) {
    for (const [name, secret] of Object.entries(secrets)) {
      for (const form of new Set([secret, encodeURIComponent(secret)])) if (bytes.includes(form)) out.push(`${name} in ${path.slice(dir.length)}`);
    }
  }
  return out;
}

const mode = (path: string) => statSync(path).mode & 0o777;
const cookieOf = (res: Response, name: string) =>
  res.headers.getSetCookie().find((s) => s.startsWith(`${name}=`) && !s.startsWith(`${name}=;`))?.split(";")[0]!.slice(name.length + 1);
const csrfIn = (body: string) => {
  const m = /name="_csrf" value="([^"]+)"|data-csrf="([^"]+)"/.exec(body);
  if (!m) throw new Error(`no CSRF token in the page: ${body.slice(0, 300)}`);
  return (m[1] ?? m[2])!;
};
const form = (fields: Record<string, string>, cookie: string) => ({
  method: "POST", redirect: "manual" as const, body: new URLSearchParams(fields).toString(),
  headers: { "content-type": "application/x-www-form-urlencoded", cookie },
});

describe("a copy of the data directory", () => {
  it("holds no token, link, cookie or CSRF token that was issued, while the server runs or after it stops; the dir is 0700, the database files 0600", async () => {
    const smtp = await startSmtp();
    running.push({ server: undefined as never, close: () => smtp.close() });
    const { server, dataDir, init, sdk } = await start({ TELE_SMTP_URL: smtp.url });
    const url = server.url;
    const secrets: Record<string, string> = { "owner API token": init.token };
    const api = (path: string, key: string) =>
      fetch(url + path, { method: "POST", headers: { authorization: `Bearer ${init.token}`, "idempotency-key": key } });
    const mailTo = async (to: string, re: RegExp, n = 1) => {
      for (;;) {
        const hits = smtp.received.filter((m) => m.to === to && re.test(m.text));
        if (hits.length >= n) return re.exec(hits[n - 1]!.text)![1]!;
        await smtp.waitFor((m) => m.to === to && re.test(m.text) && !hits.includes(m));
      }
    };

    // Staff: the invite sent by `staff add` (then replaced by a fresh one), used to set a password in the browser.
    await sdk.staff.add({ name: "Tess Therapist", email: "tess@maple.test", roles: ["therapist"] });
    await sdk.staff.enableTeletherapy("tess@maple.test");
    secrets["first staff invite"] = await mailTo("tess@maple.test", /staff\/welcome\/([A-Za-z0-9_-]{43})/);
    expect((await api("/api/v1/staff/tess@maple.test/invite", "invite-tess-again")).status).toBe(201);
    const welcome = (secrets["staff invite"] = await mailTo("tess@maple.test", /staff\/welcome\/([A-Za-z0-9_-]{43})/, 2));
    const welcomePage = await fetch(`${url}/p/maple-therapy/staff/welcome/${welcome}`);
    const anonCsrf = (secrets["anonymous CSRF cookie"] = cookieOf(welcomePage, "tele_csrf")!);
    const staffSignedIn = await fetch(`${url}/p/maple-therapy/staff/welcome/${welcome}`,
      form({ _csrf: csrfIn(await welcomePage.text()), password: "Staff password 1", confirm: "Staff password 1" }, `tele_csrf=${anonCsrf}`));
    expect(staffSignedIn.status).toBe(303);
    secrets["staff web session"] = cookieOf(staffSignedIn, "tele_session")!;

    // API tokens, minted with an Idempotency-Key: the replay store must not keep them.
    const minted = await api("/api/v1/staff/tess@maple.test/tokens", "mint-tess-token");
    expect(minted.status).toBe(201);
    secrets["minted API token"] = ((await minted.json()) as { token: string }).token;
    expect((await api("/api/v1/staff/tess@maple.test/tokens", "mint-tess-token")).status).toBe(409);

    // Client: the portal invite (used in the browser), then a reset link (left live).
    await sdk.clients.add({ name: "Dana Client", email: "dana@client.test", state: "NJ" });
    expect((await api("/api/v1/clients/dana@client.test/invite", "invite-dana")).status).toBe(201);
    const invite = (secrets["portal invite"] = await mailTo("dana@client.test", /\/invite\/([A-Za-z0-9_-]{43})/));
    const invitePage = await fetch(`${url}/p/maple-therapy/invite/${invite}`);
    const clientCsrfCookie = cookieOf(invitePage, "tele_csrf")!;
    const clientSignedIn = await fetch(`${url}/p/maple-therapy/invite/${invite}`,
      form({ _csrf: csrfIn(await invitePage.text()), password: "Client password 1", confirm: "Client password 1" }, `tele_csrf=${clientCsrfCookie}`));
    expect(clientSignedIn.status).toBe(303);
    const clientCookie = (secrets["client web session"] = cookieOf(clientSignedIn, "tele_session")!);
    expect((await api("/api/v1/clients/dana@client.test/invite", "reset-dana")).status).toBe(201);
    secrets["portal reset link"] = await mailTo("dana@client.test", /\/reset\/([A-Za-z0-9_-]{43})/);

    // A session: the provider's /s/ sign-in link (one used, one left live), the client's emailed /j/ link, both pages' CSRF tokens.
    const soon = new Date(Date.now() + 5 * 60_000).toISOString();
    const appt = await sdk.appointments.create({ therapist: "tess@maple.test", client: "dana@client.test", start: soon, durationMinutes: 50, allowPast: true, allowOverlap: true, telehealth: true });
    const linkRes = await api(`/api/v1/appointments/${appt.id}/sign-in-link`, "sign-in-link-1");
    expect(linkRes.status).toBe(201);
    const link = new URL(((await linkRes.json()) as { url: string }).url);
    secrets["session sign-in link"] = link.pathname.split("/")[2]!;
    expect((await api(`/api/v1/appointments/${appt.id}/sign-in-link`, "sign-in-link-1")).status).toBe(409);
    secrets["unused session sign-in link"] = new URL((await sdk.appointments.signInLink(appt.id)).url).pathname.split("/")[2]!;
    const provider = await fetch(url + link.pathname + link.search, { redirect: "manual" });
    expect(provider.status).toBe(303);
    const providerCookie = (secrets["provider web session"] = cookieOf(provider, "tele_session")!);
    const sessionPage = `${url}/p/maple-therapy/appointments/${appt.id}/session`;
    secrets["provider page CSRF"] = csrfIn(await (await fetch(sessionPage, { headers: { cookie: `tele_session=${providerCookie}` } })).text());
    secrets["client page CSRF"] = csrfIn(await (await fetch(sessionPage, { headers: { cookie: `tele_session=${clientCookie}` } })).text());
    const stream = events(await fetch(`${sessionPage}/events`, { headers: { cookie: `tele_session=${providerCookie}` } }));
    await stream.next((e) => e.state === "waiting");
    secrets["join link"] = await mailTo("dana@client.test", /\/j\/([A-Za-z0-9_-]{43})/);
    await stream.cancel();

    // Every mail went out (bodies are blanked on delivery); the journal is cleared by the worker, not by this test.
    const pending = () => server.store.db.prepare("SELECT count(*) AS n FROM mail WHERE status != 'sent'").get() as { n: number };
    for (let i = 0; i < 100 && pending().n > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(pending().n).toBe(0);
    let found = findings(dataDir, secrets);
    for (let i = 0; i < 50 && found.length; i++) await new Promise((r) => setTimeout(r, 100)), (found = findings(dataDir, secrets));
    expect(found).toEqual([]);
    // The scan does read the database: the hashes kept instead of the secrets are there.
    expect(findings(dataDir, { "owner token hash": hashSecret(init.token), "invite hash": hashSecret(invite) })).toHaveLength(2);

    expect(mode(dataDir)).toBe(0o700);
    for (const f of ["tele.db", "tele.db-wal", "tele.db-shm"]) expect(mode(join(dataDir, f)), f).toBe(0o600);
    server.app.server.closeAllConnections(); // fetch's idle keep-alive sockets would hold close() for a minute
    await server.close();
    expect(findings(dataDir, secrets)).toEqual([]);
    expect(Object.keys(secrets)).toHaveLength(15);
  }, 60_000);

  it("without SMTP, an .eml file is 0600 in a 0700 folder while its link works, and deleted once the link is used or replaced", async () => {
    const { server, dataDir, sdk } = await start({});
    const mailDir = join(dataDir, "mail");
    const emlFor = async (mailId: string) => {
      const file = join(mailDir, `${mailId}.eml`);
      for (let i = 0; i < 100 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 20));
      return file;
    };
    await sdk.clients.add({ name: "Dana Client", email: "dana@client.test", state: "NJ" });
    const sent = await sdk.clients.invite("dana@client.test");
    const file = await emlFor(sent.mailId);
    expect(mode(mailDir)).toBe(0o700);
    expect(mode(file)).toBe(0o600);
    const token = /\/invite\/([A-Za-z0-9_-]{43})/.exec(readFileSync(file, "latin1").replace(/=\r?\n/g, ""))![1]!;
    expect(await server.mail.prune()).toBe(0); // live: it stays, as in a mailbox

    // A second invite replaces the first (its link stops working); the first file goes, the second stays.
    const second = await sdk.clients.invite("dana@client.test");
    const secondFile = await emlFor(second.mailId);
    const secondToken = /\/invite\/([A-Za-z0-9_-]{43})/.exec(readFileSync(secondFile, "latin1").replace(/=\r?\n/g, ""))![1]!;
    expect(await server.mail.prune()).toBe(1);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(secondFile)).toBe(true);

    await sdk.portal.signup({ token: secondToken, password: "Client password 1" });
    expect(await server.mail.prune()).toBe(1);
    expect(readdirSync(mailDir).filter((f) => f.endsWith(".eml"))).toEqual([]);
    await server.close();
    expect(findings(dataDir, { "replaced invite": token, "used invite": secondToken })).toEqual([]);
  }, 60_000);

  it("every API route whose reply has a token or a url is marked secretReply, so its reply is never kept for replays", () => {
    const { deps } = makeDeps();
    const table = new RouteTable(Fastify(), deps, "/api/v1");
    for (const routes of [practiceRoutes, staffRoutes, clientRoutes, appointmentRoutes, adminRoutes]) routes(table, deps);
    // Text fields named token or url (a token's description, like `{token: {id, createdAt}}`, is no secret).
    const keys = (schema: unknown): string[] => {
      if (!schema || typeof schema !== "object") return [];
      const o = schema as Record<string, unknown>;
      const props = Object.entries((o.properties as Record<string, { type?: unknown }>) ?? {});
      return [...props.filter(([, v]) => v?.type === "string").map(([k]) => k), ...Object.values(o).flatMap((v) => (Array.isArray(v) ? v.flatMap(keys) : keys(v)))];
    };
    const carrying = table.specs.filter((s) => s.reply && keys(z.toJSONSchema(s.reply, { io: "output", unrepresentable: "any" })).some((k) => k === "token" || k === "url"));
    expect(carrying.map((s) => `${s.method} ${s.path}`).sort()).toEqual([
      "POST /api/v1/appointments/:id/sign-in-link", "POST /api/v1/practices", "POST /api/v1/staff/:ref/tokens",
    ]);
    expect(carrying.filter((s) => !s.secretReply).map((s) => s.path)).toEqual([]);
  });
});
