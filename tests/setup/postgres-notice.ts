/**
 * Vitest global setup: on a machine without PostgreSQL (TELE_TEST_PG_URL unset), says at the end of
 * the run which test files held PostgreSQL suites that were skipped, and how to run them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { PG_ENV, PG_RUN_HINT } from "../helpers/pg.js";

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(join(dir, e.name)) : e.name.endsWith(".test.ts") ? [join(dir, e.name)] : []);
}

export default function setup(): () => void {
  return () => {
    if (process.env[PG_ENV]) return;
    const root = join(import.meta.dirname, "..");
    const files = testFiles(root).filter((f) => readFileSync(f, "utf8").includes("describePg(")).map((f) => relative(join(root, ".."), f));
    if (files.length === 0) return;
    process.stdout.write(`\nPostgreSQL tests NOT run (${PG_ENV} is not set), in:\n${files.map((f) => `  ${f}\n`).join("")}` +
      `To run them on this machine (as root: installs and starts PostgreSQL when missing):\n  ${PG_RUN_HINT} ${files.join(" ")}\n\n`);
  };
}
