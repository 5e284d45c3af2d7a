import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
/** The `tele` under test; TELE_BENCH_BIN points at another build's `bin/tele` to measure it beside this one. */
export const TELE = process.env.TELE_BENCH_BIN ?? join(ROOT, "bin", "tele");

/** A free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
    s.on("error", fail);
  });
}

export function tempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `tele-bench-${name}-`));
}

/** Runs the real `tele` binary and returns its parsed `--json` stdout. */
export function teleJson<T>(args: string[], env: NodeJS.ProcessEnv = {}): T {
  const r = spawnSync(process.execPath, [TELE, ...args, "--json"], {
    env: { ...process.env, NO_COLOR: "1", ...env }, encoding: "utf8", maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`tele ${args.join(" ")} exited ${r.status}: ${r.stderr.slice(0, 800)}`);
  return JSON.parse(r.stdout) as T;
}

/** A practice in a fresh data dir, served by `tele server start` in a child process. */
export interface BenchServer {
  url: string;
  token: string;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  /** The server process, for reading its CPU time. */
  pid: number;
  /** Its stdout, when started with `stdout: "pipe"` (its JSON log at TELE_LOG_LEVEL=info). */
  stdout?: NodeJS.ReadableStream;
  /** One more `tele server start` on the same data dir and database (several processes, issue 13); stopped with this one. */
  another(): Promise<BenchServer>;
  stop(): Promise<void>;
}

/** `env` goes to `tele init` and the server (e.g. TELE_DATABASE_URL for PostgreSQL); `stdout: "pipe"` keeps the server's log. */
export interface BenchServerOptions {
  env?: Record<string, string>;
  stdout?: "pipe";
}

/** `nodeArgs` go to the server's node (TELE_BENCH_PROF=dir adds `--cpu-prof` there, for a profile under load). */
export async function startBenchServer(name: string, nodeArgs: string[] = [], opts: BenchServerOptions = {}): Promise<BenchServer> {
  const dataDir = tempDir(name);
  const configDir = join(dataDir, "config");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const base = { TELE_CONFIG_DIR: configDir, TELE_LOG_LEVEL: "warn", ...opts.env };
  const init = teleJson<{ token: string }>([
    "init", "--practice", "Bench Practice", "--state", "NY", "--timezone", "America/New_York",
    "--owner-name", "Bench Owner", "--owner-email", "owner@bench.example", "--data-dir", dataDir, "--url", url,
  ], base);
  const others: BenchServer[] = [];
  const serve = async (port: number, url: string): Promise<{ child: ChildProcess }> => {
    const child: ChildProcess = spawn(process.execPath, [...nodeArgs, TELE, "server", "start", "--data-dir", dataDir, "--port", String(port)], {
      env: { ...process.env, ...base }, stdio: ["ignore", opts.stdout ?? "ignore", "inherit"],
    });
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${url}/healthz`)).ok) break;
      } catch {
        if (i > 400 || child.exitCode !== null) throw new Error("the bench server did not start");
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    return { child };
  };
  const stopChild = async (child: ChildProcess) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  };
  const server = (child: ChildProcess, url: string, main: boolean): BenchServer => ({
    url, token: init.token, dataDir, pid: child.pid!, stdout: child.stdout ?? undefined, env: { ...base, TELE_URL: url, TELE_TOKEN: init.token },
    another: async () => {
      const p = await freePort();
      const u = `http://127.0.0.1:${p}`;
      const s = server((await serve(p, u)).child, u, false);
      others.push(s);
      return s;
    },
    stop: async () => {
      if (!main) return stopChild(child);
      for (const o of others.splice(0)) await o.stop();
      await stopChild(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
  return server((await serve(port, url)).child, url, true);
}
