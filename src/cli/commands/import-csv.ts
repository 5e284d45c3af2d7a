/**
 * The CSV import commands of clients and appointments: read the file, send it, and report. An
 * import is all or nothing: on 422 `import_invalid` every bad row is printed by line number and
 * the exit code is 6 (with --json the ImportResult is still printed on stdout).
 */
import { importResultOf } from "../../sdk/resources/common.js";
import { ImportResult } from "../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../context.js";
import { EXIT, ExitError } from "../errors.js";
import { plural, printJson, withProgress } from "../output.js";
import { readCsvFile, required } from "../values.js";

/** Reads the file named by the first positional and imports it. */
export async function runImport(ctx: CommandContext, args: RawArgs, noun: "clients" | "appointments"): Promise<number> {
  const path = await required(ctx, args.positionals[0], "FILE.csv", "CSV file to import");
  const dryRun = args.flags.dryRun === true;
  const csv = await readCsvFile(ctx, path);
  const tele = await ctx.tele();
  const label = dryRun ? `Checking ${path}` : `Importing ${path}`;
  try {
    const send = noun === "clients" ? tele.clients.import(csv, { dryRun, timeoutMs: 600_000 }) : tele.appointments.import(csv, { dryRun, timeoutMs: 600_000 });
    const result = await withProgress(ctx.io, label, send);
    if (ctx.json) printJson(ctx.io, ImportResult, result);
    else printSummary(ctx, result, noun);
    return 0;
  } catch (err) {
    const result = importResultOf(err);
    if (!result) throw err;
    if (ctx.json) printJson(ctx.io, ImportResult, result);
    ctx.io.err(`Bad rows in ${path}:\n`);
    for (const row of result.errors) ctx.io.err(`  line ${row.line}: ${row.message}\n`);
    throw new ExitError(
      EXIT.refused,
      "import_invalid",
      `${plural(result.errors.length, "bad row")} in ${path}; nothing was imported`,
      `fix the rows above, then check again with "tele ${noun} import ${path} --dry-run"`,
      result,
    );
  }
}

function printSummary(ctx: CommandContext, result: ImportResult, noun: string): void {
  const singular = noun === "clients" ? "client" : "appointment";
  if (result.dryRun) {
    ctx.io.out(`Dry run: ${plural(result.rows, "row")} checked, all valid; ${plural(result.rows, singular, noun)} would be imported. Nothing was written.\n`);
  } else {
    ctx.io.out(`Imported ${plural(result.created, singular, noun)} from ${plural(result.rows, "row")}.\n`);
  }
}
