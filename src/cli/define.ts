/**
 * The small vocabulary the command definitions share (kept apart from program.ts so the
 * definitions do not import the program that imports them).
 */
import type { Command } from "commander";
import type { CommandContext, RawArgs } from "./context.js";

/** A command implementation: parses its flags, does the work, returns the exit code. */
export interface VerbModule {
  run(ctx: CommandContext, args: RawArgs): Promise<number>;
}

/** Makes a commander action that loads a command implementation and runs it. */
export type Act = (load: () => Promise<VerbModule>) => (...params: unknown[]) => Promise<void>;

/** What a run leaves behind for `run()`: the exit code of the action. */
export interface RunState {
  code: number;
}

/** A command group such as `tele staff`, which only holds subcommands. */
export function group(program: Command, name: string, description: string): Command {
  return program.command(name).description(description).helpCommand(false);
}

/** Repeatable flag: `--role therapist --role biller` or `--role therapist,biller`. */
export function collect(value: string, previous: string[] | undefined): string[] {
  const parts = value.split(",").map((v) => v.trim()).filter(Boolean);
  return [...(previous ?? []), ...parts];
}
