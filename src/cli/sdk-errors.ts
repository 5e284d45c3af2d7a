/**
 * SDK errors in the CLI's terms: the exit code of cli-contract.md and a hint naming the next
 * command to try. Loaded only when something failed.
 */
import {
  InvalidRequestError,
  MalformedResponseError,
  NotFoundError,
  PermissionDeniedError,
  RuleRefusedError,
  ServerError,
  TeleApiError,
  TeleConnectionError,
  TeleError,
  UnauthenticatedError,
} from "../sdk/errors.js";
import { EXIT, LOGIN_HINT, helpHint } from "./errors.js";
import { printable } from "./output.js";

/** An error as the CLI reports it. */
export interface SdkErrorReport {
  exitCode: number;
  code: string;
  message: string;
  hint?: string;
  details?: unknown;
}

/** Exit code and hint for an SDK error, or undefined when `err` is not one. */
export function describeSdkError(err: unknown, command: string): SdkErrorReport | undefined {
  if (err instanceof TeleApiError) {
    const exitCode = exitCodeForApiError(err);
    const hint = hintForApiError(err, command);
    // The message is the server's text: shown on a terminal, so made printable like any server value.
    return { exitCode, code: err.code, message: printable(err.message), hint, details: err.details };
  }
  if (err instanceof TeleConnectionError) {
    return {
      exitCode: EXIT.unreachable,
      code: "unreachable",
      message: err.message,
      hint: `check that the server is running ("tele server start") and the URL is right ("tele whoami" shows it; --url overrides it)`,
    };
  }
  if (err instanceof MalformedResponseError) {
    return {
      exitCode: EXIT.failure,
      code: "malformed_response",
      message: err.message,
      hint: `check that --url points at a tele server of this version ("tele --version"); --debug shows the mismatch`,
    };
  }
  if (err instanceof TeleError) {
    return { exitCode: EXIT.usage, code: "invalid_request", message: err.message, hint: helpHint(command) };
  }
  return undefined;
}

function exitCodeForApiError(err: TeleApiError): number {
  if (err instanceof InvalidRequestError) return EXIT.usage;
  if (err instanceof UnauthenticatedError) return EXIT.unauthenticated;
  if (err instanceof PermissionDeniedError) return EXIT.permissionDenied;
  if (err instanceof NotFoundError) return EXIT.notFound;
  if (err instanceof RuleRefusedError) return EXIT.refused;
  return EXIT.failure;
}

/** Hints for a rule's refusal, by error code (exported for the test that checks every hint names something real). */
export const RULE_HINTS: Record<string, string> = {
  teletherapy_not_enabled: `an owner or manager can turn Teletherapy on with "tele staff enable STAFF" (R5)`,
  not_us_resident: `"tele clients show CLIENT" shows the client's state of residence (R4)`,
  not_a_therapist: `Teletherapy is a permission of the therapist role (R1); "tele staff list" shows roles`,
  not_convertible: `only upcoming, scheduled appointments can be converted (R7); "tele appointments list" shows them`,
  upcoming_telehealth: `"tele staff disable STAFF --convert-to-in-person" converts them to in-person and disables Teletherapy (R3)`,
  no_email: `portal accounts need an email address (R6); "tele clients show CLIENT" shows what is on file`,
  link_invalid: `send a new link with "tele clients invite CLIENT" (R11)`,
  last_owner: `make someone else an owner first; "tele staff list" shows who is active`,
  staff_deactivated: `that staff member is deactivated; "tele staff show STAFF" shows it`,
  session_completed: `the session has ended; "tele appointments show ID" shows when`,
  session_not_active: `only a scheduled telehealth appointment has a session; "tele appointments show ID" shows its status`,
  session_not_started: `nobody has joined and the join window is not open; there is nothing to end yet`,
  start_in_past: `add --allow-past to record an appointment that has already happened`,
  overlap: `"tele appointments show ID" shows the other appointment; add --allow-overlap for group or back-to-back work`,
  idempotency_key_reused: "run the command again; each run sends a new idempotency key",
  has_upcoming_appointments: `add --cancel-upcoming to cancel them together with the archive; "tele clients show CLIENT" lists them`,
  client_archived: `the client is archived (hidden from lists, history kept); "tele clients show CLIENT" shows when`,
  mail_already_sent: `it went out; "tele mail show ID" shows when`,
  session_under_way: `end the session first; "tele appointments show ID" shows it`,
};

/** Hints for a code that means something else for a particular command (the edits of issue 10). */
export const COMMAND_HINTS: Record<string, Record<string, string>> = {
  "clients set": {
    upcoming_telehealth: `"tele appointments convert --client CLIENT --in-person" converts them to in-person; then clear the state (R4)`,
  },
  "practice consent show": {
    no_consent_text: `set one with "tele practice consent set FILE" (R26)`,
    not_found: `"tele practice consent show" shows the current version and its number`,
  },
  "staff tokens revoke": {
    not_found: `"tele staff tokens list STAFF" shows a staff member's token ids`,
  },
  "staff set": {
    upcoming_telehealth: `"tele appointments convert --therapist STAFF --in-person" converts them to in-person; then change the roles (R3)`,
  },
};

function hintForApiError(err: TeleApiError, command: string): string {
  const special = COMMAND_HINTS[command]?.[err.code];
  if (special) return special;
  const noun = command.split(" ")[0] || "staff";
  if (err instanceof UnauthenticatedError) return LOGIN_HINT;
  if (err instanceof PermissionDeniedError) return `"tele whoami" shows your roles; an owner or manager can do this`;
  if (err instanceof NotFoundError) return `"tele ${listable(noun)} list" shows what exists`;
  if (err instanceof InvalidRequestError) return helpHint(command);
  if (err instanceof ServerError) {
    return `try again in a moment; if it keeps failing, report request id ${err.requestId ?? "(none)"} (--debug shows more)`;
  }
  if (err.code === "import_invalid" && command.endsWith(" import")) return `fix those rows, then check again with "tele ${command} FILE.csv --dry-run"`;
  if (err.code === "already_exists" || err.code === "conflict") return `"tele ${listable(noun)} list" shows what exists`;
  return RULE_HINTS[err.code] ?? `"tele help exit-codes" explains exit code ${exitCodeForApiError(err)}`;
}

/** The list command that shows what a command's references can name: sessions open appointments. */
function listable(noun: string): string {
  if (noun === "sessions") return "appointments";
  return ["staff", "clients", "appointments", "mail"].includes(noun) ? noun : "staff";
}
