/**
 * Bulk notices (R21, R23) through the real `tele` binary, real server processes over one SQLite
 * file and a real SMTP server on loopback: an import and a bulk conversion with `--notify` of a few
 * hundred appointments deliver exactly one correct mail per appointment (every calendar file read by
 * ical.js); so does a server killed with SIGKILL in the middle of expanding them and started again,
 * and two servers on one data dir expanding the same batch at once.
 */
import type { ChildProcess } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { ParsedMail } from "mailparser";
import { afterEach, describe, expect, it } from "vitest";
import { exited, startTele, tele, tempDir } from "../helpers/e2e.js";
import { calendarOf, startMailbox } from "../helpers/mailbox.js";

const N = 60;
/** The race needs a batch long enough that the second server's next look (every 20 ms) comes before the first is done. */
const RACE_N = 300;
const H = 3600_000;
/** The first start: a Tuesday in June, one appointment an hour after it for each client. */
const FIRST = Date.parse("2027-06-01T12:00:00Z");

type Box = Awaited<ReturnType<typeof startMailbox>>;
const children: ChildProcess[] = [];
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  for (const f of cleanups.splice(0).reverse()) await f();
});

/** `tele init` in a fresh data dir; `serve` starts a `tele server start` process over it. */
async function practice() {
  const dir = tempDir();
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const data = join(dir, "data");
  const base = { TELE_CONFIG_DIR: join(dir, "config") };
  const init = await tele(["init", "--practice", "Maple Therapy", "--state", "NY", "--timezone", "America/New_York",
    "--owner-name", "Olive Owner", "--owner-email", "owner@maple.test", "--data-dir", data, "--json"], base);
  expect(init.code, init.stderr).toBe(0);
  const token = init.json().token as string;
  const serve = async (smtpUrl: string, env: Record<string, string> = {}) => {
    const s = await startTele(["server", "start", "--data-dir", data, "--port", "0", "--json"], {
      ...base, TELE_SMTP_URL: smtpUrl, TELE_MAIL_RETRY_MS: "100", TELE_NOTICE_POLL_MS: "20", TELE_LOG_LEVEL: "info", ...env,
    }, '"dataDir"');
    children.push(s.child);
    // At log level info the listening line comes first: the server's own line is the one with its data dir.
    const started = s.stdout().split("\n").find((l) => l.includes('"dataDir"'))!;
    return { ...s, url: JSON.parse(started).url as string };
  };
  const db = () => {
    const d = new Database(join(data, "tele.db"), { readonly: true });
    cleanups.push(() => d.close());
    return d;
  };
  return { dir, base, token, serve, db };
}

async function ok(args: string[], env: Record<string, string>) {
  const r = await tele(args, env);
  expect(r.code, `tele ${args.join(" ")}: ${r.stderr}`).toBe(0);
  return r;
}

/** A therapist with Teletherapy and `n` clients in NY, then one telehealth appointment each, imported (with `--notify` if asked). */
async function seed(dir: string, env: Record<string, string>, notify: boolean, n = N) {
  await ok(["staff", "add", "--name", "Tess Therapist", "--email", "tess@maple.test", "--role", "therapist"], env);
  await ok(["staff", "enable", "tess@maple.test"], env);
  const clients = join(dir, "clients.csv");
  writeFileSync(clients, ["name,email,state", ...Array.from({ length: n }, (_, i) => `Client ${i},c${i}@client.test,NY`)].join("\n") + "\n");
  await ok(["clients", "import", clients], env);
  const appts = join(dir, "appointments.csv");
  writeFileSync(appts, ["therapist,client,start,duration_minutes,telehealth",
    ...Array.from({ length: n }, (_, i) => `tess@maple.test,c${i}@client.test,${new Date(FIRST + i * H).toISOString()},50,yes`)].join("\n") + "\n");
  await ok(["appointments", "import", appts, ...(notify ? ["--notify"] : [])], env);
}

/** Each appointment's client address and start, from the database file. */
const appointmentsIn = (db: Database.Database) => new Map((db.prepare(`SELECT a.id, c.email, a.start_at FROM appointments a JOIN clients c ON c.id = a.client_id`)
  .raw().all() as [string, string, number][]).map(([id, email, startAt]) => [id, { email, startAt }]));

/**
 * Exactly one mail per appointment among `mails`: to its client, its calendar file naming it (UID),
 * its start in the practice's zone, `sequence` and REQUEST; the subject as `subject` makes it.
 */
function expectOneEach(mails: { to: string; mail: ParsedMail }[], appts: ReturnType<typeof appointmentsIn>, sequence: number, subject: (start: string) => string) {
  const seen = new Map<string, number>();
  for (const { to, mail } of mails) {
    const cal = calendarOf(mail);
    const id = cal.uid.replace(/@127\.0\.0\.1$/, "");
    const appt = appts.get(id);
    expect(appt, `mail about ${cal.uid}`).toBeDefined();
    expect(to).toBe(appt!.email);
    expect(cal).toMatchObject({ method: "REQUEST", sequence, tzid: "America/New_York", startAt: appt!.startAt });
    const local = new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" })
      .format(appt!.startAt).replace(/, (?=\d{1,2}:\d{2})/, " at ");
    expect(mail.subject).toBe(subject(local));
    seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  expect(seen.size).toBe(appts.size);
  expect([...seen.values()].every((n) => n === 1)).toBe(true);
}

/** What reached the clients (the therapist's invitation goes to the same mailbox). */
const clientMails = (box: Box) => box.received.filter((d) => d.to.endsWith("@client.test"));

/** Waits for `n` client mails in all, then a while longer to show no more come; returns them. */
async function settle(box: Box, n: number, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (clientMails(box).length < n && Date.now() < deadline) await new Promise((done) => setTimeout(done, 50));
  await new Promise((done) => setTimeout(done, 1_000));
  expect(clientMails(box).length).toBe(n);
  return clientMails(box);
}

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));
const auditCount = (db: Database.Database, action: string) => db.prepare(`SELECT count(*) FROM audit_log WHERE action = ?`).pluck().get(action);

