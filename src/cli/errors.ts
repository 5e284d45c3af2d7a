/**
 * From any failure to what the user sees: `Error: <message>` on stderr, one hint naming the next
 * command to try, the JSON error object with --json, and the exit code of cli-contract.md.
 * Nothing here imports the SDK at load time, so the startup path stays light.
 */
import { hintFits, inFlagTerms } from "./hints.js";
import type { Io } from "./io.js";
import { jsonText } from "./output.js";
import type { SdkErrorReport } from "./sdk-errors.js";

/** The exit codes of cli-contract.md. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  unauthenticated: 3,
  permissionDenied: 4,
  notFound: 5,
  refused: 6,
  unreachable: 7,
  interrupted: 130,
} as const;

/** A bad, missing or malformed flag or argument (exit 2). */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command to suggest, such as `tele staff add --help`. */
    readonly hint?: string,
    readonly code: string = "invalid_request",
  ) {
    super(message);
    this.name = "UsageError";
  }
}

/** No server URL or no token could be found (exit 3). */
export class NotSignedInError extends Error {
  readonly code = "unauthenticated";
  constructor(message: string) {
    super(message);
    this.name = "NotSignedInError";
  }
}

/** A command that must stop with a given exit code after printing its own explanation. */
export class ExitError extends Error {
  constructor(
    readonly exitCode: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ExitError";
  }
}

/** What the error reporter needs to know about the command that failed. */
export interface ErrorContext {
  json: boolean;
  debug: boolean;
  /** The command path, such as `staff disable`, for hints. */
  command: string;
  /** The long flags that command accepts; a hint naming another flag is replaced by the help hint. */
  flags?: readonly string[];
  colorErr?: boolean;
}

/** An error as the CLI reports it (the SDK's errors are described in sdk-errors.ts, loaded only when needed). */
type Described = SdkErrorReport;

/** Prints the error as the contract asks and returns the exit code. */
export async function reportError(io: Io, err: unknown, context: ErrorContext): Promise<number> {
  const described = await describe(err, context.command);
  if (context.flags) {
    described.message = inFlagTerms(described.message, context.flags);
    if (described.hint && !hintFits(described.hint, context.flags)) described.hint = helpHint(context.command);
  }
  if (context.json) {
    // A script reading stderr gets one JSON document and nothing else (the hint travels inside it).
    const error = {
      code: described.code,
      message: described.message,
      ...(described.details === undefined ? {} : { details: described.details }),
      ...(described.hint ? { hint: described.hint } : {}),
    };
    if (context.debug) io.err(debugText(err, described));
    io.err(`${jsonText({ error })}\n`);
    return described.exitCode;
  }
  const label = context.colorErr ? "\u001b[31mError:\u001b[39m" : "Error:";
  io.err(`${label} ${described.message}\n`);
  if (described.hint) io.err(`Hint: ${described.hint}\n`);
  if (context.debug) io.err(debugText(err, described));
  return described.exitCode;
}

async function describe(err: unknown, command: string): Promise<Described> {
  if (err instanceof UsageError) {
    return { exitCode: EXIT.usage, code: err.code, message: err.message, hint: err.hint ?? helpHint(command) };
  }
  if (err instanceof NotSignedInError) {
    return { exitCode: EXIT.unauthenticated, code: err.code, message: err.message, hint: LOGIN_HINT };
  }
  if (err instanceof ExitError) {
    return { exitCode: err.exitCode, code: err.code, message: err.message, hint: err.hint, details: err.details };
  }
  if (err instanceof Error && err.name === "ExitPromptError") {
    return { exitCode: EXIT.interrupted, code: "interrupted", message: "cancelled; nothing more was done" };
  }
  const { describeSdkError } = await import("./sdk-errors.js");
  return (
    describeSdkError(err, command) ?? {
      exitCode: EXIT.failure,
      code: "internal",
      message: err instanceof Error ? err.message : String(err),
      hint: "run the command again with --debug and report what it prints",
    }
  );
}

/** Suggested when there is no token, or the server rejects it. */
export const LOGIN_HINT = `sign in with "tele login --url URL --token TOKEN" (an owner or manager mints tokens with "tele staff token STAFF")`;

/** The help command for a command path. */
export function helpHint(command: string): string {
  return `run "tele ${command ? `${command} ` : ""}--help" to see what it accepts`;
}

function debugText(err: unknown, described: Described): string {
  const lines = ["--- debug ---"];
  const e = err as { stack?: string; requestId?: string; request?: unknown; issues?: unknown; cause?: unknown; status?: number };
  if (e?.status !== undefined) lines.push(`status: ${e.status}`);
  if (e?.requestId) lines.push(`request id: ${e.requestId}`);
  if (e?.request) lines.push(`request: ${JSON.stringify(e.request)}`);
  if (described.details !== undefined) lines.push(`details: ${JSON.stringify(described.details, null, 2)}`);
  if (e?.issues !== undefined) lines.push(`issues: ${JSON.stringify(e.issues, null, 2)}`);
  if (e?.stack) lines.push(e.stack);
  const cause = e?.cause as { stack?: string; message?: string } | undefined;
  if (cause) lines.push(`caused by: ${cause.stack ?? cause.message ?? String(cause)}`);
  return `${lines.join("\n")}\n`;
}
