import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { ServerConfig } from "./config.js";
import type { Store } from "./db/repos.js";
import { SqliteStore } from "./db/sqlite/store.js";
import { PgStore } from "./db/pg/store.js";
import type { Deps } from "./domain/deps.js";
import { fileTransport, smtpTransport } from "./domain/mail/transports.js";
import { MailWorker } from "./domain/mail/worker.js";
import { hostOf } from "./domain/notify/notices.js";
import { ReminderWorker } from "./domain/notify/reminders.js";
import { NoticeBatchWorker } from "./domain/notify/batches.js";
import { buildApp, logSerializers } from "./http/app.js";
import { SessionHub } from "./domain/sessions/hub.js";
import { newProcessId } from "./domain/sessions/processes.js";
import { LocalBus } from "./db/bus.js";
import { usePagingKey } from "./domain/shared/paging.js";
import { participantKey } from "./domain/sessions/video.js";
import { registerZoomWebhook, storedDeliveryLog } from "./http/routes/zoom-webhook.js";
import { zoomVideoProvider } from "./video/zoom.js";
import { BuiltinVideoProvider } from "./video/builtin.js";

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  store: Store;
  deps: Deps;
  mail: MailWorker;
  /** Sends reminders at each practice's offsets (R23). */
  reminders: ReminderWorker;
  /** Expands the notice batches of bulk changes into mail, after they commit (R23). */
  notices: NoticeBatchWorker;
  /** Live session presence and auto-complete (R17, R18). */
  sessions: SessionHub;
  /** Stops taking requests, lets in-flight ones finish, stops the mail worker, closes the database. */
  close(): Promise<void>;
}

/**
 * Opens the store for a config: PostgreSQL when TELE_DATABASE_URL is a postgres:// URL (migrated
 * first, as TELE_DATABASE_OWNER_URL's role when given), else SQLite in the data dir. A database
 * that cannot be reached is a DatabaseUnreachable naming its host and port.
 */
export async function openStore(config: Pick<ServerConfig, "dataDir" | "databaseUrl"> & Partial<Pick<ServerConfig, "databasePool" | "databaseOwnerUrl">>): Promise<Store> {
  if (config.databaseUrl) {
    if (!/^postgres(ql)?:\/\//.test(config.databaseUrl)) throw new Error("TELE_DATABASE_URL must start with postgres:// or postgresql://");
    return PgStore.open(config.databaseUrl, { poolSize: config.databasePool, ownerUrl: config.databaseOwnerUrl });
  }
  return new SqliteStore(join(config.dataDir, "tele.db"));
}

/** The only place that listens: opens the database, starts the mail worker and the HTTP server. */
/** How long a stopping server waits for requests under way before it cuts their connections. */
const STOP_GRACE_MS = 5_000;

export async function startServer(config: ServerConfig, opts: { version?: string; logger?: boolean; clock?: () => number } = {}): Promise<RunningServer> {
  const store = await openStore(config);
  const clock = opts.clock ?? Date.now;
  // Paging cursors are signed with the database's key, so every process on it accepts the others' (issue 13).
  usePagingKey(Buffer.from(await store.tx((r) => r.serverKeys.getOrCreate("paging", randomBytes(32).toString("base64url"), clock())), "base64url"));
  const deps: Deps = {
    store,
    clock,
    config: { publicUrl: config.publicUrl || `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${config.port}`, setupToken: config.setupToken, homePractice: config.homePractice, importMaxRows: config.importMaxRows },
  };
  if (config.video === "builtin") {
    // tele's own 1:1 WebRTC (R29): nothing outside this server names the session, so no session name.
    deps.video = { provider: new BuiltinVideoProvider(config.ice) };
  } else {
    // The video session's name is kept on the session record, so a Zoom webhook finds its appointment.
    const nameSecret = config.zoomSdkSecret ?? config.zoomWebhookSecret;
    const video = zoomVideoProvider(config);
    const sessionName = nameSecret ? (appointmentId: string) => video.sessionName(appointmentId, nameSecret) : undefined;
    const key = nameSecret ? (appointmentId: string, who: string) => participantKey(nameSecret, appointmentId, who) : undefined;
    deps.video = { provider: video, sessionName, participantKey: key };
  }
  // Several processes may share the database (issue 13): this one's id, and the bus to the others (chosen by the store).
  const processId = (deps.processId = newProcessId());
  const bus = store.openBus?.({ origin: processId, pollMs: config.busPollMs }) ?? new LocalBus();
  const sessions = (deps.sessions = new SessionHub(deps, { bus, processId, heartbeatMs: config.heartbeatMs, deadAfterMs: config.processDeadMs, reconnectGraceMs: config.sessionGraceMs,
  }));
  // Nobody is connected to a process that has just started: sides no live process holds a stream of are set absent, nothing completes.
  await sessions.recover();
  const app = buildApp(deps, {
    version: opts.version,
    logger: opts.logger === false ? false : { level: config.logLevel, serializers: logSerializers },
    limits: config.rateLimits,
  });
  const messageHost = () => hostOf(deps.config.publicUrl);
  const transport = config.smtpUrl
    ? await smtpTransport(config.smtpUrl, config.mailFrom, messageHost)
    : await fileTransport(join(config.dataDir, "mail"), config.mailFrom, messageHost);
  const mail = new MailWorker({
    store, transport, baseDelayMs: config.mailRetryBaseMs, clock,
    log: (msg, fields) => app.log.warn(fields, msg),
  });
  deps.mailQueued = () => mail.nudge();
  const notices = new NoticeBatchWorker(deps, {
    chunk: config.noticeChunk, pollMs: config.noticePollMs, queued: () => mail.nudge(),
    log: (level, msg, fields) => app.log[level](fields, msg),
  });
  deps.noticesBatched = () => notices.nudge();
  const reminders = new ReminderWorker(deps, { pollMs: config.reminderPollMs, log: (msg, fields) => app.log.warn(fields, msg) });
  if (config.zoomWebhookSecret) {
    registerZoomWebhook(app, deps, {
      secret: config.zoomWebhookSecret, onEvent: (event) => sessions.videoEvent(event), onRefused: (r) => sessions.videoRefused(r),
      deliveries: storedDeliveryLog(deps),
    });
  }
  // While stopping, ask keep-alive clients to hang up after their reply, so close() need not wait them out.
  let stopping = false;
  app.addHook("onSend", async (_req, reply, payload) => {
    if (stopping) reply.header("connection", "close");
    return payload;
  });
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await sessions.stop();
    await store.close();
    throw err;
  }
  const addr = app.server.address();
  const port = typeof addr === "object" && addr ? addr.port : config.port;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  const url = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`;
  if (!config.publicUrl) deps.config.publicUrl = url;
  mail.start();
  reminders.start();
  notices.start();
  app.limits.start();
  sessions.start(config.sessionSweepMs);
  let closing: Promise<void> | undefined;
  return {
    url, app, store, deps, mail, reminders, notices, sessions,
    close: () => (closing ??= (async () => {
      stopping = true;
      await sessions.stop();
      // A graceful stop with a deadline: requests under way get STOP_GRACE_MS to finish, then any
      // connection still open (a client that never reads its reply, a stream nobody ends) is cut, so
      // stopping the server never hangs on someone else's socket.
      const deadline = setTimeout(() => app.server.closeAllConnections(), STOP_GRACE_MS);
      await app.close().finally(() => clearTimeout(deadline));
      await reminders.stop();
      await notices.stop();
      await mail.stop();
      await store.close();
    })()),
  };
}
