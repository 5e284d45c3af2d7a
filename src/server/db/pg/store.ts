import type pg from "pg";
import type { ImportStage } from "../import-stage.js";
import type { IdempotencyClaimRepo, RateLimitRepo, Repos, Store } from "../repos.js";
import type { NewAudit } from "../types.js";
import { appointmentRepo } from "./appointments.js";
import { appendAudit, auditRepo, idempotencyRepo } from "./audit.js";
import { AuditGroup } from "../audit-group.js";
import { clientRepo } from "./clients.js";
import { consentRepo } from "./consent.js";
import { AloneExec, currentTx, hostPort, isServerError, makeClient, makePool, TxExec, type Exec } from "./exec.js";
import { PgImportStage } from "./import-stage.js";
import { linkRepo } from "./links.js";
import { mailRepo } from "./mail.js";
import { migratePg } from "./migrate.js";
import { noticeRepo } from "./notices.js";
import { practiceRepo } from "./practices.js";
import { rateLimitRepo, refusalRepo, webhookDeliveryRepo } from "./refusals.js";
import { sessionRepo } from "./sessions.js";
import { staffRepo } from "./staff.js";
import { tokenRepo } from "./tokens.js";
import { webSessionRepo } from "./web-sessions.js";
import { idempotencyClaimRepo, serverKeyRepo, serverProcessRepo, sessionAudioRepo, sessionSignalRepo, sessionStreamRepo } from "./cluster.js";
import { PgBus } from "./bus.js";
import type { EventBus } from "../bus.js";

/** The repositories over one way of running statements (the pool, or one transaction). */
export function pgRepos(x: Exec): Repos {
  return {
    practices: practiceRepo(x), staff: staffRepo(x), clients: clientRepo(x), appointments: appointmentRepo(x),
    links: linkRepo(x), tokens: tokenRepo(x), mail: mailRepo(x), notices: noticeRepo(x),
    audit: auditRepo(x), idempotency: idempotencyRepo(x), webSessions: webSessionRepo(x), sessions: sessionRepo(x),
    refusals: refusalRepo(x), webhookDeliveries: webhookDeliveryRepo(x), consent: consentRepo(x),
    processes: serverProcessRepo(x), streams: sessionStreamRepo(x), signals: sessionSignalRepo(x), sessionAudio: sessionAudioRepo(x),
    serverKeys: serverKeyRepo(x),
  };
}

/** The default size of the connection pool (TELE_DATABASE_POOL). */
export const DEFAULT_POOL_SIZE = 10;

export interface PgStoreOptions {
  /** Connections in the pool (TELE_DATABASE_POOL). */
  poolSize?: number;
  /** Run the migrations as this role (the tables' owner), when the server connects as the app role. */
  ownerUrl?: string;
  /** Skip the migrations (the database is known to be current). */
  migrate?: boolean;
}

/** The database could not be reached: the message names host and port, never the password. */
export class DatabaseUnreachable extends Error {
  constructor(readonly where: string, cause: unknown) {
    const why = (cause as { code?: string })?.code ?? (cause as Error)?.message ?? String(cause);
    super(`cannot reach PostgreSQL at ${where} (${why})`);
  }
}

