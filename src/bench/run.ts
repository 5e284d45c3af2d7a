import { bulkFigures } from "./bulk.js";
import { listingFigures } from "./listing.js";
import { report, type Figure } from "./stats.js";
import { startupFigures } from "./startup.js";
import { videoFigures } from "./video.js";

/** `npm run bench`: every figure beside its bare baseline measured in the same run, medians of several runs. */
async function main() {
  const only = process.argv[2];
  const figures: Figure[] = [];
  const step = async (name: string, f: () => Promise<Figure[]> | Figure[]) => {
    if (only && only !== name) return;
    process.stderr.write(`bench: ${name}…\n`);
    figures.push(...(await f()));
  };
  await step("startup", () => startupFigures());
  await step("bulk", () => bulkFigures());
  await step("listing", () => listingFigures());
  await step("video", () => videoFigures());
  const { text, ok } = report(figures);
  process.stdout.write(`${text}\n\nmachine: ${process.platform} ${process.arch}, node ${process.version}\n`);
  process.exitCode = ok ? 0 : 1;
}

await main();
