/**
 * The command tree: names, flags and help text, and nothing heavy. Each action imports its
 * implementation (commands/<noun>/<verb>.js) only when it runs, so `tele --help` and
 * `tele --version` load commander and this file alone.
 */
import { Command } from "commander";
import type { Act, RunState } from "./define.js";
import type { Io } from "./io.js";
import { defineAccountCommands } from "./commands/account/index.js";
import { defineAppointmentCommands } from "./commands/appointments/index.js";
import { defineAuditCommands } from "./commands/audit/index.js";
import { defineClientCommands } from "./commands/clients/index.js";
import { defineDbCommands } from "./commands/db/index.js";
import { defineMailCommands } from "./commands/mail/index.js";
import { definePracticeCommands } from "./commands/practice/index.js";
import { defineServerCommands } from "./commands/server/index.js";
import { defineSessionCommands } from "./commands/sessions/index.js";
import { defineStaffCommands } from "./commands/staff/index.js";

export type { Act, RunState, VerbModule } from "./define.js";

/** The exit codes, as `tele help exit-codes` prints them. */
export const EXIT_CODES_HELP = `Exit codes of tele (scripts can rely on them):

  code  meaning                                                   HTTP
  0     done                                                      2xx
  1     unexpected failure (a bug, or the server's 5xx)           5xx
  2     usage: unknown command, bad or missing flag, bad value    400, 413
  3     not signed in, or the token is wrong or revoked           401
  4     permission denied                                         403
  5     not found                                                 404
  6     refused by a rule of the practice (telehealth-rules.md)   409, 422
  7     the server cannot be reached                              (none)
  130   interrupted at a prompt (Ctrl-C)

With --json, an error is one JSON document alone on stderr: {"error": {"code", "message", "details"?, "hint"?}}.
A bulk change asks first on a terminal (the answer defaults to No); without one it needs --yes (else 2).
`;

/** The command path of a commander command, without the program name: `staff disable`. */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/** Builds the whole command tree, writing through `io` and never exiting the process. */
export function buildProgram(io: Io, state: RunState, version: string, options: { json?: boolean } = {}): Command {
  // With --json, stderr carries the JSON error alone: the help commander prints beside a usage error is left out.
  const writeErr = options.json ? () => {} : (s: string) => io.err(s);
  const program = new Command("tele");
  program
    .description("Telehealth for therapy practices: staff, clients, appointments and telehealth sessions.")
    .version(version, "-V, --version", "print the version")
    .option("--json", "print one JSON document on stdout (errors as JSON on stderr too)")
    .option("--profile <name>", "use this saved sign-in (default: default)")
    .option("--url <url>", "the tele server (else TELE_URL, else the profile)")
    .option("--token <token>", "API token (else TELE_TOKEN, else the profile)")
    .option("-y, --yes", "skip confirmations")
    .option("--debug", "print details and stack traces of errors")
    .helpOption("-h, --help", "show help")
    .helpCommand(false)
    .exitOverride()
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({ writeOut: (s) => io.out(s), writeErr, outputError: () => {} })
    .showSuggestionAfterError(true)
    .addHelpText("after", `\nRun "tele COMMAND --help" for a command's flags, and "tele help exit-codes" for exit codes.\n`);

  const act: Act = (load) => async (...params) => {
    const cmd = params[params.length - 1] as Command;
    const flags = cmd.optsWithGlobals();
    const [{ createContext }, verb] = await Promise.all([import("./context.js"), load()]);
    const ctx = await createContext(io, flags, commandPath(cmd));
    state.code = await verb.run(ctx, { positionals: cmd.processedArgs, flags });
  };

  defineServerCommands(program, io, state);
  defineAccountCommands(program, act);
  definePracticeCommands(program, act);
  defineStaffCommands(program, act);
  defineClientCommands(program, act);
  defineAppointmentCommands(program, act);
  defineSessionCommands(program, act);
  defineMailCommands(program, act);
  defineAuditCommands(program, act);
  defineDbCommands(program, act);
  defineHelpCommand(program, io);
  return program;
}

function defineHelpCommand(program: Command, io: Io): void {
  program
    .command("help")
    .description("show help for a command, or a topic: exit-codes")
    .argument("[topic...]", "a command such as `staff add`, or `exit-codes`")
    .action((topic: string[]) => {
      if (topic[0] === "exit-codes") return io.out(EXIT_CODES_HELP);
      let target: Command = program;
      for (const word of topic) {
        const next = target.commands.find((c) => c.name() === word || c.aliases().includes(word));
        if (!next) {
          program.error(`unknown help topic '${topic.join(" ")}'; try "tele help" or "tele help exit-codes"`, {
            code: "tele.unknownTopic",
          });
        }
        target = next;
      }
      target.outputHelp();
    });
}
