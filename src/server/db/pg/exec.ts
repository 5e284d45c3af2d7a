import { AsyncLocalStorage } from "node:async_hooks";
import { createHash } from "node:crypto";
import pg from "pg";

/**
 * How the PostgreSQL repositories talk to the database. Every statement runs in a practice's scope
 * (a practice id: row-level security shows that practice's rows only) or in the system scope
 * (`SYSTEM`: the cross-practice paths of security.ts's SYSTEM_SCOPE_PATHS). The scope is set with
 * `set_config(…, true)`, local to the transaction, in the same round trip as the statement:
 *
 * - alone (no `tx`): `BEGIN`, the scope, the statement and `COMMIT` are written together on a
 *   pipelined connection (pg's `pipeline: true`), so one read costs one round trip;
 * - in a transaction: `BEGIN` goes out with the first statement, and the scope only when it
 *   changes, in front of the statement that needs it.
 *
 * Every statement is a named prepared statement (its name a hash of its text), parsed once per
 * connection; statements whose text varies with the data (none on the hot paths) pass `unnamed`.
 */
export const SYSTEM = null;
export type Scope = string | typeof SYSTEM;

/** `?` placeholders (in order) or `@name` ones, as SQLite's statements are written, made PostgreSQL's `$n`. */
interface Compiled {
  text: string;
  name: string;
  names: string[] | undefined;
}
const compiled = new Map<string, Compiled>();

