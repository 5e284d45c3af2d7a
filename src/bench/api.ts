import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import autocannon from "autocannon";
import { startBenchServer } from "./harness.js";
import { median } from "./stats.js";

/** One endpoint under load: what autocannon sends. */
export interface Target {
  name: string;
  url: string;
  /** The process that answers, whose CPU time is charged to the requests. */
  pid: number;
  method?: "GET" | "PATCH";
  headers?: Record<string, string>;
  body?: string;
}

/** Requests per second, latency in ms, and the answering process's CPU time per request in µs. */
export interface Sample { rps: number; p50: number; p99: number; cpuUs: number }

const CONNECTIONS = [10, 50];
const SECONDS = Number(process.env.TELE_BENCH_SECONDS ?? 5);
const REPEATS = Number(process.env.TELE_BENCH_REPEATS ?? 3);

/**
 * CPU time (user + system, ms) a process has used, from /proc (Linux; NaN elsewhere). On a shared
 * machine req/s moves with the neighbours' load; CPU per request much less.
 */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime in clock ticks of 10 ms
  } catch {
    return NaN;
  }
}

/** One bounded autocannon run against loopback; any non-2xx answer or socket error voids the figure. */
export async function load(t: Target, connections: number, duration: number): Promise<Sample> {
  const cpu0 = cpuMs(t.pid);
  const r = await autocannon({ url: t.url, method: t.method ?? "GET", headers: t.headers, body: t.body, connections, duration });
  if (r.non2xx || r.errors || r.timeouts) {
    throw new Error(`${t.name}: ${r.non2xx} non-2xx answers, ${r.errors} errors, ${r.timeouts} timeouts under load`);
  }
  const cpuUs = ((cpuMs(t.pid) - cpu0) * 1000) / r.requests.total;
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, cpuUs };
}

/** The bare Fastify route in its own process, answering with `body`. */
export function startBare(body: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, "bare-server.js")], {
    env: { ...process.env, BENCH_BODY: body }, stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((ok, fail) => {
    child.stdout!.once("data", (d: Buffer) => ok({ url: String(d).trim(), child }));
    child.once("exit", (code) => fail(new Error(`the bare server exited ${code}`)));
  });
}

export async function call(url: string, token: string, method: string, path: string, body?: unknown): Promise<{ text: string; json: any }> {
  const res = await fetch(url + path, {
    method, headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return { text, json: JSON.parse(text) };
}

/**
 * `npm run bench -- api`: req/s and latency of an audited read, /healthz and a write at 10 and 50
 * connections, beside a bare Fastify route returning the read's bytes, interleaved in one run.
 */
export async function apiFigures(): Promise<{ text: string; ok: boolean }> {
  const prof = process.env.TELE_BENCH_PROF;
  const s = await startBenchServer("api", prof ? ["--cpu-prof", `--cpu-prof-dir=${prof}`] : []);
  let bare: { url: string; child: ChildProcess } | undefined;
  try {
    const auth = { authorization: `Bearer ${s.token}` };
    const client = await call(s.url, s.token, "POST", "/api/v1/clients", { name: "Bench Client", email: "client@bench.example", state: "NY" });
    const read = await call(s.url, s.token, "GET", `/api/v1/clients/${client.json.id}`);
    bare = await startBare(read.text);
    const targets: Target[] = [
      { name: "bare Fastify route, same bytes", url: `${bare.url}/bare`, pid: bare.child.pid! },
      { name: "`GET /healthz`", url: `${s.url}/healthz`, pid: s.pid },
      { name: "audited read: `GET /api/v1/clients/:id`", url: `${s.url}/api/v1/clients/${client.json.id}`, pid: s.pid, headers: auth },
      { name: "write: `PATCH /api/v1/practice`", url: `${s.url}/api/v1/practice`, pid: s.pid, method: "PATCH",
        headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ contact: "(555) 010-0100" }) },
    ];
    for (const t of targets) await load(t, 10, 1); // warm up every path (JIT, statement cache, page cache)
    const samples = new Map<string, Sample[]>();
    for (let rep = 0; rep < REPEATS; rep++) {
      for (const c of CONNECTIONS) {
        for (const t of targets) {
          const key = `${t.name}@${c}`;
          samples.set(key, [...(samples.get(key) ?? []), await load(t, c, SECONDS)]);
        }
      }
    }
    return table(targets, samples);
  } finally {
    bare?.child.kill("SIGTERM");
    await s.stop();
  }
}

/** Medians per endpoint and connection count; the audited read must reach half the bare route, p99 < 50 ms at 50. */
function table(targets: Target[], samples: Map<string, Sample[]>): { text: string; ok: boolean } {
  let ok = true;
  const rows: string[] = [];
  for (const c of CONNECTIONS) {
    const med = (t: Target) => {
      const xs = samples.get(`${t.name}@${c}`)!;
      const of = (k: keyof Sample) => median(xs.map((x) => x[k]));
      return { rps: of("rps"), p50: of("p50"), p99: of("p99"), cpuUs: of("cpuUs") };
    };
    const base = med(targets[0]!);
    for (const [i, t] of targets.entries()) {
      const m = med(t);
      const ratio = m.rps / base.rps;
      let target = "", pass = true;
      if (t.name.startsWith("audited read")) {
        pass = ratio >= 0.5 && (c < 50 || m.p99 < 50);
        target = c < 50 ? "≥ 50 % of bare" : "≥ 50 % of bare, p99 < 50 ms";
        ok &&= pass;
      }
      const cpu = Number.isNaN(m.cpuUs) ? "–" : `${Math.round(m.cpuUs)} µs${i === 0 ? "" : ` (${(m.cpuUs / base.cpuUs).toFixed(1)}×)`}`;
      rows.push(`| ${t.name} | ${c} | ${Math.round(m.rps)} | ${m.p50} ms | ${m.p99} ms | ${i === 0 ? "baseline" : `${Math.round(ratio * 100)} %`} | ${cpu} | ${target} | ${target ? (pass ? "met" : "MISSED") : ""} |`);
    }
  }
  const head = `| endpoint (median of ${REPEATS} × ${SECONDS} s) | connections | req/s | p50 | p99 | of bare req/s | server CPU per request | target | |\n|---|---|---|---|---|---|---|---|---|`;
  return { text: [head, ...rows].join("\n"), ok };
}
