import { resolve } from "node:path";
import { DEFAULT_IMPORT_MAX_ROWS } from "./domain/import/errors.js";
import { readIceSettings, type IceSettings } from "./video/ice.js";

/** Server settings: flags win over the environment (cli-contract.md "Server settings"). */
export interface ServerConfig {
  dataDir: string;
  host: string;
  port: number;
  publicUrl: string;
  smtpUrl?: string;
  mailFrom: string;
  setupToken?: string;
  /** The practice whose portal and staff sign-in `/` links (the demo sets it; never read from the environment). */
  homePractice?: string;
  /** PostgreSQL instead of SQLite: a postgres:// or postgresql:// URL (TELE_DATABASE_URL). */
  databaseUrl?: string;
  /** Connections the server keeps to PostgreSQL (TELE_DATABASE_POOL, default 10). */
  databasePool: number;
  /** Migrations run as this role, the tables' owner, while the server connects as TELE_DATABASE_URL's (TELE_DATABASE_OWNER_URL). */
  databaseOwnerUrl?: string;
  zoomSdkKey?: string;
  zoomSdkSecret?: string;
  /** The Secret Token of the Zoom app's event subscription: signs each webhook delivery. */
  zoomWebhookSecret?: string;
  /** Which video provider runs sessions (R29): TELE_VIDEO, default zoom with Zoom credentials, else builtin. */
  video: "builtin" | "zoom";
  /** The built-in provider's ICE and TURN settings. */
  ice: IceSettings;
  logLevel: string;
  mailRetryBaseMs: number;
  /** How often idle sessions past their deadline are completed (R18); TELE_SESSION_SWEEP_MS, default 30 s. */
  sessionSweepMs: number;
  /** How long after the last presence change an idle session past its deadline is left for pages to reconnect; TELE_SESSION_GRACE_MS, default 60 s. */
  sessionGraceMs: number;
  /** How often due reminders are looked for (R23); TELE_REMINDER_POLL_MS, default 60 s. */
  reminderPollMs: number;
  /** Appointments whose notices one transaction expands from a bulk change's batch (TELE_NOTICE_CHUNK, default 500). */
  noticeChunk: number;
  /** How often notice batches left by a stopped server are looked for (TELE_NOTICE_POLL_MS, default 1 s). */
  noticePollMs: number;
  /** Limits on unauthenticated work (TELE_RATE_LIMIT_ACCOUNT, TELE_RATE_LIMIT_ADDRESS, TELE_RATE_LIMIT_WINDOW_MS). */
  rateLimits: { accountAttempts: number; addressAttempts: number; windowMs: number };
  /** The most data rows one CSV import may hold (TELE_IMPORT_MAX_ROWS, default 10,000,000; issue 14). */
  importMaxRows: number;
  /**
   * Several processes on one database (issue 13): each heartbeats every TELE_HEARTBEAT_MS (default
   * 5 s) and is taken for dead after TELE_PROCESS_DEAD_MS without one (default 20 s); on SQLite the
   * bus between them is read every TELE_BUS_POLL_MS (default 200 ms).
   */
  heartbeatMs: number;
  processDeadMs: number;
  busPollMs: number;
}

export interface ServerFlags {
  host?: string;
  port?: string | number;
  dataDir?: string;
  publicUrl?: string;
}

export const DEFAULT_PORT = 4700;

/** The SQLite database's file name inside the data dir. */
export const SQLITE_FILE = "tele.db";

