/**
 * The `tele` command line: `run(argv, io)` parses, runs one command and returns its exit code.
 * It never exits the process and writes only through `io`, so tests call it directly.
 */
import { readFileSync } from "node:fs";
import { CommanderError, type Command } from "commander";
import { reportError, UsageError, helpHint, type ErrorContext } from "./errors.js";
import { commandAt, flagsOf } from "./hints.js";
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
  const json = argv.includes("--json");
  const program = buildProgram(io, state, version(), { json });
  if (json && leadingWords(program, argv).some((w) => w === "--version" || w === "-V")) {
    io.out(`${JSON.stringify({ version: version() })}\n`);
    return 0;
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return state.code;
  } catch (err) {
    const command = commandFromArgv(program, argv);
    const ran = commandAt(program, command);
    const context: ErrorContext = {
      json,
      debug: argv.includes("--debug"),
      command,
      flags: ran ? flagsOf(ran) : undefined,
      colorErr: io.colorErr,
    };
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return 0;
      return reportError(io, usageFromCommander(err, program, argv), context);
    }
    return reportError(io, err, context);
  }
}

/** Commander's parse errors (unknown command or flag, bad value) as our usage error. */
function usageFromCommander(err: CommanderError, program: Command, argv: string[]): UsageError {
  const command = commandFromArgv(program, argv);
  if (err.code === "commander.help") {
    // A command group (or bare `tele`) without a subcommand: commander printed its help on stderr.
    const where = command ? `tele ${command}` : "tele";
    return new UsageError(`${where} needs a command`, helpHint(command), "usage");
  }
  const message = err.message.replace(/^error: /, "").split("\n")[0];
  const suggested = err.message.match(/\(Did you mean (?:one of )?(.+)\?\)/)?.[1];
  if (!suggested) return new UsageError(message, helpHint(command), "usage");
  const meant = suggested.split(", ").map((suggestion) =>
    `"${err.code === "commander.unknownCommand" ? correctedCommand(program, argv, suggestion) : `tele ${[command, suggestion].filter(Boolean).join(" ")}`}"`);
  return new UsageError(message, `did you mean ${meant.join(" or ")}? Or ${helpHint(command)}`, "usage");
}

/** `tele appointmnts list` → `tele appointments list`: the known words, the suggestion, then the subcommands that follow it. */
function correctedCommand(program: Command, argv: string[], suggestion: string): string {
  const words = commandWords(program, argv);
  const known = commandFromArgv(program, argv).split(" ").filter(Boolean);
  let current: Command | undefined = program;
  for (const name of [...known, suggestion]) current = current?.commands.find((c) => c.name() === name);
  const path = [...known, suggestion];
  for (const word of words.slice(known.length + 1)) {
    const next: Command | undefined = current?.commands.find((c) => c.name() === word);
    if (!next) break;
    path.push(word);
    current = next;
  }
  return `tele ${path.join(" ")}`;
}

/** The words of argv that are not values of the root's options (`--profile x` drops `x`). */
function commandWords(program: Command, argv: string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "--") break;
    if (word.startsWith("-")) {
      const option = program.options.find((o) => o.long === word || o.short === word);
      if (option && (option.required || option.optional)) i++; // its value is the next word
      continue;
    }
    words.push(word);
  }
  return words;
}

/** The words before the first command word (the root's own options, such as `--version --json`). */
function leadingWords(program: Command, argv: string[]): string[] {
  const first = commandWords(program, argv)[0];
  return first === undefined ? argv : argv.slice(0, argv.indexOf(first));
}

/** The deepest known command named in argv (for hints when parsing failed). */
function commandFromArgv(program: Command, argv: string[]): string {
  const names: string[] = [];
  let current = program;
  for (const word of commandWords(program, argv)) {
    const next = current.commands.find((c) => c.name() === word);
    if (!next) break;
    names.push(word);
    current = next;
  }
  return names.join(" ");
}
