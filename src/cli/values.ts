/**
 * Reading flag values: checked locally with the shared schemas before any request (a malformed
 * value is a usage error, exit 2), and asked for on a terminal when a required one is missing.
 */
import type { z } from "zod";
import type { CommandContext } from "./context.js";
import { UsageError, helpHint } from "./errors.js";

/** A flag's value checked with a schema; a usage error that names the flag otherwise. */
export function checked<S extends z.ZodType>(ctx: CommandContext, schema: S, value: unknown, flag: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new UsageError(`${flag} ${issue ? readable(issue) : "is not valid"}`, helpHint(ctx.command));
}

/**
 * An input object checked with its schema; each issue is reported under the flag it came from
 * (`flags` maps field names to flag names, such as `durationMinutes` → `--duration`).
 */
export function checkedInput<S extends z.ZodType>(ctx: CommandContext, schema: S, input: unknown, flags: Record<string, string>): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const messages = result.error.issues.map((issue) => {
    const field = String(issue.path[0] ?? "");
    return field ? `${flags[field] ?? field} ${readable(issue)}` : issue.message;
  });
  throw new UsageError(messages.join("; "), helpHint(ctx.command));
}

/** zod's own wording ("Invalid option: expected one of …") in the CLI's ("must be one of a, b"). */
function readable(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_value" && issue.values.length > 0 && issue.message.startsWith("Invalid")) {
    return `must be one of ${issue.values.map(String).join(", ")}`;
  }
  return issue.message;
}

/** Validation for a prompt, using the same schema as the flag. */
export function validatorFor(schema: z.ZodType): (answer: string) => string | true {
  return (answer) => {
    const result = schema.safeParse(answer);
    return result.success ? true : (result.error.issues[0]?.message ?? "is not valid");
  };
}

/**
 * A required value: the flag if given, else an answer on a terminal, else a usage error.
 * The answer is checked with `schema` while asking, so a typo is asked again, not sent.
 */
export async function required(
  ctx: CommandContext,
  value: unknown,
  flag: string,
  question: string,
  options: { schema?: z.ZodType; secret?: boolean; default?: string } = {},
): Promise<string> {
  if (typeof value === "string" && value !== "") return value;
  if (!ctx.interactive) {
    throw new UsageError(`missing ${flag}`, `add ${flag}, or ${helpHint(ctx.command)}`, "usage");
  }
  const validate = options.schema ? validatorFor(options.schema) : nonEmpty;
  return ctx.io.prompt(question, { secret: options.secret, default: options.default, validate });
}

function nonEmpty(answer: string): string | true {
  return answer.trim() === "" ? "must not be empty" : true;
}

/** A whole number from a flag such as `--duration 50`; anything else is a usage error. */
export function wholeNumber(ctx: CommandContext, value: string, flag: string, expected = "a whole number of minutes, such as 50"): number {
  if (!/^\s*\d+\s*$/.test(value)) {
    throw new UsageError(`${flag} must be ${expected}`, helpHint(ctx.command));
  }
  return Number(value);
}