/** The data dir as the server finds it: the flag, else TELE_DATA_DIR, else `.tele-data` here. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? env.TELE_DATA_DIR ?? ".tele-data");
}

/** Reads the settings, failing with a message that names the bad one. */
export function readServerConfig(flags: ServerFlags = {}, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const host = flags.host ?? env.TELE_HOST ?? "127.0.0.1";
  const portText = String(flags.port ?? env.TELE_PORT ?? DEFAULT_PORT);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new Error(`port must be a number from 0 to 65535 (got ${portText.slice(0, 20)})`);
  const publicUrl = (flags.publicUrl ?? env.TELE_PUBLIC_URL ?? "").replace(/\/+$/, "");
  if (publicUrl && !/^https?:\/\/[^/\s]+$/.test(publicUrl)) throw new Error("public URL must be an origin such as https://tele.example.com");
  if (env.TELE_SMTP_URL && !/^smtps?:\/\//.test(env.TELE_SMTP_URL)) throw new Error("TELE_SMTP_URL must start with smtp:// or smtps://");
  const zoomSet = Boolean(env.ZOOM_SDK_KEY && env.ZOOM_SDK_SECRET);
  const video = env.TELE_VIDEO || (zoomSet ? "zoom" : "builtin");
  if (video !== "builtin" && video !== "zoom") throw new Error(`TELE_VIDEO must be builtin or zoom (got ${video.slice(0, 20)})`);
  const ice = readIceSettings(env);
  return {
    dataDir: resolveDataDir(flags.dataDir, env),
    host,
    port,
    publicUrl,
    smtpUrl: env.TELE_SMTP_URL || undefined,
    mailFrom: env.TELE_MAIL_FROM || "tele <no-reply@tele.invalid>",
    setupToken: env.TELE_SETUP_TOKEN || undefined,
    databaseUrl: databaseUrl(env, "TELE_DATABASE_URL"),
    databasePool: wholeNumber(env, "TELE_DATABASE_POOL", "connections", 1, 1_000, 10),
    databaseOwnerUrl: databaseUrl(env, "TELE_DATABASE_OWNER_URL"),
    zoomSdkKey: env.ZOOM_SDK_KEY || undefined,
    zoomSdkSecret: env.ZOOM_SDK_SECRET || undefined,
    zoomWebhookSecret: env.ZOOM_WEBHOOK_SECRET || undefined,
    video,
    ice,
    logLevel: env.TELE_LOG_LEVEL || "info",
    mailRetryBaseMs: milliseconds(env, "TELE_MAIL_RETRY_MS", 5_000),
    sessionSweepMs: milliseconds(env, "TELE_SESSION_SWEEP_MS", 30_000),
    sessionGraceMs: milliseconds(env, "TELE_SESSION_GRACE_MS", 60_000),
    reminderPollMs: milliseconds(env, "TELE_REMINDER_POLL_MS", 60_000),
    noticeChunk: noticeChunk(env),
    noticePollMs: milliseconds(env, "TELE_NOTICE_POLL_MS", 1_000),
    rateLimits: {
      accountAttempts: attempts(env, "TELE_RATE_LIMIT_ACCOUNT", 10),
      addressAttempts: attempts(env, "TELE_RATE_LIMIT_ADDRESS", 100),
      windowMs: milliseconds(env, "TELE_RATE_LIMIT_WINDOW_MS", 15 * 60_000),
    },
    importMaxRows: importRows(env),
    ...processTimes(env),
  };
}

/** A whole number of attempts from 1 to 1,000,000, or the default when unset; anything else is refused by name. */
function attempts(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 1_000_000) throw new Error(`${name} must be a whole number of attempts from 1 to 1000000 (got ${text.slice(0, 20)})`);
  return n;
}

/**
 * A whole-number setting from `min` to `max`, or `fallback` when unset; anything else is refused
 * with a message that names the setting, its unit and its range.
 */
function wholeNumber(env: NodeJS.ProcessEnv, name: string, unit: string, min: number, max: number, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new Error(`${name} must be a whole number of ${unit} from ${min} to ${max} (got ${text.slice(0, 20)})`);
  return n;
}

/** A PostgreSQL URL, or undefined when unset; anything else is refused by name (without echoing it: it may hold a password). */
function databaseUrl(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const text = env[name];
  if (!text) return undefined;
  if (!/^postgres(ql)?:\/\//.test(text)) throw new Error(`${name} must be a PostgreSQL URL starting with postgres:// or postgresql://`);
  return text;
}

/** A whole number of milliseconds from 1 to a day. */
const milliseconds = (env: NodeJS.ProcessEnv, name: string, fallback: number): number =>
  wholeNumber(env, name, "milliseconds", 1, 86_400_000, fallback);

/** TELE_IMPORT_MAX_ROWS: a whole number of rows from 1 to 1,000,000,000, default 10,000,000. */
const importRows = (env: NodeJS.ProcessEnv): number =>
  wholeNumber(env, "TELE_IMPORT_MAX_ROWS", "rows", 1, 1_000_000_000, DEFAULT_IMPORT_MAX_ROWS);

/** Appointments expanded per transaction from a notice batch: small enough not to hold up requests for long. */
export const DEFAULT_NOTICE_CHUNK = 500;

/** TELE_NOTICE_CHUNK: a whole number of appointments from 1 to 100,000, default 500. */
const noticeChunk = (env: NodeJS.ProcessEnv): number =>
  wholeNumber(env, "TELE_NOTICE_CHUNK", "appointments", 1, 100_000, DEFAULT_NOTICE_CHUNK);

/** The heartbeat, the dead-after time (at least two heartbeats, or one missed beat would kill a process) and the bus's poll. */
function processTimes(env: NodeJS.ProcessEnv): Pick<ServerConfig, "heartbeatMs" | "processDeadMs" | "busPollMs"> {
  const heartbeatMs = wholeNumber(env, "TELE_HEARTBEAT_MS", "milliseconds", 10, 600_000, 5_000);
  const processDeadMs = wholeNumber(env, "TELE_PROCESS_DEAD_MS", "milliseconds", 20, 3_600_000, Math.max(20_000, 4 * heartbeatMs));
  if (processDeadMs < 2 * heartbeatMs) throw new Error(`TELE_PROCESS_DEAD_MS must be at least twice TELE_HEARTBEAT_MS (${2 * heartbeatMs}; got ${processDeadMs})`);
  return { heartbeatMs, processDeadMs, busPollMs: wholeNumber(env, "TELE_BUS_POLL_MS", "milliseconds", 5, 10_000, 200) };
}