const noticesExpanded = (stdout: string) => stdout.split("\n").filter((l) => l.includes('"notice batches expanded"')).map((l) => JSON.parse(l) as { chunks: number; queued: number });

describe("bulk notices expanded after commit (R21, R23)", () => {
  it("an import and a bulk conversion with --notify: exactly one correct mail per appointment each", async () => {
    const box = await startMailbox();
    cleanups.push(box.close);
    const p = await practice();
    const server = await p.serve(box.url, { TELE_NOTICE_CHUNK: "16" });
    const env = { ...p.base, TELE_URL: server.url, TELE_TOKEN: p.token };
    await seed(p.dir, env, true);
    const db = p.db();
    const appts = appointmentsIn(db);
    expect(appts.size).toBe(N);
    const imported = await settle(box, N);
    expectOneEach(imported, appts, 0, (when) => `Your appointment on ${when}`);
    expect(imported[0]!.mail.text).toContain("How to join: sign in to your client portal");

    const back = (await ok(["appointments", "convert", "--therapist", "tess@maple.test", "--in-person", "--notify", "--yes", "--json"], env)).json();
    expect(back.converted).toHaveLength(N);
    const converted = (await settle(box, 2 * N)).slice(N);
    expectOneEach(converted, appts, 1, (when) => `Your appointment on ${when} is now in person`);
    expect(converted[0]!.mail.text).toContain("will now take place in person");
    expect(db.prepare(`SELECT count(*) FROM notice_batches`).pluck().get()).toBe(0);
    // Each batch in chunks of 16 and one of the rest, each chunk with its audit row.
    expect(auditCount(db, "appointments.notices")).toBe(2 * Math.ceil(N / 16));
    expect(noticesExpanded(server.stdout()).reduce((n, l) => n + l.chunks, 0)).toBe(2 * Math.ceil(N / 16));
  }, 180_000);

  it("a server killed (SIGKILL) in the middle of expanding, then started again: exactly one mail per appointment", async () => {
    const box = await startMailbox();
    cleanups.push(box.close);
    const p = await practice();
    // The first server cannot reach its SMTP server, so all delivery is the second's: what is counted is the expansion.
    const first = await p.serve("smtp://127.0.0.1:1", { TELE_NOTICE_CHUNK: "1" });
    const env = { ...p.base, TELE_URL: first.url, TELE_TOKEN: p.token };
    await seed(p.dir, env, true);
    const db = p.db();
    const cursor = () => db.prepare(`SELECT done FROM notice_batches`).pluck().get() as number | undefined;
    const deadline = Date.now() + 30_000;
    while (!cursor() && Date.now() < deadline) await pause(2);
    const gone = exited(first.child);
    first.child.kill("SIGKILL");
    await gone;
    const done = cursor();
    expect(done, "killed before the expansion finished").toBeDefined();
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(N);
    expect(db.prepare(`SELECT count(*) FROM mail WHERE letter LIKE '%"notice"%'`).pluck().get()).toBe(done);

    // A mail the killed server was trying to send waits out its 5-minute claim; the expansion is what
    // is under test here, so that claim is ended now instead of waited for.
    const rw = new Database(join(p.dir, "data", "tele.db"));
    rw.prepare(`UPDATE mail SET next_attempt_at = 0 WHERE status IN ('queued', 'failed')`).run();
    rw.close();
    await p.serve(box.url, { TELE_NOTICE_CHUNK: "16" });
    expectOneEach(await settle(box, N), appointmentsIn(db), 0, (when) => `Your appointment on ${when}`);
    expect(cursor()).toBeUndefined();
    expect(auditCount(db, "appointments.notices")).toBe(done! + Math.ceil((N - done!) / 16));
  }, 180_000);

  it("two servers on one data dir expanding the same batch at once: exactly one mail per appointment", async () => {
    const box = await startMailbox();
    cleanups.push(box.close);
    const p = await practice();
    // Both look every millisecond: at 20 ms, on a quiet machine the first could expand all 300 chunks
    // before the second's next look, and the test failed for want of a race, not for a duplicate.
    const a = await p.serve(box.url, { TELE_NOTICE_CHUNK: "1", TELE_NOTICE_POLL_MS: "1" });
    const b = await p.serve(box.url, { TELE_NOTICE_CHUNK: "1", TELE_NOTICE_POLL_MS: "1" });
    const env = { ...p.base, TELE_URL: a.url, TELE_TOKEN: p.token };
    await seed(p.dir, env, false, RACE_N);
    // Notified through one server; the other finds the batch on its next look and joins in.
    await ok(["appointments", "convert", "--therapist", "tess@maple.test", "--in-person", "--notify", "--yes"], env);
    const db = p.db();
    expectOneEach(await settle(box, RACE_N), appointmentsIn(db), 1, (when) => `Your appointment on ${when} is now in person`);
    const [byA, byB] = [a, b].map((s) => noticesExpanded(s.stdout()).reduce((n, l) => n + l.chunks, 0));
    expect(byA! + byB!).toBe(RACE_N);
    expect(byA, "the first server expanded some chunks").toBeGreaterThan(0);
    expect(byB, "the second server expanded some chunks").toBeGreaterThan(0);
  }, 180_000);
});
