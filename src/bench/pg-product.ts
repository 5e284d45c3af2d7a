/**
 * The product on PostgreSQL (issue 13), `npm run bench -- postgres [--rows N] [--month-rows N] [--runs N]`:
 * the real `tele server start` with TELE_DATABASE_URL (app role, row-level security in force), each
 * figure beside bare `pg` measured in the same run:
 * 1. `tele appointments import` of `rows` appointments, beside bare multi-row INSERTs as the app role
 *    and a bare COPY as the owner (≤ 4× the bare insert);
 * 2. bulk conversion of them through the API, dry run and apply, beside one bare UPDATE (≤ 3×);
 * 4. req/s of an audited read and a write on one and on two server processes on the database, beside a
 *    bare Fastify route returning the read's bytes (two ≥ 1.6× one; tele ≥ 50 % of bare);
 * 3. one therapist's month out of `monthRows` appointments (loaded by COPY as the owner, then ANALYZE):
 *    the server's own time for `GET /api/v1/appointments?therapist=…&from=…&to=…` from its log's
 *    `responseTime` (Fastify's, from the request's arrival to the reply's end), beside the bare SELECT (< 10 ms).
 */
import { writeFileSync, rmSync } from "node:fs";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { from as copyFrom } from "pg-copy-streams";
import { DateTime } from "luxon";
import type pg from "pg";
import { newId } from "../server/domain/shared/crypto.js";
import { call, load, startBare, type Sample, type Target } from "./api.js";
import { appointments, appointmentsCsv, clientsCsv, CLIENTS, THERAPISTS, therapistEmail, type BenchAppointment } from "./data.js";
import { startBenchServer, teleJson, tempDir, TELE, type BenchServer } from "./harness.js";
import { bareClient, benchDatabase, pgConnect, type BenchDatabase } from "./pg-db.js";
import { median, timeCommand, timeIt } from "./stats.js";

const step = (what: string) => process.stderr.write(`bench: postgres: ${what}…\n`);
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const APPT_COLS = "id, practice_id, therapist_id, client_id, start_at, end_at, telehealth, status, created_at, updated_at";

/** As the owner, row-level security set aside for fixture loading (`tele.scope = 'system'`, the store's own system scope). */
async function asOwner<T>(db: BenchDatabase, f: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = await pgConnect(db.ownerUrl);
  try {
    await c.query("SET tele.scope = 'system'");
    return await f(c);
  } finally {
    await c.end();
  }
}

/** The bare baseline's practice, therapists and clients, as the owner; their ids. */
async function bareFixtures(db: BenchDatabase, therapists: number, clients: number): Promise<string> {
  const now = Date.now();
  return asOwner(db, async (c) => {
    await c.query(`INSERT INTO practices (id, name, slug, state, time_zone, created_at) VALUES ('prc_bare', 'Bare', 'bare', 'NY', 'America/New_York', $1)`, [now]);
    await insertPeople(c, "prc_bare", therapists, clients, now);
    return "prc_bare";
  });
}

/** `therapists` staff `stf_t<i>` and `clients` clients `cli_c<i>` of `practiceId`, set-based. */
async function insertPeople(c: pg.Client, practiceId: string, therapists: number, clients: number, now: number): Promise<void> {
  await c.query(`INSERT INTO staff (id, practice_id, name, email, roles, teletherapy, created_at)
    SELECT 'stf_t' || i, $1, 'Therapist ' || i, 't' || i || '@bench.example', 'therapist', 1, $2 FROM generate_series(0, $3::int - 1) i`, [practiceId, now, therapists]);
  await c.query(`INSERT INTO clients (id, practice_id, name, email, state, created_at)
    SELECT 'cli_c' || i, $1, 'Client ' || i, 'c' || i || '@bench.example', 'NY', $2 FROM generate_series(0, $3::int - 1) i`, [practiceId, now, clients]);
}

/** COPY text lines of appointments of `practiceId` (ids as tele makes them, or numbered). */
function* copyLines(rows: BenchAppointment[], practiceId: string, now: number, id: (i: number) => string): Generator<string> {
  let buf = "";
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    buf += `${id(i)}\t${practiceId}\tstf_t${r.therapist}\tcli_c${r.client}\t${r.startMs}\t${r.startMs + r.minutes * 60_000}\t0\tscheduled\t${now}\t${now}\n`;
    if (buf.length > 1 << 20) {
      yield buf;
      buf = "";
    }
  }
  if (buf) yield buf;
}