function compile(sql: string): Compiled {
  let c = compiled.get(sql);
  if (c) return c;
  let n = 0;
  const names: string[] = [];
  let text = sql.replace(/\?/g, () => `$${++n}`);
  text = text.replace(/@([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) => {
    let i = names.indexOf(name);
    if (i < 0) i = names.push(name) - 1;
    return `$${i + 1}`;
  });
  if (n && names.length) throw new Error("a statement mixes ? and @name placeholders");
  c = { text, name: `tele_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`, names: names.length ? names : undefined };
  compiled.set(sql, c);
  return c;
}

export type Params = readonly unknown[] | Record<string, unknown>;

function valuesOf(c: Compiled, params: Params | undefined): unknown[] {
  if (!params) return [];
  if (Array.isArray(params)) return params as unknown[];
  const p = params as Record<string, unknown>;
  return (c.names ?? []).map((n) => (p[n] === undefined ? null : p[n]));
}

export interface QueryOptions {
  /** Rows as arrays (faster to read many). */
  array?: boolean;
  /** Not a named prepared statement (a text that varies with the data). */
  unnamed?: boolean;
}

/** What the repositories call: one statement in a scope. */
export interface Exec {
  query<T = any>(scope: Scope, sql: string, params?: Params, opts?: QueryOptions): Promise<pg.QueryResult<T & pg.QueryResultRow>>;
}

/** Rows, the first row, the first column, or the count of rows changed. */
export const all = async <T>(x: Exec, scope: Scope, sql: string, params?: Params): Promise<T[]> => (await x.query<T>(scope, sql, params)).rows;
export const one = async <T>(x: Exec, scope: Scope, sql: string, params?: Params): Promise<T | undefined> => (await x.query<T>(scope, sql, params)).rows[0];
export const arrays = async <T extends unknown[]>(x: Exec, scope: Scope, sql: string, params?: Params): Promise<T[]> =>
  (await x.query(scope, sql, params, { array: true })).rows as unknown as T[];
export const pluck = async <T>(x: Exec, scope: Scope, sql: string, params?: Params): Promise<T[]> =>
  ((await x.query(scope, sql, params, { array: true })).rows as unknown as unknown[][]).map((r) => r[0] as T);
export const run = async (x: Exec, scope: Scope, sql: string, params?: Params): Promise<number> => (await x.query(scope, sql, params)).rowCount ?? 0;

const SCOPE_SQL = "SELECT set_config('tele.practice_id', $1, true), set_config('tele.scope', $2, true)";
const scopeQuery = (scope: Scope): pg.QueryConfig => ({
  name: "tele_scope", text: SCOPE_SQL, values: scope === SYSTEM ? ["", "system"] : [scope, ""],
});

function config(sql: string, params: Params | undefined, opts: QueryOptions | undefined): pg.QueryArrayConfig | pg.QueryConfig {
  const c = compile(sql);
  const q: pg.QueryConfig & { rowMode?: "array" } = { text: c.text, values: valuesOf(c, params) };
  if (!opts?.unnamed) q.name = c.name;
  if (opts?.array) q.rowMode = "array";
  return q;
}

/** Waits for every promise and throws the first failure (the later ones follow from it). */
async function settle<T>(ps: Promise<unknown>[], main: Promise<T>): Promise<T> {
  const results = await Promise.allSettled([...ps, main]);
  for (const r of results) if (r.status === "rejected") throw r.reason;
  return (results[results.length - 1] as PromiseFulfilledResult<T>).value;
}

/** A server's answer (a constraint, a syntax error): the connection is fine. Anything else: it is not. */
export const isServerError = (err: unknown): boolean => err instanceof pg.DatabaseError;

/**
 * The transaction whose work this is, if any: `tx` runs its function in it, so the store's own
 * repositories, called from inside (as the services and the tests' stand-ins do), join the
 * transaction as they do on SQLite's one connection. Once it has ended it is not joined.
 */
export const currentTx = new AsyncLocalStorage<TxExec>();

/**
 * Each statement in a transaction of its own, on a connection taken from `pool` (or a held one);
 * with `joins`, inside a `tx` the statement goes to that transaction instead.
 */
export class AloneExec implements Exec {
  constructor(
    private readonly take: () => Promise<pg.PoolClient>,
    private readonly give: (c: pg.PoolClient, err?: unknown) => void,
    private readonly joins = false,
  ) {}

  async query<T>(scope: Scope, sql: string, params?: Params, opts?: QueryOptions): Promise<pg.QueryResult<T & pg.QueryResultRow>> {
    if (this.joins) {
      const t = currentTx.getStore();
      if (t && !t.ended) return t.query<T>(scope, sql, params, opts);
    }
    const client = await this.take();
    let failure: unknown;
    try {
      const begin = client.query("BEGIN");
      const set = client.query(scopeQuery(scope));
      const main = client.query(config(sql, params, opts) as pg.QueryConfig);
      const commit = client.query("COMMIT");
      // COMMIT after a failed statement rolls back and answers without an error: the main error is the one thrown.
      return await settle([begin, set, commit], main);
    } catch (err) {
      if (!isServerError(err)) failure = err;
      throw err;
    } finally {
      this.give(client, failure);
    }
  }
}

/** The statements of one transaction on one connection: BEGIN rides with the first, the scope with each change. */
export class TxExec implements Exec {
  private begun: Promise<unknown> | undefined;
  private scope: Scope | undefined = undefined;
  /** Set once a statement failed: the transaction is aborted, and only a rollback may follow. */
  failed: unknown;
  /** Committed or rolled back: work that outlives it (a timer started inside) runs on its own. */
  ended = false;

  constructor(readonly client: pg.ClientBase) {}

  get started(): boolean {
    return this.begun !== undefined;
  }

  query<T>(scope: Scope, sql: string, params?: Params, opts?: QueryOptions): Promise<pg.QueryResult<T & pg.QueryResultRow>> {
    const before: Promise<unknown>[] = [];
    if (!this.begun) before.push((this.begun = this.client.query("BEGIN")));
    if (scope !== this.scope) {
      this.scope = scope;
      before.push(this.client.query(scopeQuery(scope)));
    }
    const main = this.client.query(config(sql, params, opts) as pg.QueryConfig) as Promise<pg.QueryResult<T & pg.QueryResultRow>>;
    const done = settle(before, main);
    done.catch((err) => (this.failed ??= err));
    return done;
  }

  /** A statement that needs no scope (DDL on temp tables, cursors): in the transaction, as it stands. */
  plain(sql: string): Promise<pg.QueryResult> {
    const before: Promise<unknown>[] = [];
    if (!this.begun) before.push((this.begun = this.client.query("BEGIN")));
    const done = settle(before, this.client.query(sql));
    done.catch((err) => (this.failed ??= err));
    return done;
  }

  async commit(): Promise<void> {
    this.ended = true;
    if (!this.begun) return;
    if (this.failed) throw this.failed;
    const r = await this.client.query("COMMIT");
    // A transaction that had failed is rolled back by COMMIT, which says so only in its tag.
    if (r.command === "ROLLBACK") throw this.failed ?? new Error("the transaction was rolled back");
  }

  async rollback(): Promise<void> {
    this.ended = true;
    if (this.begun) await this.client.query("ROLLBACK");
  }
}

/** Numbers for BIGINT (epoch ms, ids, counts) and NUMERIC: every value tele stores fits a double. */
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === 20 || oid === 1700) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as "text");
  },
};

/** `host:port` of a URL, for messages (never its user or password). */
export function hostPort(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || "localhost"}:${u.port || "5432"}`;
  } catch {
    return "(an unreadable TELE_DATABASE_URL)";
  }
}

export function makePool(url: string, size: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url, max: size, types, pipeline: true, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000,
    application_name: "tele",
  } as pg.PoolConfig);
  // An idle connection the server closed (a restart, a failover) is dropped from the pool, not fatal.
  pool.on("error", () => undefined);
  return pool;
}

/** A client of its own (not pipelined), for migrations and what holds a cursor open. */
export function makeClient(url: string): pg.Client {
  return new pg.Client({ connectionString: url, types, application_name: "tele", connectionTimeoutMillis: 10_000 } as pg.ClientConfig);
}
