/**
 * The CSV import commands of clients and appointments: check the file, stream it, and report. An
 * import is all or nothing: on 422 `import_invalid` every bad row is printed by line number and
 * the exit code is 6 (with --json the ImportResult is still printed on stdout). The file is decoded
 * here (a BOM, else --encoding, else UTF-8; import-file.ts), a chunk at a time, so undecodable bytes are
 * refused naming the line before anything is sent, and a committing import is sent with a key
 * derived from the file, so an import that committed is never reported as failed: a lost reply is
 * asked for again, and running the same import again replays it instead of importing twice.
 */
import { createHash, type Hash } from "node:crypto";
import { z } from "zod";
import { importResultOf } from "../../sdk/resources/common.js";
import { CSV_ENCODINGS, csvEncoding, ImportResult, type CsvEncoding } from "../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../context.js";
import { warnUnlicensed } from "./appointments/licensure.js";
import { EXIT, ExitError, UsageError } from "../errors.js";
import { note, plural, printJson } from "../output.js";
import { required } from "../values.js";
import { checkFile, RowProgress, utf8Upload } from "./import-file.js";

/** Work that follows a committed import (appointments' --invite-missing): fields for --json, and its report. */
export type AfterImport = (upload: () => AsyncIterable<Uint8Array>, result: ImportResult) => Promise<{ json: Record<string, unknown>; report(): void } | undefined>;

/** Checks the file named by the first positional, then streams it to the server (issue 14). */
export async function runImport(ctx: CommandContext, args: RawArgs, noun: "clients" | "appointments", after?: AfterImport): Promise<number> {
  const path = await required(ctx, args.positionals[0], "FILE.csv", "CSV file to import");
  const dryRun = args.flags.dryRun === true;
  // The allow flags change the outcome, so they are part of the key: a refused import may be retried with them.
  const allowed = ["allowPast", "allowOverlap", "notify"].filter((f) => args.flags[f] === true).join(",");
  const { encoding, hash } = await checkFile(ctx, path, encodingFlag(ctx, args.flags.encoding), (e) => importKeyHash(allowed ? `${noun}+${allowed}` : noun, e));
  const tele = await ctx.tele();
  // A dry run changes nothing, so it gets a fresh key each run: replaying one would show a stale check.
  const idempotencyKey = dryRun ? undefined : `import-${hash.digest("hex")}`;
  const label = dryRun ? `Checking ${path}` : `Importing ${path}`;
  const progress = new RowProgress(ctx, label, ctx.io.stderrIsTTY || args.flags.progress === true, ctx.io.stderrIsTTY);
  const csv = utf8Upload(ctx, path, encoding, progress);
  try {
    let replayed = false;
    const onReply = (r: { headers: Record<string, unknown> }) => void (replayed = r.headers["idempotent-replayed"] === "true");
    const allow = { allowPast: args.flags.allowPast === true, allowOverlap: args.flags.allowOverlap === true, notify: args.flags.notify === true };
    const options = { dryRun, timeoutMs: 3_600_000, idempotencyKey, onReply };
    const send = () => (noun === "clients" ? tele.clients.import(csv, options) : tele.appointments.import(csv, { ...options, ...allow }));
    const interrupted = dryRun
      ? "Nothing was written."
      : `An import is all or nothing: the server writes every row or none. Run the same command again to see which (the same file is never imported twice).`;
    // Ctrl-C clears the progress line and says what became of the import, then exits 130.
    const stopListening = ctx.io.onInterrupt?.(() => `\r\u001b[2KInterrupted (Ctrl-C) while ${label.charAt(0).toLowerCase()}${label.slice(1)}. ${interrupted}\n`);
    const result = await untilSettled(send, !dryRun).finally(() => (stopListening?.(), progress.done()));
    if (replayed) note(ctx.io, `${path} was already imported into this practice (same file); that import's result is shown and nothing new was written.`);
    const more = after && !result.dryRun ? await after(csv, result) : undefined;
    if (ctx.json) printJson(ctx.io, more ? ImportResult.extend(Object.fromEntries(Object.keys(more.json).map((k) => [k, z.unknown()]))) : ImportResult, { ...result, ...more?.json });
    else printSummary(ctx, result, noun);
    more?.report();
    if (result.warnings?.length) warnUnlicensed(ctx, result.warnings, result.dryRun ? "would be imported" : "imported");
    return 0;
  } catch (err) {
    const result = importResultOf(err);
    if (!result) throw err;
    if (ctx.json) printJson(ctx.io, ImportResult, result);
    ctx.io.err(`Bad rows in ${path}:\n`);
    for (const row of result.errors) ctx.io.err(`  line ${row.line}: ${row.message}\n`);
    if (result.moreErrors) ctx.io.err(`  and ${plural(result.moreErrors, "more bad row")} (the first ${result.errors.length.toLocaleString("en-US")} by line are shown)\n`);
    const bad = result.errors.length + (result.moreErrors ?? 0);
    throw new ExitError(
      EXIT.refused,
      "import_invalid",
      `${plural(bad, "bad row")} in ${path}; nothing was imported`,
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
  const deadline = Date.now() + 3_600_000;
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

/** The --encoding flag checked (exit 2 for a name it does not know); undefined when not given. */
export function encodingFlag(ctx: CommandContext, value: unknown): CsvEncoding | undefined {
  if (value === undefined) return undefined;
  const encoding = typeof value === "string" ? csvEncoding(value) : undefined;
  if (!encoding) {
    throw new UsageError(`--encoding must be one of ${CSV_ENCODINGS.join(", ")}`, `run "tele ${ctx.command} --help" to see what it accepts`);
  }
  return encoding;
}

/**
 * The Idempotency-Key of a committing import is `import-` and the hex SHA-256 of what is imported
 * (clients or appointments, the encoding the file was read in) and the file's bytes, fed to this
 * hash as they are read (the same keys as 0.4 made). The server keeps each key under the practice
 * and staff member whose token sent it (route.ts), so the practice is part of the key's identity
 * without another request to learn its id, and two practices' identical files never meet.
 */
export function importKeyHash(noun: string, encoding: CsvEncoding): Hash {
  return createHash("sha256").update(`tele import\n${noun}\n${encoding}\n`);
}
