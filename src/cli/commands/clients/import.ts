/** `tele clients import FILE.csv [--dry-run] [--encoding NAME]`. */
import type { CommandContext, RawArgs } from "../../context.js";
import { runImport } from "../import-csv.js";

/** Imports clients from CSV; exit 6 and every bad row when any row is bad. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  return runImport(ctx, args, "clients");
}
