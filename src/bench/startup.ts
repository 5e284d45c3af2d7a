import { median, timeCommand, type Figure } from "./stats.js";
import { TELE } from "./harness.js";

/** `tele --version` and `tele --help` against `node -e 0`, interleaved so both see the same machine. */
export function startupFigures(runs = 21): Figure[] {
  const node: number[] = [], version: number[] = [], help: number[] = [];
  for (let i = 0; i < runs; i++) {
    node.push(timeCommand(process.execPath, ["-e", "0"]));
    version.push(timeCommand(process.execPath, [TELE, "--version"]));
    help.push(timeCommand(process.execPath, [TELE, "--help"]));
  }
  const baselineMs = median(node);
  return [
    { name: "`tele --version`", ms: median(version), baselineName: "node -e 0", baselineMs, targetMs: 150, maxRatio: 2, runs },
    { name: "`tele --help`", ms: median(help), baselineName: "node -e 0", baselineMs, targetMs: 150, maxRatio: 2, runs },
  ];
}
