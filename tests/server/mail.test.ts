/** R10, R21: the mail worker delivering through a real SMTP server on loopback, and to .eml files. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { afterEach, describe, expect, it } from "vitest";
import { portalSignup, sendPortalInvite } from "../../src/server/domain/clients/portal.js";
import { addClient } from "../../src/server/domain/clients/service.js";
import { fileTransport, smtpTransport } from "../../src/server/domain/mail/transports.js";
import { MailWorker, type MailTransport } from "../../src/server/domain/mail/worker.js";
import { linkIn, makeWorld, startSmtp, tempDir, type World } from "../helpers/server.js";
import { T0 } from "../helpers/world.js";

const FROM = "Maple Therapy <no-reply@tele.test>";
const stops: (() => unknown)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** A worker over the test's store and fake clock; stopped after the test. */
function worker(w: World, transport: MailTransport, log?: (msg: string, f: Record<string, unknown>) => void) {
  const mw = new MailWorker({ store: w.store, transport, clock: w.deps.clock, baseDelayMs: 50, maxDelayMs: 1_000, log });
  stops.push(() => mw.stop());
  return mw;
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((ok) => srv.listen(0, "127.0.0.1", ok));
  const port = (srv.address() as { port: number }).port;
  await new Promise((ok) => srv.close(ok));
  return port;
}

type MailLine = { status: string; attempts: number; next_attempt_at: number; sent_at: number | null; last_error: string | null; to_address: string };
/** The clients' mail: what these tests send (the seeded staff's invites are settled by clientWorld). */
const mailRows = (w: World) =>
  w.store.db.prepare(`SELECT * FROM mail WHERE to_address NOT LIKE '%@maple.test' ORDER BY created_at, rowid`).all() as MailLine[];

/**
 * The seeded world, with the invites that adding its staff queued already delivered (to nowhere):
 * each test then watches only the client mail it sends itself.
 */
async function clientWorld(): Promise<World> {
  const w = await makeWorld();
  await new MailWorker({ store: w.store, transport: { deliver: async () => {} }, clock: w.deps.clock }).pass();
  return w;
}

