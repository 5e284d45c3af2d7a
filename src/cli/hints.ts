/**
 * Hints must name things that exist: the flags a hint tells the user to add must belong to the
 * command that was run (a shared rule hint such as "add --allow-past" is dropped for a command
 * without that flag), and the commands it quotes ("tele staff list") must be in the command table
 * (tests/cli/hints.test.ts checks every hint in the source against it).
 */
import type { Command } from "commander";

/** The commands a hint quotes: `"tele staff enable STAFF"` → `staff enable STAFF`. */
export function quotedCommands(text: string): string[] {
  return [...text.matchAll(/"tele ([^"]+)"/g)].map((m) => m[1]!);
}

/** The flags a hint names outside its quoted commands (those belong to the quoted command). */
export function bareFlags(text: string): string[] {
  const outside = text.replace(/"tele [^"]+"/g, "");
  return [...outside.matchAll(/(?:^|[\s(,])(--[a-z][a-z0-9-]*)/g)].map((m) => m[1]!);
}

/** Every long flag a command accepts: its own and its ancestors' (the global ones). */
export function flagsOf(cmd: Command): string[] {
  const flags: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) for (const o of c.options) if (o.long) flags.push(o.long);
  // Built in to every command by commander.
  flags.push("--help");
  return flags;
}

/** The command at a path such as `staff tokens list`, or undefined when there is none. */
export function commandAt(program: Command, path: string): Command | undefined {
  let current: Command | undefined = program;
  for (const word of path.split(" ").filter(Boolean)) current = current?.commands.find((c) => c.name() === word);
  return current;
}

/** Whether every flag the hint tells the user to add is one the command accepts. */
export function hintFits(hint: string, flags: readonly string[]): boolean {
  return bareFlags(hint).every((flag) => flags.includes(flag));
}

/** Schema fields whose flag is not simply the field in kebab case. */
const FIELD_FLAGS: Record<string, string> = { durationMinutes: "--duration", timeZone: "--timezone", startAt: "--start", roles: "--role" };

function flagFor(field: string, flags: readonly string[]): string | undefined {
  const flag = FIELD_FLAGS[field] ?? `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  return flags.includes(flag) ? flag : undefined;
}

/**
 * A server message in the terms of the command that was run: the API's field names become the
 * flags that set them (`durationMinutes: must be…` → `--duration must be…`, `(allowPast)` →
 * `(--allow-past)`); a field the command has no flag for is left as the server wrote it.
 */
export function inFlagTerms(message: string, flags: readonly string[]): string {
  return message
    .replace(/(^|; )([a-z][A-Za-z]*)(?:\.[\w.]+)?: /g, (whole, before: string, field: string) => {
      const flag = flagFor(field, flags);
      return flag ? `${before}${flag} ` : whole;
    })
    .replace(/\(([a-z]+[A-Z][A-Za-z]*)\)/g, (whole, field: string) => {
      const flag = flagFor(field, flags);
      return flag ? `(${flag})` : whole;
    });
}
