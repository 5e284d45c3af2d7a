import { openSqlite, type SqliteDatabase } from "../open.js";
import type { ImportStage } from "../import-stage.js";
import type { IdempotencyClaimRepo, RateLimitRepo, Repos, Store } from "../repos.js";
import type { NewAudit } from "../types.js";
import { appointmentRepo } from "./appointments.js";
import { auditRepo, idempotencyRepo } from "./audit.js";
import { AuditGroup } from "../audit-group.js";
import { SqliteImportStage } from "./import-stage.js";
import { clientRepo } from "./clients.js";
import { consentRepo } from "./consent.js";
import { linkRepo } from "./links.js";
import { mailRepo } from "./mail.js";
import { noticeRepo } from "./notices.js";
import { practiceRepo } from "./practices.js";
import { rateLimitRepo } from "./rate-limits.js";
import { refusalRepo, webhookDeliveryRepo } from "./refusals.js";
import { sessionRepo } from "./sessions.js";
import { staffRepo } from "./staff.js";
import { StatementCache } from "./statements.js";
import { TokenCache } from "./token-cache.js";
import { tokenRepo } from "./tokens.js";
import { webSessionRepo } from "./web-sessions.js";
import { idempotencyClaimRepo, serverKeyRepo, serverProcessRepo, sessionAudioRepo, sessionSignalRepo, sessionStreamRepo } from "./cluster.js";
import { SqliteBus } from "./bus.js";
import type { EventBus } from "../bus.js";

/** The SQLite store: one connection, repositories over a statement cache, serialised write transactions. */
export class SqliteStore implements Store {
  readonly db: SqliteDatabase;
  private readonly repos: Repos;
  /** Write transactions run one at a time: SQLite has one writer, and this keeps awaits inside a transaction safe. */
  private queue: Promise<unknown> = Promise.resolve();
  /**
   * Write transactions begun or ended so far, and whether one is open: the token cache starts over
   * after each. The audit group's transactions do not count: they change nothing a token lookup reads.
   */
  private writes = 0;
  private writing = false;
  private readonly auditGroup = new AuditGroup((take) => this.transaction(async (r) => {
    // Taken inside the transaction: rows that arrived while it waited for the writer join it too.
    for (const entry of take()) await r.audit.append(entry);
  }, false));
  readonly rateLimits: RateLimitRepo;
  readonly idempotencyClaims: IdempotencyClaimRepo;

  constructor(file: string) {
    this.db = openSqlite(file);
    const s = new StatementCache(this.db);
    const tokens = tokenRepo(s);
    const cache = new TokenCache(this.db, (hash) => tokens.staffForHash(hash), () => (this.writing ? -1 : this.writes));
    this.repos = {
      practices: practiceRepo(s), staff: staffRepo(s), clients: clientRepo(s), appointments: appointmentRepo(s),
      links: linkRepo(s), tokens: {
        ...tokens,
        staffForHash: (hash) => cache.staffForHash(hash),
        touch: async (id, at) => { await tokens.touch(id, at); cache.touched(id, at); },
      }, mail: mailRepo(s), notices: noticeRepo(s),
      audit: auditRepo(s), idempotency: idempotencyRepo(s),
      webSessions: webSessionRepo(s), sessions: sessionRepo(s), refusals: refusalRepo(s), webhookDeliveries: webhookDeliveryRepo(s),
      consent: consentRepo(s),
      processes: serverProcessRepo(s), streams: sessionStreamRepo(s), signals: sessionSignalRepo(s), sessionAudio: sessionAudioRepo(s),
      serverKeys: serverKeyRepo(s),
    };
    this.rateLimits = rateLimitRepo(s, (fn) => this.alone(fn));
    this.idempotencyClaims = idempotencyClaimRepo(s, (fn) => this.alone(fn));
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

  /** The bus between processes on this file: a polled table (sqlite/bus.ts). */
  openBus(opts: { origin: string; pollMs: number }): EventBus {
    return new SqliteBus(this.db, (fn) => this.alone(fn), opts.origin, opts.pollMs);
  }

  tx<T>(fn: (r: Repos) => Promise<T>): Promise<T> {
    return this.transaction(fn, true);
  }

  private transaction<T>(fn: (r: Repos) => Promise<T>, counted: boolean): Promise<T> {
    const run = async (): Promise<T> => {
      this.db.exec("BEGIN IMMEDIATE");
      if (counted) (this.writing = true), this.writes++;
      try {
        const result = await fn(this.repos);
        this.db.exec("COMMIT");
        return result;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw err;
      } finally {
        if (counted) (this.writing = false), this.writes++;
      }
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Runs one statement in the write queue, outside any transaction (autocommit): not counted as a write. */
  private alone<T>(fn: () => T): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  auditAlone(entry: NewAudit): Promise<void> {
    return this.auditGroup.append(entry);
  }

  importStage(): Promise<ImportStage> {
    return new SqliteImportStage(this.db, (fn) => this.scratch(fn), (fn) => this.tx(fn)).open();
  }

  /**
   * Runs `fn` in the write queue in a plain BEGIN: for TEMP tables only, so it takes no lock on
   * the practice's data and is not counted as a write (the token cache keeps its entries).
   */
  private scratch<T>(fn: () => T): Promise<T> {
    const run = async (): Promise<T> => {
      this.db.exec("BEGIN");
      try {
        const result = fn();
        this.db.exec("COMMIT");
        return result;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw err;
      }
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Each WAL frame is a whole page as it was at a commit, so a mail body blanked after delivery is
   * still in the frame written when the mail was queued, until the WAL is truncated (a plain
   * checkpoint rewinds it but leaves the old bytes on disk). Runs in the write queue: no
   * transaction is open, and this connection is the only reader, so the checkpoint is complete.
   */
  scrub(): Promise<void> {
    const run = async () => {
      if (this.db.open && this.db.pragma("journal_mode", { simple: true }) === "wal") this.db.pragma("wal_checkpoint(TRUNCATE)");
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.auditGroup.idle();
    await this.queue;
    if (this.db.open) {
      if (this.db.pragma("journal_mode", { simple: true }) === "wal") this.db.pragma("wal_checkpoint(TRUNCATE)");
      this.db.close();
    }
  }
}
