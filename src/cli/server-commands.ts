/**
 * The commands that work on a data dir rather than through the API: `server start`, `init` and
 * `demo`. They load the server code, so they are imported only when one of them runs.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CreatePracticeInput, type InitResult } from "../sdk/schemas/index.js";
import { DEFAULT_PORT, readServerConfig, type ServerConfig, type ServerFlags } from "../server/config.js";
import { DEMO_SLUG, seedDemo } from "../server/demo/seed.js";
import { createPractice } from "../server/domain/practice/service.js";
import { openStore, startServer, type RunningServer } from "../server/main.js";
import { DatabaseUnreachable } from "../server/db/pg/store.js";
import { freeProfileName, readProfile, saveProfile } from "./config.js";
import { EXIT, ExitError, UsageError, helpHint } from "./errors.js";
import { version } from "./index.js";
import { canPrompt, type Io } from "./io.js";


function config(flags: ServerFlags, io: Io): ServerConfig {
  try {
    return readServerConfig(flags, io.env as NodeJS.ProcessEnv);
  } catch (err) {
    throw new UsageError((err as Error).message, helpHint("server start"));
  }
}

async function listen(cfg: ServerConfig, command: "server start" | "demo"): Promise<RunningServer> {
  try {
    return await startServer(cfg, { version: version() });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    // Both are a choice of the caller's (exit 2), answered by another --port.
    if (e.code === "EADDRINUSE") {
      throw new ExitError(EXIT.usage, "address_in_use", `port ${cfg.port} on ${cfg.host} is busy: something else is listening there`,
        `start on a free port with "tele ${command} --port PORT" (--port 0 picks any free one), or stop what is using ${cfg.port}`);
    }
    if (e.code === "EACCES") throw new ExitError(EXIT.usage, "address_denied", `not allowed to listen on ${cfg.host}:${cfg.port}`, `use a port above 1024: "tele ${command} --port PORT"`);
    throw unreachable(err);
  }
}

/** A PostgreSQL server out of reach: exit 7 (cli-contract.md: cannot be reached), naming host:port only. */
function unreachable(err: unknown): unknown {
  if (!(err instanceof DatabaseUnreachable)) return err;
  return new ExitError(EXIT.unreachable, "database_unreachable", err.message, `check that PostgreSQL is running at ${err.where} and TELE_DATABASE_URL names it`);
}

/** Resolves when SIGINT or SIGTERM arrives, after the server has stopped cleanly. */
function untilSignal(server: RunningServer, io: Io): Promise<number> {
  return new Promise((done) => {
    const stop = (signal: NodeJS.Signals) => {
      io.err(`\n${signal}: stopping; letting requests in flight finish…\n`);
      process.off("SIGINT", stop).off("SIGTERM", stop);
      server.close().then(() => {
        io.err("stopped; the database is closed.\n");
        done(0);
      }, () => done(1));
    };
    process.on("SIGINT", stop).on("SIGTERM", stop);
  });
}

/** `tele server start`: serves the API until SIGINT/SIGTERM, then stops cleanly. */
export async function serverStart(opts: ServerFlags & { json?: boolean }, io: Io): Promise<number> {
  const cfg = config(opts, io);
  const server = await listen(cfg, "server start");
  if (opts.json) io.out(`${JSON.stringify({ url: server.url, dataDir: cfg.dataDir, publicUrl: server.deps.config.publicUrl })}\n`);
  else io.out(`tele server listening on ${server.url} (data in ${cfg.dataDir}; mail ${cfg.smtpUrl ? "via SMTP" : `as .eml files in ${join(cfg.dataDir, "mail")}`})\n`);
  return untilSignal(server, io);
}

interface InitFlags extends ServerFlags {
  practice?: string; state?: string; timezone?: string; ownerName?: string; ownerEmail?: string; contact?: string;
  url?: string; profile?: string; json?: boolean; setupToken?: string; force?: boolean;
}

/**
 * Whether init may save over `profile`: yes when there is none, or --force; on a terminal the
 * person is asked (default No); otherwise a usage error before anything is created.
 */
