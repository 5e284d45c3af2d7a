import { spawnSync, type SpawnSyncOptions } from "node:child_process";

/** The median of a list of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Milliseconds that `fn` takes. */
export async function timeIt(fn: () => unknown): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** Runs a command and returns its wall-clock milliseconds; throws when it fails. */
export function timeCommand(cmd: string, args: string[], opts: SpawnSyncOptions = {}): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"], ...opts });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${String(r.stderr).slice(0, 500)}`);
  return ms;
}

export interface Figure {
  name: string;
  ms: number;
  baselineName: string;
  baselineMs: number;
  /** Absolute target in ms, and the largest allowed ratio to the baseline. */
  targetMs: number;
  maxRatio?: number;
  runs: number;
  /** What `ms`, `baselineMs` and `targetMs` count, when not milliseconds (e.g. "KB" for page weight). */
  unit?: string;
}

/** One line per figure: the figure, its baseline, the ratio, and whether both targets are met. */
export function report(figures: Figure[]): { text: string; ok: boolean } {
  let ok = true;
  const rows = figures.map((f) => {
    const ratio = f.ms / f.baselineMs;
    const pass = f.ms < f.targetMs && (f.maxRatio === undefined || ratio <= f.maxRatio);
    ok &&= pass;
    const u = f.unit ?? "ms";
    return `| ${f.name} | ${f.ms.toFixed(1)} ${u} | ${f.baselineName}: ${f.baselineMs.toFixed(1)} ${u} | ${ratio.toFixed(2)}× | < ${f.targetMs} ${u}${f.maxRatio ? `, ≤ ${f.maxRatio}×` : ""} | ${pass ? "met" : "MISSED"} |`;
  });
  const head = "| figure (median) | tele | bare baseline | ratio | target | |\n|---|---|---|---|---|---|";
  return { text: [head, ...rows].join("\n"), ok };
}
