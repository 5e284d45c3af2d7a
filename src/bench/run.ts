import { apiFigures } from "./api.js";
import { bulkFigures } from "./bulk.js";
import { listingFigures } from "./listing.js";
import { pgProductFigures } from "./pg-product.js";
import { pgStoreFigures } from "./pg-store.js";
import { scaleFigures } from "./scale.js";
import { scaleImportFigures } from "./scale-import.js";
import { report, type Figure } from "./stats.js";
import { startupFigures } from "./startup.js";
import { videoFigures } from "./video.js";

/** `npm run bench`: every figure beside its bare baseline measured in the same run, medians of several runs. */
async function main() {
  const only = process.argv[2];
  const figures: Figure[] = [];
  /** Tables that are not milliseconds (throughput under load), printed after the timing table. */
  const tables: { text: string; ok: boolean }[] = [];
  const step = async (name: string, f: () => Promise<void> | void) => {
    if (only && only !== name) return;
    process.stderr.write(`bench: ${name}…\n`);
    await f();
  };
  await step("startup", () => void figures.push(...startupFigures()));
  // `-- bulk --notify`: with every client told of each change (R23); `--runs N` for fewer runs on a loaded machine.
  const runs = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 3;
  await step("bulk", async () => void figures.push(...(await bulkFigures(runs, process.argv.includes("--notify")))));
  await step("listing", async () => void figures.push(...(await listingFigures())));
  await step("video", async () => void figures.push(...(await videoFigures())));
  await step("api", async () => void tables.push(await apiFigures()));
  // PostgreSQL (issue 13): only when asked for by name, as it needs a server (TELE_BENCH_PG_URL or TELE_TEST_PG_URL).
  if (only === "postgres") {
    const arg = (name: string) => Number(process.argv[process.argv.indexOf(name) + 1]) || undefined;
    const rows = arg("--rows") ?? 100_000;
    // The product (pg-product.ts): `--rows` scales the import and conversion, `--month-rows` the month's practice; one run unless `--runs N`.
    const product = { rows, monthRows: arg("--month-rows") ?? 1_000_000, runs: arg("--runs") ?? 1 };
    await step("postgres", async () => {
      tables.push(await pgStoreFigures(rows));
      tables.push(await pgProductFigures(product));
    });
  }
  // Minutes, not seconds: only when asked for by name. Two halves: the listing (figures) and the import (a table).
  if (only === "scale") {
    await step("scale", async () => {
      figures.push(...(await scaleFigures()));
      tables.push(await scaleImportFigures());
    });
  }
  const timing = figures.length ? [report(figures)] : [];
  const all = [...timing, ...tables];
  process.stdout.write(`${all.map((t) => t.text).join("\n\n")}\n\nmachine: ${process.platform} ${process.arch}, node ${process.version}\n`);
  process.exitCode = all.every((t) => t.ok) ? 0 : 1;
}

await main();