async function mayReplaceProfile(io: Io, profile: string, force: boolean): Promise<boolean> {
  const saved = await readProfile(io.env, profile);
  if (!saved || force) return true;
  if (canPrompt(io)) return io.confirm(`Profile "${profile}" already signs in to ${saved.url}. Replace it with the new practice's owner?`, false);
  throw new UsageError(
    `profile "${profile}" already exists (signed in to ${saved.url}); tele init does not replace it without --force`,
    `add --force to replace it, or --profile NAME to save the new owner under another name ("tele profiles" lists them)`,
    "profile_exists",
  );
}

/** `tele init`: a practice and its owner, in the data dir (or over HTTP with a setup token), and a saved profile. */
export async function init(opts: InitFlags, io: Io): Promise<number> {
  const parsed = CreatePracticeInput.safeParse({
    name: opts.practice, state: opts.state, timeZone: opts.timezone, ownerName: opts.ownerName, ownerEmail: opts.ownerEmail,
    contact: opts.contact,
  });
  if (!parsed.success) {
    const flag: Record<string, string> = {
      name: "--practice", state: "--state", timeZone: "--timezone", ownerName: "--owner-name", ownerEmail: "--owner-email", contact: "--contact",
    };
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0]);
    const missing = opts[({ name: "practice", timeZone: "timezone" } as Record<string, keyof InitFlags>)[key] ?? (key as keyof InitFlags)] === undefined;
    throw new UsageError(`${flag[key] ?? key} ${missing ? "is required" : issue.message}`, helpHint("init"));
  }
  const profile = opts.profile ?? "default";
  if (!(await mayReplaceProfile(io, profile, opts.force === true))) {
    io.err(`Nothing was created; profile "${profile}" is kept as it was.\n`);
    return 0;
  }
  let result: InitResult;
  const remote = opts.url && !opts.dataDir && !io.env.TELE_DATA_DIR;
  const url = (opts.url ?? io.env.TELE_PUBLIC_URL ?? `http://127.0.0.1:${io.env.TELE_PORT ?? DEFAULT_PORT}`).replace(/\/+$/, "");
  if (remote) {
    const { Tele } = await import("../sdk/index.js");
    const setupToken = opts.setupToken ?? io.env.TELE_SETUP_TOKEN;
    if (!setupToken) throw new UsageError("creating a practice on a running server needs its setup token", "pass --setup-token, or use --data-dir on the server's machine");
    result = await new Tele({ url, token: setupToken }).practices.create(parsed.data, setupToken);
  } else {
    const cfg = config({ dataDir: opts.dataDir }, io);
    const store = await openStore(cfg).catch((err: unknown) => {
      throw unreachable(err);
    });
    try {
      result = await createPractice({ store, clock: Date.now, config: { publicUrl: io.env.TELE_PUBLIC_URL ?? url } }, { kind: "anonymous", ip: null, requestId: null }, parsed.data);
    } finally {
      await store.close();
    }
  }
  await saveProfile(io.env, profile, { url, token: result.token });
  if (opts.json) io.out(`${JSON.stringify({ practice: result.practice, owner: result.owner, token: result.token, portalUrl: result.portalUrl })}\n`);
  else {
    io.out(`Created practice ${result.practice.name} (${result.practice.slug}) with owner ${result.owner.email}; saved as profile "${profile}".\n`);
    if (!result.practice.contact) io.err(`Clients will see no contact for the practice if video cannot start; add one with "tele practice set --contact TEXT".\n`);
    io.err(`Client portal: ${result.portalUrl}\nNext: tele server start${opts.dataDir ? ` --data-dir ${resolve(opts.dataDir)}` : ""}, then tele staff add …\n`);
  }
  return 0;
}

/** What the demo says about video (R29): the built-in call works between two tabs with no account. */
function videoLine(server: RunningServer): string {
  const p = server.deps.video?.provider;
  if (p?.name === "builtin") return "  video: tele's own 1:1 call between the two tabs (WebRTC, straight between them; no account needed)";
  return p?.configured
    ? "  video: Zoom Video SDK (ZOOM_SDK_KEY and ZOOM_SDK_SECRET are set)"
    : "  video: TELE_VIDEO=zoom but Zoom is not set up; session pages say so. Set ZOOM_SDK_KEY and ZOOM_SDK_SECRET, or unset TELE_VIDEO for the built-in call";
}

