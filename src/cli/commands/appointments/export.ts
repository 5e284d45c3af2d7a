/**
 * `tele appointments export --from D --to D [--format csv|json]`: what a biller needs for claims
 * (R28), written to stdout as it arrives (redirect it to a file). `--json` is `--format json`.
 */
import { ExportQuery } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { UsageError, helpHint } from "../../errors.js";
import { checkedInput, required } from "../../values.js";

const FLAGS = { from: "--from", to: "--to", format: "--format" };

/** The query, checked with the API's schema before any request. */
export async function parseExport(ctx: CommandContext, { flags }: RawArgs): Promise<ExportQuery> {
  const from = await required(ctx, flags.from, "--from", "From (a date such as 2026-12-01)");
  const to = await required(ctx, flags.to, "--to", "To (a date such as 2026-12-31)");
  const format = ctx.json ? "json" : (flags.format as string | undefined) ?? "csv";
  if (ctx.json && flags.format !== undefined && flags.format !== "json") {
    throw new UsageError("--json asks for JSON; leave out --format, or use --format csv without --json", helpHint(ctx.command));
  }
  return checkedInput(ctx, ExportQuery, { from, to, format }, FLAGS);
}

/** Streams the export to stdout. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const query = await parseExport(ctx, args);
  const body = await (await ctx.tele()).appointments.export(query);
  for await (const chunk of body) ctx.io.out(chunk);
  return 0;
}
