/**
 * Every hint names something real: each "tele …" command quoted anywhere in src/cli exists in the
 * command table with the flags it names, and every hint the error printer can print, for every
 * command and every error code, names only commands that exist and flags of the command that ran.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { errorFromResponse } from "../../src/sdk/errors.js";
import { reportError } from "../../src/cli/errors.js";
import { bareFlags, commandAt, flagsOf, inFlagTerms, quotedCommands } from "../../src/cli/hints.js";
import { fakeIo } from "../../src/cli/io.js";
import { buildProgram } from "../../src/cli/program.js";
import { COMMAND_HINTS, RULE_HINTS } from "../../src/cli/sdk-errors.js";
import { ROOT } from "../helpers/e2e.js";

const program = buildProgram(fakeIo(), { code: 0 }, "0.0.0");

/** What is wrong with a quoted command (`staff enable STAFF --x`), or undefined when it is real; null when it is built at run time. */
function problemWith(quoted: string): string | undefined | null {
  const tokens = quoted.split(/\s+/).map((t) => t.replace(/^[[(]+|[\]),.;:]+$/g, "")).filter(Boolean);
  let current: Command = program;
  let i = 0;
  for (; i < tokens.length; i++) {
    const word = tokens[i]!;
    if (word.includes("${") && current === program) return null; // `tele ${command} --help`: the command is the one that ran
    if (!/^[a-z][a-z-]*$/.test(word) || current.commands.length === 0) break;
    const next = current.commands.find((c) => c.name() === word);
    if (!next) return `"${word}" is not a command of "tele ${commandPath(current)}"`;
    current = next;
  }
  // The root itself: `tele COMMAND --help`, `tele --version`.
  const flags = current === program ? [...flagsOf(program), "--version"] : flagsOf(current);
  for (const word of tokens.slice(i)) {
    const flag = word.match(/^(--[a-z][a-z0-9-]*)/)?.[1];
    if (flag && !flags.includes(flag)) return `"tele ${commandPath(current)}" has no ${flag}`;
    if (!flag && /^[a-z][a-z-]+$/.test(word) && current.registeredArguments.length === 0) return `"tele ${commandPath(current)}" takes no argument "${word}"`;
  }
  return undefined;
}

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []);
}

/** Every leaf command path of the table: `staff tokens list`, `appointments create`, … */
function leaves(cmd: Command = program, path: string[] = []): string[] {
  if (cmd.commands.length === 0) return [path.join(" ")];
  return cmd.commands.flatMap((c) => leaves(c, [...path, c.name()]));
}

describe("hints name commands and flags that exist", () => {
  it("the checker itself refuses a command, a subcommand or a flag that does not exist", () => {
    expect(problemWith("staff enable STAFF")).toBeUndefined();
    expect(problemWith("appointments reschedul ID")).toBe(`"reschedul" is not a command of "tele appointments"`);
    expect(problemWith("staff add --nmae N")).toBe(`"tele staff add" has no --nmae`);
    expect(problemWith("appointments show --invite-missing")).toBe(`"tele appointments show" has no --invite-missing`);
  });

  it("every \"tele …\" quoted in src/cli is in the command table, with flags of that command", () => {
    const problems: string[] = [];
    let checked = 0;
    for (const file of sourceFiles(join(ROOT, "src/cli")).filter((f) => !f.endsWith("hints.ts"))) {
      const text = readFileSync(file, "utf8");
      const quoted = [...quotedCommands(text), ...[...text.matchAll(/npx tele ([^`\n]+?)(?:\$\{p\}|`)/g)].map((m) => m[1]!)];
      for (const q of quoted) {
        const problem = problemWith(q);
        if (problem === null) continue;
        checked++;
        if (problem) problems.push(`${file.slice(ROOT.length + 1)}: "tele ${q}": ${problem}`);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(40);
  });

  it("every hint the error printer prints, for every command and error code, names only real commands and that command's flags", async () => {
    const codes = new Set([...Object.keys(RULE_HINTS), ...Object.values(COMMAND_HINTS).flatMap((h) => Object.keys(h))]);
    const errors = [
      ...[...codes].map((code) => errorFromResponse({ status: 409, code, message: "refused" })),
      ...[400, 401, 403, 404, 500].map((status) => errorFromResponse({ status, message: "failed", requestId: "req_1" })),
      errorFromResponse({ status: 422, code: "import_invalid", message: "bad rows" }),
      errorFromResponse({ status: 409, code: "already_exists", message: "exists" }),
    ];
    const problems: string[] = [];
    const paths = leaves();
    for (const command of paths) {
      const flags = flagsOf(commandAt(program, command)!);
      for (const err of errors) {
        const io = fakeIo();
        await reportError(io, err, { json: false, debug: false, command, flags });
        const hint = io.stderr.match(/^Hint: (.*)$/m)?.[1] ?? "";
        for (const q of quotedCommands(hint)) {
          const problem = problemWith(q);
          if (problem) problems.push(`${command} / ${err.code}: "tele ${q}": ${problem}`);
        }
        for (const flag of bareFlags(hint)) if (!flags.includes(flag)) problems.push(`${command} / ${err.code}: names ${flag}`);
      }
    }
    expect(problems).toEqual([]);
    expect(paths.length).toBeGreaterThan(25);
  });

  it("a rule hint naming a flag the command lacks gives way to that command's help", async () => {
    const err = errorFromResponse({ status: 409, code: "start_in_past", message: "the start has passed" });
    const create = fakeIo();
    await reportError(create, err, { json: false, debug: false, command: "appointments create", flags: flagsOf(commandAt(program, "appointments create")!) });
    expect(create.stderr).toBe("Error: the start has passed\nHint: add --allow-past to record an appointment that has already happened\n");
    const show = fakeIo();
    await reportError(show, err, { json: false, debug: false, command: "appointments show", flags: flagsOf(commandAt(program, "appointments show")!) });
    expect(show.stderr).toBe(`Error: the start has passed\nHint: run "tele appointments show --help" to see what it accepts\n`);
  });

  it("server messages name the flag, not the schema's field, when the command has that flag", () => {
    const create = flagsOf(commandAt(program, "appointments create")!);
    expect(inFlagTerms("the start 2020-01-04T15:00:00.000Z has passed; to record a past appointment, allow it (allowPast)", create))
      .toBe("the start 2020-01-04T15:00:00.000Z has passed; to record a past appointment, allow it (--allow-past)");
    expect(inFlagTerms("durationMinutes: must be at least 5 minutes; start: must be a date and a time", create))
      .toBe("--duration must be at least 5 minutes; --start must be a date and a time");
    const set = flagsOf(commandAt(program, "practice set")!);
    expect(inFlagTerms("timeZone: must be an IANA time zone; joinWindowMinutes: must be 0 to 120 minutes", set))
      .toBe("--timezone must be an IANA time zone; --join-window-minutes must be 0 to 120 minutes");
    // A field the command has no flag for stays as the server wrote it.
    expect(inFlagTerms("practiceId: unknown (allowPast)", flagsOf(commandAt(program, "staff list")!))).toBe("practiceId: unknown (allowPast)");
  });
});
