/**
 * What a command's implementation gets: the Io, the global flags, styles, and lazily the SDK
 * client and the practice's time zone (fetched at most once per command).
 */
import type { Tele } from "../sdk/client.js";
import type { WhoAmI } from "../sdk/schemas/index.js";
import { resolveConnection, type Connection } from "./config.js";
import { NotSignedInError } from "./errors.js";
import { canPrompt, type Io } from "./io.js";
import { paintFor, terminalSafe, type Paint } from "./output.js";

/** Flags every command accepts (defined on the root command). */
export interface GlobalFlags {
  json?: boolean;
  debug?: boolean;
  yes?: boolean;
  profile?: string;
  url?: string;
  token?: string;
}

/** A command's flags and positional arguments as commander parsed them. */
export interface RawArgs {
  positionals: unknown[];
  flags: GlobalFlags & Record<string, unknown>;
}

/** Everything a command implementation uses besides its own flags. */
export interface CommandContext {
  io: Io;
  json: boolean;
  debug: boolean;
  yes: boolean;
  /** The command path, such as `staff disable`. */
  command: string;
  /** True when questions can be asked (stdin and stderr are terminals). */
  interactive: boolean;
  /** Styles for stdout and stderr. */
  paint: Paint;
  paintErr: Paint;
  /** The server and token to use (flags, then environment, then profile). */
  connection(): Promise<Connection>;
  /** The SDK client for the resolved connection; NotSignedInError when there is none. */
  tele(): Promise<Tele>;
  /** The signed-in staff member and practice (one request, cached). */
  whoami(): Promise<WhoAmI>;
  /** The practice's IANA time zone, for human output. */
  timeZone(): Promise<string>;
}

/** Builds the context for one command run. */
export async function createContext(io: Io, flags: GlobalFlags, command: string): Promise<CommandContext> {
  const [paint, paintErr] = await Promise.all([paintFor(io.colorOut), paintFor(io.colorErr)]);
  let connection: Promise<Connection> | undefined;
  let client: Promise<Tele> | undefined;
  let me: Promise<WhoAmI> | undefined;
  const ctx: CommandContext = {
    io,
    json: flags.json === true,
    debug: flags.debug === true,
    yes: flags.yes === true,
    command,
    interactive: canPrompt(io),
    paint,
    paintErr,
    connection: () => (connection ??= resolveConnection(io.env, flags)),
    tele: () => (client ??= connectedClient(ctx)),
    whoami: () => (me ??= ctx.tele().then((tele) => tele.me())),
    timeZone: async () => (await ctx.whoami()).practice.timeZone,
  };
  return ctx;
}

async function connectedClient(ctx: CommandContext): Promise<Tele> {
  const { url, token, profile } = await ctx.connection();
  if (!url) {
    throw new NotSignedInError(`no tele server to talk to: no --url, no TELE_URL, and no saved profile "${profile}"`);
  }
  if (!token) throw new NotSignedInError(`not signed in to ${url}: no --token, no TELE_TOKEN, and no token saved for it`);
  return newTele(url, token, ctx.json);
}

/** An SDK client with the CLI's settings; in human mode its replies are made printable (printable.ts). */
export async function newTele(url: string, token: string, json = false): Promise<Tele> {
  const { Tele } = await import("../sdk/client.js");
  const tele = new Tele({ url, token });
  return json ? tele : terminalSafe(tele);
}
