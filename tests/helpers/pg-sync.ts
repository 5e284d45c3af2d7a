/**
 * PostgreSQL, synchronously, for test helpers whose SQLite twins are synchronous (`rows`, `count`,
 * `store.db.prepare(…)`, a fresh database for `makeDeps`): a worker thread holds the connections and
 * runs each statement while this thread waits on a shared flag (Atomics.wait), then reads the answer
 * off the port with receiveMessageOnPort. Tests only; never the server.
 */
import { createRequire } from "node:module";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";

const WORKER = `
const { workerData } = require("node:worker_threads");
const pg = require(workerData.pgPath);
const flag = new Int32Array(workerData.flag);
const port = workerData.port;
const types = { getTypeParser: (oid, format) => (oid === 20 || oid === 1700 ? Number : pg.types.getTypeParser(oid, format)) };
const clients = new Map();
async function client(url) {
  let c = clients.get(url);
  if (!c) {
    c = new pg.Client({ connectionString: url, types });
    c.on("error", () => clients.delete(url));
    await c.connect();
    // The tests' view of the tables: every practice's rows (row-level security is forced on the owner too).
    await c.query("SET tele.scope = 'system'");
    clients.set(url, c);
  }
  return c;
}
port.on("message", async (m) => {
  let answer;
  try {
    if (m.kind === "end") {
      const c = clients.get(m.url);
      clients.delete(m.url);
      if (c) await c.end().catch(() => undefined);
      answer = { ok: true };
    } else {
      const c = await client(m.url);
      const r = await c.query({ text: m.text, values: m.values, rowMode: m.array ? "array" : undefined });
      answer = { ok: true, rows: r.rows, rowCount: r.rowCount };
    }
  } catch (err) {
    answer = { ok: false, message: err.message, code: err.code };
  }
  port.postMessage(answer);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

let bridge: { worker: Worker; port: MessageChannel["port1"]; flag: Int32Array } | undefined;

function start() {
  if (bridge) return bridge;
  const { port1, port2 } = new MessageChannel();
  const shared = new SharedArrayBuffer(4);
  const pgPath = createRequire(import.meta.url).resolve("pg");
  const worker = new Worker(WORKER, { eval: true, workerData: { pgPath, flag: shared, port: port2 }, transferList: [port2] });
  worker.unref();
  port1.unref();
  bridge = { worker, port: port1, flag: new Int32Array(shared) };
  return bridge;
}

export interface SyncResult {
  rows: any[];
  rowCount: number;
}

function call(message: Record<string, unknown>): SyncResult {
  const b = start();
  Atomics.store(b.flag, 0, 0);
  b.port.postMessage(message);
  if (Atomics.wait(b.flag, 0, 0, 60_000) === "timed-out") throw new Error("the PostgreSQL test bridge did not answer within 60 s");
  const answer = receiveMessageOnPort(b.port)!.message as { ok: boolean; rows: any[]; rowCount: number; message: string; code?: string };
  if (!answer.ok) throw Object.assign(new Error(answer.message), { code: answer.code });
  return answer;
}

/** Runs one statement on `url` (as its role, in the system scope) and waits for it. */
export function querySync(url: string, text: string, values: unknown[] = [], array = false): SyncResult {
  return call({ kind: "query", url, text, values, array });
}

/** Closes the bridge's connection to `url` (before the database is dropped or copied). */
export function endSync(url: string): void {
  call({ kind: "end", url });
}

/** `?` and `@name` placeholders (SQLite's) as `$n`, and SQLite's `rowid` as the row's place in the heap. */
function translate(sql: string, params: unknown[]): { text: string; values: unknown[] } {
  const text0 = sql.replace(/\browid\b/g, "ctid").replace(/\binstr\(/g, "strpos(").replace(/\bchar\((\d+)\)/g, "chr($1)");
  const named = params.length === 1 && params[0] !== null && typeof params[0] === "object" && !Array.isArray(params[0]);
  if (named) {
    const obj = params[0] as Record<string, unknown>;
    const names: string[] = [];
    const text = text0.replace(/@([A-Za-z_]\w*)/g, (_m, n: string) => {
      let i = names.indexOf(n);
      if (i < 0) i = names.push(n) - 1;
      return `$${i + 1}`;
    });
    return { text, values: names.map((n) => obj[n] ?? null) };
  }
  let n = 0;
  return { text: text0.replace(/\?/g, () => `$${++n}`), values: params };
}

/** The few parts of better-sqlite3's Statement the tests use, over PostgreSQL. */
export class SyncStatement {
  private plucked = false;
  private rawRows = false;
  constructor(private readonly url: string, private readonly sql: string) {}
  pluck(on = true): this {
    this.plucked = on;
    return this;
  }
  raw(on = true): this {
    this.rawRows = on;
    return this;
  }
  private q(params: unknown[]): SyncResult {
    const { text, values } = translate(this.sql, params);
    return querySync(this.url, text, values, this.plucked || this.rawRows);
  }
  all(...params: unknown[]): any[] {
    const rows = this.q(params).rows;
    return this.plucked ? rows.map((r: unknown[]) => r[0]) : rows;
  }
  get(...params: unknown[]): any {
    return this.all(...params)[0];
  }
  run(...params: unknown[]): { changes: number } {
    return { changes: this.q(params).rowCount ?? 0 };
  }
}

/** `store.db` for a PostgreSQL test store: `prepare` and `exec` as the tests call them. */
export class SyncDb {
  readonly open = true;
  constructor(readonly url: string) {}
  prepare(sql: string): SyncStatement {
    return new SyncStatement(this.url, sql);
  }
  exec(sql: string): void {
    querySync(this.url, sql);
  }
  close(): void {
    endSync(this.url);
  }
  pragma(): never {
    throw new Error("PRAGMA is SQLite's: this test reaches into SQLite internals");
  }
}