/**
 * The same server under its other loopback name: a browser keeps one sign-in per host, so the
 * client's tab (127.0.0.1) and the therapist's (localhost) stay signed in side by side.
 */
const otherName = (url: string) => url.replace(/^http:\/\/127\.0\.0\.1:/, "http://localhost:");

/** `tele demo`: a seeded practice on a fresh database, served until Ctrl-C, with a profile to try it from. */
export async function demo(opts: { port?: string; dataDir?: string; json?: boolean }, io: Io): Promise<number> {
  const dataDir = opts.dataDir ? resolve(opts.dataDir) : mkdtempSync(join(tmpdir(), "tele-demo-"));
  let cfg = config({ dataDir, port: opts.port ?? io.env.TELE_PORT ?? DEFAULT_PORT }, io);
  cfg = { ...cfg, logLevel: io.env.TELE_LOG_LEVEL ?? "warn" }; // the demo talks to a person: only problems in the log
  cfg = { ...cfg, homePractice: DEMO_SLUG }; // `/` links the demo practice's portal and staff sign-in
  let server: RunningServer;
  try {
    server = await listen(cfg, "demo");
  } catch (err) {
    if (opts.port || (err as ExitError).code !== "address_in_use") throw err;
    cfg = { ...cfg, port: 0 }; // the usual port is taken: any free one will do for a demo
    server = await listen(cfg, "demo");
  }
  const seeded = await seedDemo(server.deps);
  server.mail.nudge();
  // Each demo gets a profile of its own (demo, demo-2, …): a saved sign-in is never replaced behind the user's back.
  const profile = await freeProfileName(io.env, "demo");
  const hasDefault = (await readProfile(io.env, "default")) !== undefined;
  await saveProfile(io.env, profile, { url: server.url, token: seeded.token });
  if (!hasDefault) await saveProfile(io.env, "default", { url: server.url, token: seeded.token });
  const p = hasDefault ? ` --profile ${profile}` : "";
  const { client, therapist } = seeded.session;
  const see = {
    client: { url: seeded.portalUrl, email: client.email, password: client.password, appointment: seeded.session.joinNow.id },
    therapist: { url: otherName(`${seeded.portalUrl}/staff/sign-in`), email: therapist.email, password: therapist.password, appointment: seeded.session.joinNow.id },
    joinSoon: seeded.session.joinSoon.id,
  };
  if (opts.json) {
    io.out(`${JSON.stringify({ url: server.url, dataDir, profile, practice: seeded.practice, owner: seeded.owner, token: seeded.token, portalUrl: seeded.portalUrl, home: `${server.url}/`, session: see })}\n`);
  } else {
    io.out([
      `tele demo: ${seeded.practice.name} is running at ${server.url}`,
      `  data: ${dataDir} (mail is written as .eml files under mail/)`,
      `  signed in as the owner, ${seeded.owner.email}, in profile "${profile}"${hasDefault ? "" : ' (also saved as "default")'}`,
      "",
      "To see a session, open these two addresses side by side (two tabs are fine):",
      `  1. the client:    ${see.client.url}`,
      `     sign in as ${client.email}, password ${client.password}, then press Join session`,
      `  2. the therapist: ${see.therapist.url}`,
      `     sign in as ${therapist.email}, password ${therapist.password}, then press Begin session`,
      "  Allow the camera and microphone in both. The session starts in a few minutes and its window is open now;",
      "  a second one opens a few minutes later. (Demo passwords: this demo's fictional people only.)",
      videoLine(server),
      `  everything else: ${server.url}/ links the client portal and the staff sign-in`,
      "",
      "Try, in another terminal:",
      `  npx tele whoami${p}`,
      `  npx tele staff list${p}`,
      `  npx tele appointments list --telehealth${p}`,
      `  npx tele sessions open APPOINTMENT${p}      (an id from the list above: its session page, signed in)`,
      `  npx tele staff enable sam@lakeside.example${p}`,
      `  npx tele appointments convert --therapist sam@lakeside.example --dry-run${p}`,
      `  npx tele clients invite blake@client.example${p}`,
      `  npx tele mail list${p}`,
      "",
      "Press Ctrl-C to stop.",
      "",
    ].join("\n"));
  }
  return untilSignal(server, io);
}
