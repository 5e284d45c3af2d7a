/** `tele practice set --contact TEXT`: the practice's settings (owner or manager). */
import { Practice, UpdatePracticeInput } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { UsageError, helpHint } from "../../errors.js";
import { printJson } from "../../output.js";
import { checkedInput } from "../../values.js";

/** The change the flags ask for, checked with the API's schema before any request. */
export function practiceChange(ctx: CommandContext, flags: RawArgs["flags"]): UpdatePracticeInput {
  // Never prompted for: `--contact ""` is a real answer (clear it), so only a missing flag means nothing to set.
  if (flags.contact === undefined) {
    throw new UsageError(`nothing to set: give --contact TEXT, or --contact "" to clear it`, helpHint(ctx.command));
  }
  return checkedInput(ctx, UpdatePracticeInput, { contact: flags.contact }, { contact: "--contact" });
}

/** Sets the contact and says, in one line, what it is now. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const change = practiceChange(ctx, args.flags);
  const practice = await (await ctx.tele()).practices.update(change);
  if (ctx.json) {
    printJson(ctx.io, Practice, practice);
    return 0;
  }
  ctx.io.out(practice.contact === null
    ? `Cleared the contact of ${practice.name}; clients see none when video cannot start.\n`
    : `Contact of ${practice.name} set to ${practice.contact}.\n`);
  return 0;
}