async function connectOnce(url: string, body: (c: pg.Client) => Promise<void>): Promise<void> {
  const client = makeClient(url);
  try {
    await client.connect();
  } catch (err) {
    if (isServerError(err)) throw err; // reached, and refused: a wrong password or database says so itself
    throw new DatabaseUnreachable(hostPort(url), err);
  }
  try {
    await body(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The PostgreSQL store: a pool of pipelined connections (pg), repositories whose statements each
 * carry their practice's scope for row-level security (exec.ts), transactions on one connection
 * each (R21: a throw, or a failed statement, rolls back all of it), group commit of lone audit rows.
 * Nothing another process can change is kept in memory: no token cache (see tokens.ts).
 */
export class PgStore implements Store {
  readonly pool: pg.Pool;
  private readonly repos: Repos;
  readonly rateLimits: RateLimitRepo;
  readonly idempotencyClaims: IdempotencyClaimRepo;
  private readonly auditGroup: AuditGroup;
  private closed = false;

  private constructor(readonly url: string, poolSize: number) {
    this.pool = makePool(url, poolSize);
    const take = () => this.pool.connect();
    const give = (c: pg.PoolClient, err?: unknown) => c.release(err as Error | undefined);
    this.repos = pgRepos(new AloneExec(take, give, true));
    // Never inside a request's transaction: a rollback would forget the attempt.
    this.rateLimits = rateLimitRepo(new AloneExec(take, give));
    // The same for Idempotency-Key claims: another process must see a claim at once, whatever the request's transaction does.
    this.idempotencyClaims = idempotencyClaimRepo(new AloneExec(take, give));
    // One multi-row INSERT per practice (row-level security scopes each), sent together in one transaction.
    this.auditGroup = new AuditGroup((takeRows) => this.tx(async () => undefined, (x) => {
      const byPractice = new Map<string, NewAudit[]>();
      for (const e of takeRows()) {
        let list = byPractice.get(e.practiceId);
        if (!list) byPractice.set(e.practiceId, (list = []));
        list.push(e);
      }
      return Promise.all([...byPractice].map(([p, es]) => appendAudit(x, p, es))).then(() => undefined);
    }));
  }

  /** A store over a database known to be migrated already (no round trip until the first statement). */
  static over(url: string, poolSize = DEFAULT_POOL_SIZE): PgStore {
    return new PgStore(url, poolSize);
  }

  /** Migrates (as the owner URL's role when given) and opens the pool; a database out of reach is a DatabaseUnreachable. */
  static async open(url: string, opts: PgStoreOptions = {}): Promise<PgStore> {
    if (opts.migrate !== false) await connectOnce(opts.ownerUrl ?? url, async (c) => void (await migratePg(c)));
    const store = new PgStore(url, opts.poolSize ?? DEFAULT_POOL_SIZE);
    // Reach the app role's database now, so a wrong URL fails the start and not the first request.
    try {
      const c = await store.pool.connect();
      c.release();
    } catch (err) {
      await store.pool.end().catch(() => undefined);
      if (isServerError(err)) throw err;
      throw new DatabaseUnreachable(hostPort(url), err);
    }
    return store;
  }

  get practices() { return this.repos.practices; }
  get staff() { return this.repos.staff; }
  get clients() { return this.repos.clients; }
  get appointments() { return this.repos.appointments; }
  get links() { return this.repos.links; }
  get tokens() { return this.repos.tokens; }
  get mail() { return this.repos.mail; }
  get notices() { return this.repos.notices; }
  get audit() { return this.repos.audit; }
  get idempotency() { return this.repos.idempotency; }
  get webSessions() { return this.repos.webSessions; }
  get sessions() { return this.repos.sessions; }
  get refusals() { return this.repos.refusals; }
  get webhookDeliveries() { return this.repos.webhookDeliveries; }
  get consent() { return this.repos.consent; }
  get processes() { return this.repos.processes; }
  get streams() { return this.repos.streams; }
  get signals() { return this.repos.signals; }
  get sessionAudio() { return this.repos.sessionAudio; }
  get serverKeys() { return this.repos.serverKeys; }

  /** The bus between processes on this database: LISTEN/NOTIFY on a connection of its own (bus.ts); `pollMs` is SQLite's. */
  openBus(opts: { origin: string; pollMs: number }): EventBus {
    const bus = new PgBus(this.url, opts.origin);
    // A failed first connect is retried by the bus itself (and a publish meanwhile tries again).
    bus.start().catch(() => undefined);
    return bus;
  }

  async tx<T>(fn: (r: Repos) => Promise<T>, direct?: (x: TxExec) => Promise<unknown>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      return await runTx(client, fn, direct, (err) => (broken = err), this.repos);
    } finally {
      // A connection whose ROLLBACK failed is gone or unusable: the pool drops it.
      client.release(broken);
    }
  }

  auditAlone(entry: NewAudit): Promise<void> {
    return this.auditGroup.append(entry);
  }

  /** TEMP tables on one connection taken from the pool and held until `drop`. */
  async importStage(): Promise<ImportStage> {
    const client = await this.pool.connect();
    return new PgImportStage(client, (fn, direct) => runTx(client, fn, direct, undefined, this.repos)).open();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.auditGroup.idle();
    await this.pool.end();
  }
}

/**
 * One transaction on `client`: BEGIN goes out with its first statement; COMMIT when `fn` returns;
 * ROLLBACK when it throws or any statement failed (even one whose error `fn` caught: R21).
 */
export async function runTx<T>(
  client: pg.ClientBase, fn: (r: Repos) => Promise<T>, direct?: (x: TxExec) => Promise<unknown>, broken?: (err: Error) => void,
  joined?: Repos,
): Promise<T> {
  const x = new TxExec(client);
  try {
    if (direct) await direct(x);
    // With `joined` (the store's repositories, which join the transaction they are called in), `fn` sees those.
    const result = await currentTx.run(x, () => fn(joined ?? pgRepos(x)));
    await x.commit();
    return result;
  } catch (err) {
    await x.rollback().catch((e: Error) => broken?.(e));
    throw err;
  }
}

export { hostPort };
