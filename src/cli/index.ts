/**
 * The `tele` command line: `run(argv, io)` parses, runs one command and returns its exit code.
 * It never exits the process and writes only through `io`, so tests call it directly.
 */
import { readFileSync } from "node:fs";
import { CommanderError, type Command } from "commander";
import { reportError, UsageError, helpHint, type ErrorContext } from "./errors.js";
import type { Io } from "./io.js";
import { buildProgram, type RunState } from "./program.js";

export { fakeIo, realIo, type FakeIo, type Io } from "./io.js";

let cachedVersion: string | undefined;

/** The package version (read once, from package.json beside dist/ and src/). */
export function version(): string {
  if (!cachedVersion) {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    cachedVersion = pkg.version;
  }
  return cachedVersion;
}

/** Runs `tele` with these arguments (without the program name) and returns the exit code. */
export async function run(argv: string[], io: Io): Promise<number> {
  const state: RunState = { code: 0 };
  const program = buildProgram(io, state, version());
  try {
    await program.parseAsync(argv, { from: "user" });
    return state.code;
  } catch (err) {
    const context: ErrorContext = {
      json: argv.includes("--json"),
      debug: argv.includes("--debug"),
      command: commandFromArgv(program, argv),
      colorErr: io.colorErr,
    };
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return 0;
      return reportError(io, usageFromCommander(err, context.command), context);
    }
    return reportError(io, err, context);
  }
}

/** Commander's parse errors (unknown command or flag, bad value) as our usage error. */
function usageFromCommander(err: CommanderError, command: string): UsageError {
  if (err.code === "commander.help") {
    // A command group (or bare `tele`) without a subcommand: commander printed its help on stderr.
    const where = command ? `tele ${command}` : "tele";
    return new UsageError(`${where} needs a command`, helpHint(command), "usage");
  }
  const message = err.message.replace(/^error: /, "").split("\n")[0];
  const suggestion = err.message.match(/\(Did you mean (.+)\?\)/)?.[1];
  const hint = suggestion ? `did you mean ${suggestion}? Or ${helpHint(command)}` : helpHint(command);
  return new UsageError(message, hint, "usage");
}

/** The deepest known command named in argv (for hints when parsing failed). */
function commandFromArgv(program: Command, argv: string[]): string {
  const names: string[] = [];
  let current = program;
  for (const word of argv) {
    if (word.startsWith("-")) continue;
    const next = current.commands.find((c) => c.name() === word);
    if (!next) break;
    names.push(word);
    current = next;
  }
  return names.join(" ");
}
