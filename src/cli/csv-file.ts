/**
 * A CSV file as the import commands send it: decoded on this side (a BOM, else --encoding, else
 * UTF-8; see sdk/schemas/encoding.ts), so undecodable bytes are refused before anything is sent,
 * naming the line, and an idempotency key derived from the file itself, so running the same import
 * again after a lost reply replays the stored result instead of importing the file twice.
 */
import { createHash } from "node:crypto";
import { CSV_ENCODINGS, csvEncoding, decodeCsvBytes, UndecodableTextError, type CsvEncoding } from "../sdk/schemas/encoding.js";
import type { CommandContext } from "./context.js";
import { UsageError } from "./errors.js";

/** What to try when a file does not decode, in terms of this command's flags. */
function advice(encoding: CsvEncoding, nul: boolean): string {
  if (nul) return "if it is UTF-16 without a byte order mark, try --encoding utf-16le";
  if (encoding === "utf-8") return "if the file came from Excel, try --encoding windows-1252";
  if (encoding === "windows-1252") return "it is not a Windows-1252 file; save it again from Excel as \"CSV UTF-8\"";
  return "the file may be cut short; save it again from Excel as \"CSV UTF-8\"";
}

/** The --encoding flag checked (exit 2 for a name it does not know); undefined when not given. */
export function encodingFlag(ctx: CommandContext, value: unknown): CsvEncoding | undefined {
  if (value === undefined) return undefined;
  const encoding = typeof value === "string" ? csvEncoding(value) : undefined;
  if (!encoding) {
    throw new UsageError(`--encoding must be one of ${CSV_ENCODINGS.join(", ")}`, `run "tele ${ctx.command} --help" to see what it accepts`);
  }
  return encoding;
}

/** The file's text; exit 2 with the first bad line when its bytes are not valid in the encoding. */
export function decodeCsvFile(ctx: CommandContext, path: string, bytes: Uint8Array, encoding: CsvEncoding | undefined) {
  try {
    return decodeCsvBytes(bytes, encoding, advice);
  } catch (err) {
    if (!(err instanceof UndecodableTextError)) throw err;
    throw new UsageError(err.message, `check it with "tele ${ctx.command} ${path} --encoding ENCODING --dry-run"`, "invalid_encoding");
  }
}

/**
 * The Idempotency-Key of a committing import: SHA-256 of what is imported (clients or appointments,
 * the encoding the file was read in) and the file's bytes. The server keeps each key under the
 * practice and staff member whose token sent it (route.ts), so the practice is part of the key's
 * identity without another request to learn its id, and two practices' identical files never meet.
 */
export function importKey(noun: string, encoding: CsvEncoding, bytes: Uint8Array): string {
  const hash = createHash("sha256").update(`tele import\n${noun}\n${encoding}\n`).update(bytes).digest("hex");
  return `import-${hash}`;
}
