/**
 * The listing half of `npm run bench -- scale` (issue 14): a practice of 1,000,000 appointments built
 * directly in the server's SQLite file, then `tele appointments list --all --json > file` through the
 * real binary against a real `tele server start`: wall time, the CLI's peak RSS and the server's peak
 * RSS (VmHWM from /proc), beside a bare `SELECT` + `JSON.stringify` written to a file, in the same run.
 * Targets: at most 3× the baseline's time, both processes under 200 MB.
 */
import { spawn } from "node:child_process";
import { closeSync, createReadStream, openSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { appointments } from "./data.js";
import { ROOT, startBenchServer, TELE, tempDir } from "./harness.js";
import { median, type Figure } from "./stats.js";

const TOTAL = Number(process.env.TELE_BENCH_SCALE_ROWS ?? 1_000_000);
const RUNS = Number(process.env.TELE_BENCH_SCALE_RUNS ?? 3);
const THERAPISTS = 50;
const CLIENTS = 5_000;
const MB = 1024 * 1024;

/** Peak resident memory of a live process so far, in bytes (Linux). */
function peakRss(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : 0;
}

/** Runs a node process with stdout to `outFile`, sampling its peak RSS; its time and peak. */
function measured(args: string[], outFile: string, env: NodeJS.ProcessEnv): Promise<{ ms: number; peak: number }> {
  const fd = openSync(outFile, "w");
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", fd, "pipe"] });
  let peak = 0;
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()).slice(-2000));
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, peakRss(child.pid!));
    } catch {
      /* it has just exited */
    }
  }, 20);
  return new Promise((ok, fail) => {
    child.on("exit", (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      clearInterval(timer);
      closeSync(fd);
      if (code !== 0) fail(new Error(`${args.slice(0, 3).join(" ")} exited ${code}: ${stderr.slice(-800)}`));
      else ok({ ms, peak });
    });
  });
}

/** The appointments of one practice, written straight into the server's database file. */
function seed(dbFile: string): void {
  const db = new Database(dbFile);
  db.pragma("busy_timeout = 10000");
  const p = (db.prepare(`SELECT id FROM practices`).pluck().get() as string);
  const now = Date.now();
  db.transaction(() => {
    const st = db.prepare(`INSERT INTO staff (id, practice_id, name, email, roles, teletherapy, created_at) VALUES (?, ?, ?, ?, 'therapist', 1, ?)`);
    for (let t = 0; t < THERAPISTS; t++) st.run(`stf_t${t}`, p, `Therapist ${t}`, `t${t}@scale.example`, now);
    const sc = db.prepare(`INSERT INTO clients (id, practice_id, name, email, state, created_at) VALUES (?, ?, ?, ?, 'NY', ?)`);
    for (let c = 0; c < CLIENTS; c++) sc.run(`cli_c${c}`, p, `Client ${c}`, `c${c}@scale.example`, now);
    const ins = db.prepare(`INSERT INTO appointments (id, practice_id, therapist_id, client_id, start_at, end_at, telehealth, status, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, 0, 'scheduled', ?, ?)`);
    const rows = appointments(TOTAL, Date.parse("2020-01-06"), THERAPISTS, CLIENTS);
    rows.forEach((r, i) => ins.run(`apt_${String(i).padStart(7, "0")}`, p, `stf_t${r.therapist}`, `cli_c${r.client}`, r.startMs, r.startMs + 3_000_000, now, now));
  })();
  db.pragma("optimize");
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
}

/** The bare baseline: one SELECT of the same rows in the same order, JSON.stringify, one file. */
const BASELINE = `import Database from "better-sqlite3"; import { writeFileSync } from "node:fs";
const db = new Database(process.argv[1], { readonly: true });
const rows = db.prepare("SELECT id, therapist_id, client_id, start_at, end_at, telehealth, status, created_at FROM appointments ORDER BY start_at, id").all();
writeFileSync(process.argv[2], JSON.stringify(rows));`;

/** How many objects a streamed JSON array holds: one item to a line, each line opening with "{". */
async function itemsIn(file: string): Promise<number> {
  let n = 0;
  let tail = "";
  for await (const chunk of createReadStream(file, { encoding: "utf8", highWaterMark: 4 * MB })) {
    const text = tail + (chunk as string);
    for (let i = text.indexOf("\n{"); i !== -1; i = text.indexOf("\n{", i + 1)) n++;
    tail = text.slice(-1);
  }
  return n;
}

export async function scaleListFigures(): Promise<Figure[]> {
  const server = await startBenchServer("scale");
  const dbFile = join(server.dataDir, "tele.db");
  process.stderr.write(`bench: scale: seeding ${TOTAL} appointments…\n`);
  seed(dbFile);
  const out = tempDir("scale-out");
  const cli: number[] = [], cliPeak: number[] = [], base: number[] = [], basePeak: number[] = [];
  let bytes = 0;
  let serverPeak = 0;
  try {
    for (let i = 0; i < RUNS; i++) {
      const file = join(out, "list.json");
      const r = await measured([TELE, "appointments", "list", "--all", "--json"], file, server.env);
      const items = await itemsIn(file);
      if (items !== TOTAL) throw new Error(`tele appointments list --all --json printed ${items} appointments, not ${TOTAL}`);
      bytes = statSync(file).size;
      rmSync(file);
      cli.push(r.ms), cliPeak.push(r.peak);
      const b = await measured(["--input-type=module", "-e", BASELINE, dbFile, join(out, "bare.json")], "/dev/null", {});
      rmSync(join(out, "bare.json"));
      base.push(b.ms), basePeak.push(b.peak);
      process.stderr.write(`bench: scale: run ${i + 1}: tele ${(r.ms / 1000).toFixed(1)} s (${(r.peak / MB).toFixed(0)} MB), bare ${(b.ms / 1000).toFixed(1)} s\n`);
    }
  } finally {
    serverPeak = peakRss(server.pid);
    await server.stop();
    rmSync(out, { recursive: true, force: true });
  }
  const n = TOTAL.toLocaleString("en-US");
  const baselineMs = median(base);
  const baselineMb = median(basePeak) / MB;
  return [
    { name: `tele appointments list --all --json, ${n} appointments (${(bytes / MB).toFixed(0)} MB of JSON)`, ms: median(cli), baselineName: "bare SELECT + JSON.stringify to a file", baselineMs, targetMs: 600_000, maxRatio: 3, runs: RUNS },
    { name: `same: CLI peak RSS`, ms: median(cliPeak) / MB, baselineName: "bare baseline's peak RSS", baselineMs: baselineMb, targetMs: 200, runs: RUNS, unit: "MB" },
    { name: `same: server peak RSS (whole run)`, ms: serverPeak / MB, baselineName: "bare baseline's peak RSS", baselineMs: baselineMb, targetMs: 200, runs: RUNS, unit: "MB" },
  ];
}
