/** `tele practice consent show [VERSION]`: the practice's telehealth consent text and its metadata (R26). */
import { ConsentVersion } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { newTele } from "../../context.js";
import { formatTime, printable, printJson } from "../../output.js";
import { wholeNumber } from "../../values.js";

/** The text for a terminal: every line made printable, its line breaks and tabs kept. */
const terminalText = (text: string) => text.split("\n").map((line) => line.split("\t").map(printable).join("\t")).join("\n");

/** Prints the version's metadata, a blank line, and the text. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const given = args.positionals[0];
  const version = typeof given === "string" ? wholeNumber(ctx, given, "VERSION", "a version number, such as 2") : undefined;
  await ctx.tele(); // signed in (or the usual error)
  // The human-mode client escapes every control character of a reply, newlines too; this text keeps its lines.
  const { url, token } = await ctx.connection();
  const consent = await (await newTele(url!, token!, true)).consent.get(version);
  if (ctx.json) {
    printJson(ctx.io, ConsentVersion, consent);
    return 0;
  }
  const timeZone = await ctx.timeZone();
  const rows = [
    ["Version", `${consent.version}${consent.current ? " (current)" : " (not current)"}`],
    ["Set", `${formatTime(consent.createdAt, timeZone)} (${timeZone}) by ${printable(consent.createdBy)}`],
    ["SHA-256", consent.hash],
  ];
  for (const [label, value] of rows) ctx.io.out(`${ctx.paint.bold(label!.padEnd(7))}  ${value}\n`);
  ctx.io.out(`\n${terminalText(consent.text)}\n`);
  return 0;
}
