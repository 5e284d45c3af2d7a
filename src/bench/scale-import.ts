/**
 * `npm run bench -- scale`, the import half (issue 14): 1,000,000 appointments through the real
 * `tele appointments import` and the real server, with the time and both processes' peak memory,
 * beside bare INSERTs of the same rows measured in the same run. Targets: ≤ 2× the bare inserts,
 * the server under 300 MB. (The list half is scale-list.ts, in the same group.)
 */
import { spawn } from "node:child_process";
import { createWriteStream, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bareBaseline } from "./bulk.js";
import { appointments, clientsCsv, clientEmail, THERAPISTS, therapistEmail, type BenchAppointment } from "./data.js";
import { startBenchServer, teleJson, tempDir, TELE } from "./harness.js";

const N = Number(process.env.TELE_BENCH_SCALE_ROWS ?? 1_000_000);
const MAX_RATIO = 2;
const SERVER_MB = 300;

/** A process's peak resident memory so far, in MB (VmHWM, Linux; NaN elsewhere). */
export function peakMb(pid: number): number {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb ? Number(kb) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Runs the real binary, sampling its peak memory until it exits; its time in ms and peak in MB. */
export function timeWithPeak(args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; peak: number; stdout: string }> {
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [TELE, ...args], { env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let peak = 0, stdout = "", stderr = "";
  const timer = setInterval(() => (peak = Math.max(peak, peakMb(child.pid!) || 0)), 50);
  child.stdout!.on("data", (d: Buffer) => (stdout += d));
  child.stderr!.on("data", (d: Buffer) => (stderr += d));
  return new Promise((ok, fail) => {
    child.once("exit", (code) => {
      clearInterval(timer);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) fail(new Error(`tele ${args.join(" ")} exited ${code}: ${stderr.slice(0, 800)}`));
      else ok({ ms, peak, stdout });
    });
  });
}

/** The appointments CSV written a line at a time (a million rows is 70 MB of text). */
async function writeCsv(file: string, rows: BenchAppointment[]): Promise<void> {
  const out = createWriteStream(file);
  out.write("therapist,client,start,duration_minutes,telehealth\n");
  let buf = "";
  for (const r of rows) {
    buf += `${therapistEmail(r.therapist)},${clientEmail(r.client)},${r.start},${r.minutes},no\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((ok) => out.once("drain", () => ok()));
      buf = "";
    }
  }
  out.end(buf);
  await new Promise<void>((ok) => out.once("finish", () => ok()));
}

export async function scaleImportFigures(): Promise<{ text: string; ok: boolean }> {
  const firstDay = Date.parse(new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10));
  const rows = appointments(N, firstDay);
  const work = tempDir("scale-files");
  const apptFile = join(work, "appointments.csv");
  const clientFile = join(work, "clients.csv");
  await writeCsv(apptFile, rows);
  writeFileSync(clientFile, clientsCsv());
  const s = await startBenchServer("scale-import");
  let tele: { ms: number; peak: number; stdout: string }, serverPeak: number, serverBefore: number;
  try {
    for (let t = 0; t < THERAPISTS; t++) {
      teleJson(["staff", "add", "--name", `Therapist ${t}`, "--email", therapistEmail(t), "--role", "therapist"], s.env);
      teleJson(["staff", "enable", therapistEmail(t)], s.env);
    }
    teleJson(["clients", "import", clientFile], s.env);
    serverBefore = peakMb(s.pid);
    tele = await timeWithPeak(["appointments", "import", apptFile, "--json"], s.env);
    serverPeak = peakMb(s.pid);
    const created = (JSON.parse(tele.stdout) as { created: number }).created;
    if (created !== N) throw new Error(`expected ${N} appointments imported, got ${created}`);
  } finally {
    await s.stop();
    rmSync(work, { recursive: true, force: true });
  }
  const bare = bareBaseline(rows, 1);
  const ratio = tele.ms / bare.insert;
  const pass = ratio <= MAX_RATIO && serverPeak < SERVER_MB;
  const n = N.toLocaleString("en-US");
  const text = [
    "| scale: import | tele | bare baseline | ratio | server peak RSS | CLI peak RSS | target | |",
    "|---|---|---|---|---|---|---|---|",
    `| import ${n} appointments (\`tele appointments import\`, streamed) | ${(tele.ms / 1000).toFixed(1)} s | bare INSERTs, one transaction: ${(bare.insert / 1000).toFixed(1)} s | ${ratio.toFixed(2)}× | ${Math.round(serverPeak)} MB (${Math.round(serverBefore)} MB before) | ${Math.round(tele.peak)} MB | ≤ ${MAX_RATIO}×, server < ${SERVER_MB} MB | ${pass ? "met" : "MISSED"} |`,
  ].join("\n");
  return { text, ok: pass };
}
