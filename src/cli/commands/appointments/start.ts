/**
 * `--start` read as the server will read it (R9), before anything is sent: a time the practice's
 * zone skips is a usage error, and one it passes twice (the fall-back hour) is asked about on a
 * terminal, both readings shown with their UTC instants, and sent with the chosen offset. Without a
 * terminal it is a usage error that says which offset to add. Nothing is chosen silently.
 */
import { exactLocalTime, isoUtc, LocalTimeError } from "../../../sdk/schemas/time.js";
import type { CommandContext } from "../../context.js";
import { helpHint, UsageError } from "../../errors.js";

const HAS_OFFSET = /(?:Z|[+-]\d{2}:?\d{2})$/i;

/** The start to send: as given when it names one instant, else the reading the user chose. */
export async function exactStart(ctx: CommandContext, start: string): Promise<string> {
  if (HAS_OFFSET.test(start.trim())) return start;
  const timeZone = await ctx.timeZone();
  try {
    exactLocalTime(start, timeZone);
    return start;
  } catch (err) {
    if (!(err instanceof LocalTimeError)) throw new UsageError(`--start ${(err as Error).message}`, helpHint(ctx.command));
    if (err.code !== "ambiguous_local_time" || !ctx.interactive) {
      const hint = err.code === "ambiguous_local_time" ? `add the offset you mean, such as --start ${err.readings[0]!.withOffset}` : helpHint(ctx.command);
      throw new UsageError(`--start ${err.message}`, hint, err.code);
    }
    const [first, second] = err.readings as [typeof err.readings[0], typeof err.readings[0]];
    ctx.io.err(
      `${start.trim()} happens twice in ${timeZone} (the clocks go back). Which one do you mean?\n` +
        `  1) ${first.withOffset}  ${first.abbreviation}, ${isoUtc(first.epochMs)}\n` +
        `  2) ${second.withOffset}  ${second.abbreviation}, ${isoUtc(second.epochMs)}\n`,
    );
    const answer = await ctx.io.prompt(`1 (${first.abbreviation}) or 2 (${second.abbreviation})`, {
      validate: (a) => (["1", "2", first.abbreviation, second.abbreviation].includes(a.trim().toUpperCase()) ? true : "answer 1 or 2"),
    });
    const a = answer.trim().toUpperCase();
    return a === "1" || a === first.abbreviation ? first.withOffset : second.withOffset;
  }
}
