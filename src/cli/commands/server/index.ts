/**
 * `tele server start`, `tele init` and `tele demo`: their flags live here; their implementation
 * is the server's (src/cli/server-commands.ts, loaded only when one of them runs).
 */
import { InvalidArgumentError, type Command } from "commander";
import type { Io } from "../../io.js";
import type { RunState } from "../../define.js";

/** Checks a port flag early (exit 2) but passes it on as given, as the environment would be. */
function port(value: string): string {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError("must be a port number from 0 to 65535");
  return value;
}

type ServerModule = typeof import("../../server-commands.js");

/** Registers the commands implemented by the server engineer's module. */
export function defineServerCommands(program: Command, io: Io, state: RunState): void {
  const act =
    (pick: (m: ServerModule) => (opts: never, io: Io) => Promise<number>) =>
    async (...params: unknown[]) => {
      const cmd = params[params.length - 1] as Command;
      const implementation = pick(await import("../../server-commands.js"));
      state.code = await implementation(cmd.optsWithGlobals() as never, io);
    };

  const server = program.command("server").description("run the tele server").helpCommand(false);
  server
    .command("start")
    .description("run the server (SQLite in the data dir unless TELE_DATABASE_URL is set); stops cleanly on SIGINT/SIGTERM")
    .option("--host <host>", "address to listen on (else TELE_HOST)")
    .option("--port <port>", "port to listen on (else TELE_PORT)", port)
    .option("--data-dir <dir>", "where the database and mail files live (else TELE_DATA_DIR)")
    .option("--public-url <url>", "origin written into emailed links (else TELE_PUBLIC_URL)")
    .action(act((m) => m.serverStart));

  program
    .command("init")
    .description("create a practice and its owner, and save a profile signed in as the owner")
    .option("--practice <name>", "the practice's name")
    .option("--state <XX>", "the practice's U.S. state, such as NY")
    .option("--timezone <tz>", "IANA time zone, such as America/New_York")
    .option("--owner-name <name>", "the owner's name")
    .option("--owner-email <email>", "the owner's email")
    .option("--contact <text>", "how clients reach the practice (phone or email), shown when video cannot start")
    .option("--data-dir <dir>", "the server's data dir (else TELE_DATA_DIR)")
    .option("--setup-token <token>", "with --url and no --data-dir: create the practice over HTTP (else TELE_SETUP_TOKEN)")
    .option("--force", "replace a saved profile of the same name (else init refuses, or asks on a terminal)")
    .action(act((m) => m.init));

  program
    .command("demo")
    .description("start a server on a fresh embedded database with a seeded demo practice")
    .option("--port <port>", "port to listen on (default 4700, or any free port if it is taken)", port)
    .option("--data-dir <dir>", "keep the demo database here (default: a fresh temporary directory)")
    .action(act((m) => m.demo));
}
