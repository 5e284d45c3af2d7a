/**
 * The one rule for confirming a bulk change (issue 10): `--yes` goes ahead; on a terminal the
 * person is asked and the answer defaults to No; without a terminal the command stops before
 * changing anything (exit 2) with a message naming --yes. Bulk commands call these two.
 */
import type { CommandContext } from "./context.js";
import { UsageError } from "./errors.js";
import { note } from "./output.js";

/**
 * Throws the usage error when nobody can confirm: no --yes and no terminal. `what` says what the
 * change touches ("a bulk conversion changes many appointments at once"); `check` is the command
 * that shows what would change.
 */
export function requireConfirmable(ctx: CommandContext, what: string, check: string): void {
  if (ctx.yes || ctx.interactive) return;
  throw new UsageError(`${what}: without a terminal to confirm it, add --yes`, `check what would change with "${check}", then run it again with --yes`, "confirmation_required");
}

/** Asks on the terminal (default No); true with --yes. Says so on stderr when the answer is no. */
export async function confirmBulk(ctx: CommandContext, question: string): Promise<boolean> {
  if (ctx.yes) return true;
  const yes = await ctx.io.confirm(question, false);
  if (!yes) note(ctx.io, "Cancelled; nothing was changed.");
  return yes;
}