async function copyAppointments(c: pg.Client, lines: Iterable<string>): Promise<void> {
  await pipeline(Readable.from(lines), c.query(copyFrom(`COPY appointments (${APPT_COLS}) FROM STDIN`)));
}

/**
 * The bare baselines of items 1–2 on their own migrated database, on an empty table each time:
 * multi-row INSERTs of 1,000 (one transaction, as the app role, row-level security in force) then the
 * one set-based UPDATE of all of them; and a COPY as the owner (row-level security set aside, so COPY
 * FROM is allowed). Milliseconds.
 */
async function bareImportConvert(rows: BenchAppointment[]): Promise<{ insert: number; update: number; copy: number }> {
  const db = await benchDatabase("bare", true);
  try {
    const practiceId = await bareFixtures(db, THERAPISTS, CLIENTS);
    const now = Date.now();
    const ids = rows.map(() => newId("apt"));
    const bare = await bareClient(db.appUrl, practiceId);
    let t0 = process.hrtime.bigint();
    await bare.query("BEGIN");
    for (let i = 0; i < rows.length; i += 1000) {
      const values: unknown[] = [];
      const tuples = rows.slice(i, i + 1000).map((r, j) => {
        values.push(ids[i + j], practiceId, `stf_t${r.therapist}`, `cli_c${r.client}`, r.startMs, r.startMs + r.minutes * 60_000, now);
        const b = j * 7;
        return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, 0, 'scheduled', $${b + 7}, $${b + 7})`;
      });
      await bare.query(`INSERT INTO appointments (${APPT_COLS}) VALUES ${tuples.join(", ")}`, values);
    }
    await bare.query("COMMIT");
    const insert = ms(t0);
    t0 = process.hrtime.bigint();
    const u = await bare.query("UPDATE appointments SET telehealth = 1, updated_at = $1 WHERE practice_id = $2 AND start_at >= $3 AND status = 'scheduled' AND telehealth = 0",
      [now + 1, practiceId, rows[0]!.startMs - 86_400_000]);
    const update = ms(t0);
    if (u.rowCount !== rows.length) throw new Error(`bare UPDATE: ${u.rowCount} rows, expected ${rows.length}`);
    await bare.end();
    const copy = await asOwner(db, async (c) => {
      await c.query("TRUNCATE appointments CASCADE");
      await c.query("ALTER TABLE appointments NO FORCE ROW LEVEL SECURITY");
      const t = process.hrtime.bigint();
      await copyAppointments(c, copyLines(rows, practiceId, now, (i) => ids[i]!));
      return ms(t);
    });
    return { insert, update, copy };
  } finally {
    await db.drop();
  }
}

/** A `tele server start` on a fresh PostgreSQL database (initialised with `tele init`), and the database. */
async function pgServer(prefix: string, stdout?: "pipe"): Promise<{ s: BenchServer; db: BenchDatabase }> {
  const db = await benchDatabase(prefix, false);
  try {
    const env = stdout ? { ...db.serverEnv, TELE_LOG_LEVEL: "info" } : db.serverEnv; // info: the request log, with responseTime
    return { s: await startBenchServer(`pg-${prefix}`, [], { env, stdout }), db };
  } catch (err) {
    await db.drop();
    throw err;
  }
}

async function post(s: BenchServer, path: string, body: unknown): Promise<any> {
  return (await call(s.url, s.token, "POST", path, body)).json;
}

/** Items 1–2: `runs` times on a fresh database, the import through the binary, then the conversions through the API. */
async function importConvert(rowsN: number, runs: number) {
  const firstDay = Date.parse(new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10));
  const rows = appointments(rowsN, firstDay);
  const work = tempDir("pg-files");
  const apptFile = join(work, "appointments.csv");
  const clientFile = join(work, "clients.csv");
  writeFileSync(apptFile, appointmentsCsv(rows));
  writeFileSync(clientFile, clientsCsv());
  const range = { from: new Date(firstDay - 86_400_000).toISOString().slice(0, 10), to: "2099-12-31" };
  const imports: number[] = [], dry: number[] = [], apply: number[] = [];
  const bare: { insert: number[]; update: number[]; copy: number[] } = { insert: [], update: [], copy: [] };
  try {
    for (let run = 0; run < runs; run++) {
      step(`import and conversion, run ${run + 1} of ${runs}`);
      const { s, db } = await pgServer("import");
      try {
        for (let t = 0; t < THERAPISTS; t++) {
          teleJson(["staff", "add", "--name", `Therapist ${t}`, "--email", therapistEmail(t), "--role", "therapist"], s.env);
          teleJson(["staff", "enable", therapistEmail(t)], s.env);
        }
        teleJson(["clients", "import", clientFile], s.env);
        imports.push(timeCommand(process.execPath, [TELE, "appointments", "import", apptFile, "--json"], { env: { ...process.env, ...s.env } }));
        for (const telehealth of [true, false]) {
          let would = 0, converted = 0;
          dry.push(await timeIt(async () => (would = (await post(s, "/api/v1/appointments/convert", { ...range, telehealth, dryRun: true })).converted.length)));
          apply.push(await timeIt(async () => (converted = (await post(s, "/api/v1/appointments/convert", { ...range, telehealth })).converted.length)));
          if (would !== rowsN || converted !== rowsN) throw new Error(`expected ${rowsN} conversions, got ${would} (dry run) and ${converted}`);
        }
      } finally {
        await s.stop();
        await db.drop();
      }
      step(`bare baselines, run ${run + 1} of ${runs}`);
      const b = await bareImportConvert(rows);
      bare.insert.push(b.insert);
      bare.update.push(b.update);
      bare.copy.push(b.copy);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { import: median(imports), dry: median(dry), apply: median(apply), insert: median(bare.insert), update: median(bare.update), copy: median(bare.copy), applies: apply.length };
}

/** Item 3: one therapist's month, the server's own time (its log) and the client's, beside the bare SELECT. */
async function month(monthRows: number, requests: number) {
  const THER = 50, CLI = 5_000;
  step(`one therapist's month: loading ${monthRows} appointments`);
  const { s, db } = await pgServer("month", "pipe");
  try {
    // The server's log: Fastify's "request completed" lines at TELE_LOG_LEVEL=info carry responseTime (ms).
    const took = new Map<string, number>();
    createInterface({ input: s.stdout! }).on("line", (line) => {
      try {
        const j = JSON.parse(line) as { reqId?: string; responseTime?: number };
        if (j.reqId && typeof j.responseTime === "number") took.set(j.reqId, j.responseTime);
      } catch { /* not JSON */ }
    });
    const now = Date.now();
    const firstDay = Date.parse("2020-01-06");
    const rows = appointments(monthRows, firstDay, THER, CLI);
    const practiceId = await asOwner(db, async (c) => {
      const p = (await c.query<{ id: string }>("SELECT id FROM practices")).rows[0]!.id;
      await insertPeople(c, p, THER, CLI, now);
      const t0 = process.hrtime.bigint();
      await c.query("ALTER TABLE appointments NO FORCE ROW LEVEL SECURITY");
      await copyAppointments(c, copyLines(rows, p, now, (i) => `apt_${String(i).padStart(7, "0")}`));
      await c.query("ALTER TABLE appointments FORCE ROW LEVEL SECURITY");
      await c.query("ANALYZE");
      step(`loaded and analysed in ${(ms(t0) / 1000).toFixed(1)} s`);
      return p;
    });
    // The calendar month of the data's middle row.
    const mid = new Date(rows[rows.length >> 1]!.startMs);
    const next = new Date(Date.UTC(mid.getUTCFullYear(), mid.getUTCMonth() + 1, 1));
    const from = `${mid.toISOString().slice(0, 7)}-01T00:00`, to = `${next.toISOString().slice(0, 7)}-01T00:00`;
    const path = `/api/v1/appointments?therapist=stf_t7&from=${from}&to=${to}&limit=1000`;
    const headers = { authorization: `Bearer ${s.token}` };
    const get = async () => {
      const res = await fetch(s.url + path, { headers });
      const text = await res.text();
      if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
      return { id: res.headers.get("x-request-id")!, page: JSON.parse(text) as { items: unknown[]; nextCursor: string | null } };
    };
    const first = await get();
    if (first.page.items.length === 0 || first.page.nextCursor !== null) throw new Error(`the month gave ${first.page.items.length} appointments, next ${first.page.nextCursor}`);
    for (let i = 0; i < 50; i++) await get(); // warm
    const client: number[] = [], ids: string[] = [];
    for (let i = 0; i < requests; i++) {
      const t0 = process.hrtime.bigint();
      ids.push((await get()).id);
      client.push(ms(t0));
    }
    await new Promise((r) => setTimeout(r, 300)); // the last log lines
    const server = ids.map((id) => took.get(id)).filter((x): x is number => x !== undefined);
    if (server.length < requests * 0.9) throw new Error(`only ${server.length} of ${requests} requests in the server's log`);
    // Bare: the same rows by the same index, one named statement, as the app role.
    const bare = await bareClient(db.appUrl, practiceId);
    const zone = (d: string) => DateTime.fromISO(d, { zone: "America/New_York" }).toMillis(); // the practice's zone
    const q = { name: "bench_month", text: `SELECT ${APPT_COLS} FROM appointments WHERE practice_id = $1 AND therapist_id = $2 AND start_at >= $3 AND start_at < $4 ORDER BY start_at, id LIMIT 1001`,
      values: [practiceId, "stf_t7", zone(from), zone(to)] };
    for (let i = 0; i < 50; i++) await bare.query(q);
    const bareMs: number[] = [];
    let bareRows = 0;
    for (let i = 0; i < requests; i++) {
      const t0 = process.hrtime.bigint();
      bareRows = (await bare.query(q)).rowCount ?? 0;
      bareMs.push(ms(t0));
    }
    await bare.end();
    return { items: first.page.items.length, bareRows, server: median(server), serverP99: [...server].sort((a, b) => a - b)[Math.floor(server.length * 0.99)]!, client: median(client), bare: median(bareMs), requests, from, to };
  } finally {
    await s.stop();
    await db.drop();
  }
}

const CONNECTIONS = [10, 50];
const SECONDS = Number(process.env.TELE_BENCH_SECONDS ?? 5);
const REPEATS = Number(process.env.TELE_BENCH_REPEATS ?? 3);

/** Item 4: one and two processes on one database, two loads at once for two (summed req/s, the worse p50/p99). */
async function throughput() {
  step("API throughput on one and two processes");
  const { s, db } = await pgServer("api");
  let bare: Awaited<ReturnType<typeof startBare>> | undefined;
  try {
    const b = await s.another();
    const auth = { authorization: `Bearer ${s.token}` };
    const client = await call(s.url, s.token, "POST", "/api/v1/clients", { name: "Bench Client", email: "client@bench.example", state: "NY" });
    const read = await call(s.url, s.token, "GET", `/api/v1/clients/${client.json.id}`);
    bare = await startBare(read.text);
    const readT = (x: BenchServer): Target => ({ name: "read", url: `${x.url}/api/v1/clients/${client.json.id}`, pid: x.pid, headers: auth });
    const writeT = (x: BenchServer): Target => ({ name: "write", url: `${x.url}/api/v1/practice`, pid: x.pid, method: "PATCH",
      headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ contact: "(555) 010-0100" }) });
    const bareT: Target = { name: "bare", url: `${bare.url}/bare`, pid: bare.child.pid! };
    const cases: { name: string; targets: Target[] }[] = [
      { name: "bare Fastify route, same bytes (one process)", targets: [bareT] },
      { name: "audited read `GET /api/v1/clients/:id`, one process", targets: [readT(s)] },
      { name: "audited read, two processes", targets: [readT(s), readT(b)] },
      { name: "write `PATCH /api/v1/practice`, one process", targets: [writeT(s)] },
      { name: "write, two processes", targets: [writeT(s), writeT(b)] },
    ];
    for (const c of cases) for (const t of c.targets) await load(t, 10, 1); // warm every path on both processes
    const samples = new Map<string, Sample[]>();
    for (let rep = 0; rep < REPEATS; rep++) {
      for (const conns of CONNECTIONS) {
        for (const c of cases) {
          // Two processes: one load each, at once, each with the connections (as a round-robin balancer would split 2× the clients).
          const xs = await Promise.all(c.targets.map((t) => load(t, conns, SECONDS)));
          const sum: Sample = { rps: xs.reduce((a, x) => a + x.rps, 0), p50: Math.max(...xs.map((x) => x.p50)), p99: Math.max(...xs.map((x) => x.p99)),
            cpuUs: xs.reduce((a, x) => a + x.cpuUs * x.rps, 0) / xs.reduce((a, x) => a + x.rps, 0) }; // server CPU per request, over both
          const key = `${c.name}@${conns}`;
          samples.set(key, [...(samples.get(key) ?? []), sum]);
        }
      }
    }
    return { cases, samples };
  } finally {
    bare?.child.kill("SIGTERM");
    await s.stop();
    await db.drop();
  }
}

export interface PgProductOptions { rows: number; monthRows: number; runs: number; monthRequests?: number }

/** Items 1–4 as one table of text; `ok` when every target is met. */
export async function pgProductFigures(o: PgProductOptions): Promise<{ text: string; ok: boolean }> {
  let ok = true;
  const mark = (pass: boolean) => ((ok &&= pass), pass ? "met" : "MISSED");
  const n = o.rows.toLocaleString("en-US");
  const out: string[] = [];

  const ic = await importConvert(o.rows, o.runs);
  out.push(`| figure on PostgreSQL (median of ${o.runs} run${o.runs > 1 ? "s" : ""}) | tele | bare baseline | ratio | target | |`, "|---|---|---|---|---|---|");
  out.push(`| import ${n} appointments (\`tele appointments import\`, server on PostgreSQL) | ${ic.import.toFixed(0)} ms | multi-row INSERTs of 1,000, one transaction, app role: ${ic.insert.toFixed(0)} ms | ${(ic.import / ic.insert).toFixed(2)}× | ≤ 4× | ${mark(ic.import / ic.insert <= 4)} |`);
  out.push(`| (the same import) | ${ic.import.toFixed(0)} ms | COPY, owner (no row-level security): ${ic.copy.toFixed(0)} ms | ${(ic.import / ic.copy).toFixed(2)}× | ≤ 4× | ${mark(ic.import / ic.copy <= 4)} |`);
  out.push(`| bulk conversion of ${n}, dry run (API, ${ic.applies} conversions) | ${ic.dry.toFixed(0)} ms | one UPDATE: ${ic.update.toFixed(0)} ms | ${(ic.dry / ic.update).toFixed(2)}× | ≤ 3× | ${mark(ic.dry / ic.update <= 3)} |`);
  out.push(`| bulk conversion of ${n}, apply (API, ${ic.applies} conversions) | ${ic.apply.toFixed(0)} ms | one UPDATE: ${ic.update.toFixed(0)} ms | ${(ic.apply / ic.update).toFixed(2)}× | ≤ 3× | ${mark(ic.apply / ic.update <= 3)} |`);

  const tp = await throughput();
  const rowsOut: string[] = [];
  for (const conns of CONNECTIONS) {
    const med = (name: string) => {
      const xs = tp.samples.get(`${name}@${conns}`)!;
      return { rps: median(xs.map((x) => x.rps)), p50: median(xs.map((x) => x.p50)), p99: median(xs.map((x) => x.p99)), cpuUs: median(xs.map((x) => x.cpuUs)) };
    };
    const base = med(tp.cases[0]!.name);
    for (const [i, c] of tp.cases.entries()) {
      const m = med(c.name);
      let target = "", verdict = "";
      const ofBare = `${Math.round((m.rps / base.rps) * 100)} %`;
      let vsOne = "";
      if (c.targets.length === 2) {
        const one = med(tp.cases[i - 1]!.name);
        vsOne = `${(m.rps / one.rps).toFixed(2)}× one`;
        target = "≥ 1.6× one";
        verdict = mark(m.rps / one.rps >= 1.6);
      } else if (c.name.startsWith("audited read")) {
        target = "≥ 50 % of bare";
        verdict = mark(m.rps / base.rps >= 0.5);
      }
      rowsOut.push(`| ${c.name} | ${conns}${c.targets.length === 2 ? " each" : ""} | ${Math.round(m.rps)} | ${m.p50} ms | ${m.p99} ms | ${i === 0 ? "baseline" : ofBare} | ${Number.isNaN(m.cpuUs) ? "–" : `${Math.round(m.cpuUs)} µs`} | ${vsOne} | ${target} | ${verdict} |`);
    }
  }
  out.push("", `| API on PostgreSQL (median of ${REPEATS} × ${SECONDS} s; two processes: two loads at once, req/s summed, the worse p50/p99) | connections | req/s | p50 | p99 | of bare req/s | server CPU per request | two vs one | target | |`,
    "|---|---|---|---|---|---|---|---|---|---|", ...rowsOut);

  const m = await month(o.monthRows, o.monthRequests ?? 200);
  out.push("", `| one therapist's month out of ${o.monthRows.toLocaleString("en-US")} (${m.items} appointments, ${m.from}–${m.to}, median of ${m.requests}) | server's own time (log responseTime) | client, keep-alive loopback | bare SELECT (app role) | target | |`,
    "|---|---|---|---|---|---|",
    `| \`GET /api/v1/appointments?therapist=…&from=…&to=…\` | ${m.server.toFixed(2)} ms (p99 ${m.serverP99.toFixed(2)} ms) | ${m.client.toFixed(2)} ms | ${m.bare.toFixed(2)} ms (${m.bareRows} rows; server ${(m.server / m.bare).toFixed(1)}×) | < 10 ms server-side | ${mark(m.server < 10)} |`);
  return { text: `PostgreSQL, the product beside bare pg (same run):\n\n${out.join("\n")}`, ok };
}
