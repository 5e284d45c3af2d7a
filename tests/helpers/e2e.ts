/**
 * End-to-end harness: the real server on a real loopback port over a real SQLite file, the real
 * `tele` binary spawned as a user would run it, and a real SMTP server on loopback for mail.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { SMTPServer } from "smtp-server";
import { simpleParser } from "mailparser";
import { readServerConfig } from "../../src/server/config.js";
import { startServer, type RunningServer } from "../../src/server/main.js";
import Database from "better-sqlite3";
import { PG_STORE, testDatabase } from "./pg-store.js";
import { SyncDb } from "./pg-sync.js";

export const ROOT = resolve(import.meta.dirname, "../..");
export const TELE_BIN = join(ROOT, "bin", "tele");

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  json<T = any>(): T;
}

/** Runs `tele ARGS` as a child process (no terminal), with only the environment given plus PATH and HOME. */
export function tele(args: string[], env: Record<string, string | undefined> = {}, input?: string): Promise<RunResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [TELE_BIN, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", fail);
    child.on("close", (code) => done({ code: code ?? -1, stdout, stderr, json: () => JSON.parse(stdout) }));
    child.stdin.end(input ?? "");
  });
}

/**
 * Starts a `tele` command that keeps running, and waits for its first line of stdout (or, with
 * `until`, for stdout to contain that text); `stdout()` is everything it has printed so far.
 */
export function startTele(args: string[], env: Record<string, string>, until = "\n"): Promise<{ child: ChildProcess; firstLine: string; stdout: () => string; stderr: () => string }> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [TELE_BIN, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", ...env } });
    let out = "";
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes(until)) ok({ child, firstLine: out.split("\n")[0]!, stdout: () => out, stderr: () => err });
    });
    child.on("exit", (code) => fail(new Error(`tele ${args[0]} exited ${code}: ${err}`)));
  });
}

export const exited = (child: ChildProcess) => new Promise<number | null>((ok) => child.once("exit", (code) => ok(code)));

export function tempDir(prefix = "tele-e2e-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
}

/** A real SMTP server on 127.0.0.1 that keeps what it receives. */
export async function startSmtp() {
  const received: ReceivedMail[] = [];
  const waiters: (() => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, _session, cb) {
      simpleParser(stream).then((m) => {
        const to = Array.isArray(m.to) ? m.to[0] : m.to;
        received.push({ to: to?.value[0]?.address ?? "", subject: m.subject ?? "", text: m.text ?? "" });
        waiters.splice(0).forEach((w) => w());
        cb();
      }, cb);
    },
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    /** Waits until a message matching `pred` has arrived. */
    async waitFor(pred: (m: ReceivedMail) => boolean, timeoutMs = 10_000): Promise<ReceivedMail> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = received.find(pred);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`no matching mail within ${timeoutMs} ms (got ${received.length})`);
        await new Promise<void>((ok) => {
          waiters.push(ok);
          setTimeout(ok, 200);
        });
      }
    },
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

export interface E2eWorld {
  server: RunningServer;
  dataDir: string;
  configDir: string;
  /** Environment for `tele` signed in as the practice's owner. */
  env: Record<string, string>;
  /** With TELE_TEST_STORE=postgres: TELE_DATABASE_URL (the app role) and TELE_DATABASE_OWNER_URL of this world's database; else empty. */
  database: Record<string, string>;
  ownerToken: string;
  slug: string;
  /** Stops the server and starts it again over the same data dir (with `clock`, at that fixed time). */
  restart(clock?: () => number): Promise<void>;
  close(): Promise<void>;
}

/**
 * With TELE_TEST_STORE=postgres, a fresh PostgreSQL database for one world: the server connects as
 * the app role and migrates as the owner (TELE_DATABASE_OWNER_URL), as the README sets it up.
 */
export function databaseEnv(): Record<string, string> {
  if (!PG_STORE) return {};
  const db = testDatabase();
  return { TELE_DATABASE_URL: db.appUrl, TELE_DATABASE_OWNER_URL: db.ownerUrl };
}

/** On PostgreSQL, the server's store answers the tests' raw SQL as SQLite's `store.db` does (as the owner, every practice). */
function withTestDb(server: RunningServer, database: Record<string, string>): void {
  if (PG_STORE) Object.assign(server.store, { db: new SyncDb(database.TELE_DATABASE_OWNER_URL!) });
}

/**
 * A connection of the test's own to a world's database, for reads and stand-in changes: the SQLite
 * file in its data dir, or with TELE_TEST_STORE=postgres its database as the owner (every practice's
 * rows), answering the same `prepare(…).get/all/run` synchronously. Close it when done.
 */
export function openWorldDb(w: Pick<E2eWorld, "dataDir" | "database">, opts: { readonly?: boolean } = {}): Pick<Database.Database, "prepare" | "close"> {
  if (PG_STORE) return new SyncDb(w.database.TELE_DATABASE_OWNER_URL!) as unknown as Pick<Database.Database, "prepare" | "close">;
  return new Database(join(w.dataDir, "tele.db"), opts);
}

/** `tele init` (plus `initArgs`) in a fresh data dir, then the real server over it on a free loopback port. */
export async function startWorld(opts: { smtpUrl?: string; serverEnv?: Record<string, string>; initArgs?: string[]; clock?: () => number } = {}): Promise<E2eWorld> {
  const dataDir = tempDir();
  const configDir = join(dataDir, "config");
  const database = databaseEnv();
  const init = await tele([
    "init", "--practice", "Maple Therapy", "--state", "NY", "--timezone", "America/New_York",
    "--owner-name", "Olive Owner", "--owner-email", "owner@maple.test", "--data-dir", dataDir, "--json", ...(opts.initArgs ?? []),
  ], { TELE_CONFIG_DIR: configDir, ...database });
  if (init.code !== 0) throw new Error(`tele init failed (${init.code}): ${init.stderr}`);
  const { token, practice } = init.json<{ token: string; practice: { slug: string } }>();
  const config = readServerConfig({ port: 0, dataDir }, { TELE_SMTP_URL: opts.smtpUrl, TELE_MAIL_RETRY_MS: "100", ...database, ...opts.serverEnv });
  const world: E2eWorld = {
    server: await startServer(config, { logger: false, clock: opts.clock }), dataDir, configDir, ownerToken: token, slug: practice.slug,
    env: {}, database,
    restart: async (clock) => {
      await world.server.close();
      world.server = await startServer(config, { logger: false, clock });
      withTestDb(world.server, database);
      world.env.TELE_URL = world.server.url;
    },
    close: async () => {
      await world.server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  world.env = { TELE_CONFIG_DIR: configDir, TELE_URL: world.server.url, TELE_TOKEN: token };
  withTestDb(world.server, database);
  return world;
}

/** The `{"error": …}` object that `--json` puts on stderr beside the human `Error:` line. */
export function errorJson(stderr: string): { code: string; message: string; details?: any } {
  const line = stderr.split("\n").find((l) => l.startsWith('{"error"'));
  if (!line) throw new Error(`no JSON error on stderr: ${stderr.slice(0, 300)}`);
  return JSON.parse(line).error;
}
