/** `tele practice consent set FILE`: a new version of the practice's telehealth consent text (R26; owner or manager). */
import { readFile } from "node:fs/promises";
import { ConsentSetResult, decodeCsvBytes, UndecodableTextError } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { UsageError, helpHint } from "../../errors.js";
import { formatTime, printJson } from "../../output.js";
import { required } from "../../values.js";

/** The text of FILE: UTF-8 (or UTF-16 with a byte-order mark); anything else is a usage error naming the line. */
export async function consentFileText(ctx: CommandContext, path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why = code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a directory" : `cannot be read (${code ?? "error"})`;
    throw new UsageError(`${path} ${why}`, `check the path, then run "tele practice consent set FILE"`);
  }
  try {
    return decodeCsvBytes(bytes, "utf-8").text;
  } catch (err) {
    if (err instanceof UndecodableTextError) throw new UsageError(`${path}: ${err.message}; save it as UTF-8 text`, helpHint(ctx.command));
    throw err;
  }
}

/** Sends the file's text and says which version is current now, and whether this made it. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const path = await required(ctx, args.positionals[0], "FILE", "Consent text file");
  const text = await consentFileText(ctx, path);
  const tele = await ctx.tele();
  const result = await tele.consent.set(text);
  if (ctx.json) {
    printJson(ctx.io, ConsentSetResult, result);
    return 0;
  }
  const when = formatTime(result.createdAt, await ctx.timeZone());
  ctx.io.out(result.created
    ? `Consent text version ${result.version} set (SHA-256 ${result.hash}). Clients accept it in the portal before their next telehealth session.\n`
    : `No new version: ${path} is the current consent text already (version ${result.version}, set ${when}, SHA-256 ${result.hash}).\n`);
  return 0;
}