describe("delivery over SMTP", () => {
  it("delivers a queued invite whose link then signs the client up", async () => {
    const w = await clientWorld();
    const smtp = await startSmtp();
    stops.push(smtp.close);
    await sendPortalInvite(w.deps, w.p.owner, w.p.alice.id);
    w.advance(2_000);
    await worker(w, await smtpTransport(smtp.url, FROM)).pass();
    expect(smtp.received).toHaveLength(1);
    const got = smtp.received[0]!;
    expect(got.to).toEqual(["alice@client.test"]);
    expect(got.subject).toBe("Your Maple Therapy client portal invitation");
    const link = linkIn(got.text);
    expect(link.kind).toBe("invite");
    expect(mailRows(w)[0]).toMatchObject({ status: "sent", attempts: 1, sent_at: T0 + 2_000, last_error: null });
    // Delivered, the body (and the live link in it) is no longer kept.
    expect(mailRows(w)[0]).toMatchObject({ text_body: "" });
    expect(JSON.stringify(mailRows(w))).not.toContain(link.token);
    const account = await portalSignup(w.deps, { kind: "anonymous", ip: null, requestId: null }, { token: link.token, password: "from the mail!" });
    expect(account.status).toBe("active");
  });

  it("keeps mail through an outage and delivers it, once, when the server is back", async () => {
    const w = await clientWorld();
    const port = await closedPort();
    for (const [name, email] of [["Dan", "dan@client.test"], ["Eve", "eve@client.test"]]) {
      const c = await addClient(w.deps, w.p.owner, { name, email, state: "NY" });
      await sendPortalInvite(w.deps, w.p.owner, c.id);
    }
    await sendPortalInvite(w.deps, w.p.owner, w.p.alice.id);
    const logged: Record<string, unknown>[] = [];
    const mw = worker(w, await smtpTransport(`smtp://127.0.0.1:${port}`, FROM), (_m, f) => logged.push(f));

    await mw.pass();
    let rows = mailRows(w);
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(r).toMatchObject({ status: "failed", attempts: 1, sent_at: null });
      expect(r.next_attempt_at).toBeGreaterThanOrEqual(T0 + 40); // 50 ms ± 20%
      expect(r.next_attempt_at).toBeLessThanOrEqual(T0 + 60);
      expect(r.last_error).toMatch(/ECONNREFUSED/);
    }
    expect(logged).toHaveLength(3);

    await mw.pass(); // not due yet: no second attempt
    expect(mailRows(w).map((r) => r.attempts)).toEqual([1, 1, 1]);

    w.advance(100);
    await mw.pass(); // still down: the delay doubles
    rows = mailRows(w);
    for (const r of rows) {
      expect(r).toMatchObject({ status: "failed", attempts: 2 });
      expect(r.next_attempt_at).toBeGreaterThanOrEqual(T0 + 100 + 80);
    }

    const smtp = await startSmtp(port);
    stops.push(smtp.close);
    w.advance(1_000);
    await mw.pass();
    expect(mailRows(w).map((r) => [r.status, r.attempts, r.sent_at])).toEqual([
      ["sent", 3, T0 + 1_100], ["sent", 3, T0 + 1_100], ["sent", 3, T0 + 1_100],
    ]);
    expect(smtp.received.map((m) => m.to[0]).sort()).toEqual(["alice@client.test", "dan@client.test", "eve@client.test"]);
    await mw.pass();
    expect(smtp.received).toHaveLength(3);
  });

  it("never stores or logs the recipient's address in a failure reason", async () => {
    const w = await clientWorld();
    const smtp = await startSmtp(0, { rejectRecipient: true });
    stops.push(smtp.close);
    await sendPortalInvite(w.deps, w.p.owner, w.p.alice.id);
    const logged: unknown[] = [];
    await worker(w, await smtpTransport(smtp.url, FROM), (m, f) => logged.push([m, f])).pass();
    const [row] = mailRows(w);
    expect(row).toMatchObject({ status: "failed", attempts: 1 });
    expect(row!.last_error).toMatch(/550/);
    expect(row!.last_error).not.toContain("alice@client.test");
    expect(JSON.stringify(logged)).not.toContain("alice@client.test");
    expect(smtp.received).toHaveLength(0);
  });

  it("the worker started with start() delivers on its own; stop() waits and stops", async () => {
    const w = await clientWorld();
    const smtp = await startSmtp();
    stops.push(smtp.close);
    const mw = new MailWorker({ store: w.store, transport: await smtpTransport(smtp.url, FROM), clock: w.deps.clock, pollMs: 20 });
    stops.push(() => mw.stop());
    mw.start();
    await sendPortalInvite(w.deps, w.p.owner, w.p.alice.id);
    for (let i = 0; i < 100 && smtp.received.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(smtp.received).toHaveLength(1);
    await mw.stop();
    await sendPortalInvite(w.deps, w.p.owner, w.p.alice.id);
    await new Promise((r) => setTimeout(r, 100));
    expect(smtp.received).toHaveLength(1);
    expect(mailRows(w).map((r) => r.status)).toEqual(["sent", "queued"]);
  });
});

describe("the file transport", () => {
  it("writes each message whole as a parsable .eml under the given dir", async () => {
    const w = await clientWorld();
    const tmp = tempDir("tele-mail-");
    stops.push(tmp.cleanup);
    const dir = join(tmp.dir, "mail");
    const { mailId } = await sendPortalInvite(w.deps, w.p.owner, w.p.alice.id);
    await worker(w, await fileTransport(dir, FROM)).pass();
    expect(readdirSync(dir)).toEqual([`${mailId}.eml`]);
    const file = join(dir, `${mailId}.eml`);
    expect(statSync(file).mode & 0o077).toBe(0); // readable by the server's user only
    const mail = await simpleParser(readFileSync(file));
    expect(mail.subject).toBe("Your Maple Therapy client portal invitation");
    expect(mail.from?.text).toContain("no-reply@tele.test");
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : "").toBe("alice@client.test");
    expect(mail.messageId).toBe(`<${mailId}@tele>`);
    expect(linkIn(mail.text ?? "").url).toMatch(/^http:\/\/tele\.test\/p\/maple-therapy\/invite\//);
    expect(mailRows(w)[0]).toMatchObject({ status: "sent", attempts: 1 });
  });
});
