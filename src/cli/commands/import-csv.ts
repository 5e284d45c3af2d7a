/**
 * The CSV import commands of clients and appointments: read the file, send it, and report. An
 * import is all or nothing: on 422 `import_invalid` every bad row is printed by line number and
 * the exit code is 6 (with --json the ImportResult is still printed on stdout). The file is decoded
 * here (a BOM, else --encoding, else UTF-8; sdk/schemas/encoding.ts), so undecodable bytes are
 * refused naming the line before anything is sent, and a committing import is sent with a key
 * derived from the file, so an import that committed is never reported as failed: a lost reply is
 * asked for again, and running the same import again replays it instead of importing twice.
 */
import { createHash } from "node:crypto";
import { importResultOf } from "../../sdk/resources/common.js";
import { CSV_ENCODINGS, csvEncoding, decodeCsvBytes, ImportResult, UndecodableTextError, type CsvEncoding } from "../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../context.js";
import { EXIT, ExitError, UsageError } from "../errors.js";
import { note, plural, printJson, withProgress } from "../output.js";
import { readCsvFile, required } from "../values.js";

/** Reads the file named by the first positional, decodes it and imports it. */
export async function runImport(ctx: CommandContext, args: RawArgs, noun: "clients" | "appointments"): Promise<number> {
  const path = await required(ctx, args.positionals[0], "FILE.csv", "CSV file to import");
  const dryRun = args.flags.dryRun === true;
  const bytes = await readCsvFile(ctx, path);
  const { text: csv, encoding } = decodeCsvFile(ctx, path, bytes, encodingFlag(ctx, args.flags.encoding));
  const tele = await ctx.tele();
  // A dry run changes nothing, so it gets a fresh key each run: replaying one would show a stale check.
  // The allow flags change the outcome, so they are part of the key: a refused import may be retried with them.
  const allowed = ["allowPast", "allowOverlap", "notify"].filter((f) => args.flags[f] === true).join(",");
  const idempotencyKey = dryRun ? undefined : importKey(allowed ? `${noun}+${allowed}` : noun, encoding, bytes);
  const label = dryRun ? `Checking ${path}` : `Importing ${path}`;
  try {
    let replayed = false;
    const onReply = (r: { headers: Record<string, unknown> }) => void (replayed = r.headers["idempotent-replayed"] === "true");
    const allow = { allowPast: args.flags.allowPast === true, allowOverlap: args.flags.allowOverlap === true, notify: args.flags.notify === true };
    const options = { dryRun, timeoutMs: 600_000, idempotencyKey, onReply };
    const send = () => (noun === "clients" ? tele.clients.import(csv, options) : tele.appointments.import(csv, { ...options, ...allow }));
    const result = await withProgress(ctx.io, label, untilSettled(send, !dryRun));
    if (replayed) note(ctx.io, `${path} was already imported into this practice (same file); that import's result is shown and nothing new was written.`);
    if (ctx.json) printJson(ctx.io, ImportResult, result);
    else printSummary(ctx, result, noun);
    return 0;
  } catch (err) {
    const result = importResultOf(err);
    if (!result) throw err;
    if (ctx.json) printJson(ctx.io, ImportResult, result);
    ctx.io.err(`Bad rows in ${path}:\n`);
    for (const row of result.errors) ctx.io.err(`  line ${row.line}: ${row.message}\n`);
    throw new ExitError(
      EXIT.refused,
      "import_invalid",
      `${plural(result.errors.length, "bad row")} in ${path}; nothing was imported`,
      `fix the rows above, then check again with "tele ${noun} import ${path} --dry-run"`,
      result,
    );
  }
}

/**
 * Sends a committing import until the server has settled it: when the connection was lost or timed
 * out, the first request may still be running (409 idempotency_key_in_use) or may have committed;
 * asking again with the same key waits for it or gets its stored reply, never a second import.
 */
// The request may have reached the server and committed: ask again with the same key.
const LOST_REPLY = new Set(["timeout", "UND_ERR_SOCKET", "ECONNRESET", "EPIPE"]);

async function untilSettled<T>(send: () => Promise<T>, committing: boolean): Promise<T> {
  const deadline = Date.now() + 600_000;
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      const e = err as { code?: string; reason?: string };
      const unsettled = e.code === "idempotency_key_in_use" || LOST_REPLY.has(e.reason ?? "");
      if (!committing || !unsettled || Date.now() > deadline) throw err;
      await new Promise((ok) => setTimeout(ok, Math.min(250 * 2 ** attempt, 2_000)));
    }
  }
}

function printSummary(ctx: CommandContext, result: ImportResult, noun: string): void {
  const singular = noun === "clients" ? "client" : "appointment";
  if (result.dryRun) {
    ctx.io.out(`Dry run: ${plural(result.rows, "row")} checked, all valid; ${plural(result.rows, singular, noun)} would be imported. Nothing was written.\n`);
  } else {
    ctx.io.out(`Imported ${plural(result.created, singular, noun)} from ${plural(result.rows, "row")}.\n`);
  }
}

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
