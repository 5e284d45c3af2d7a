/**
 * The file side of a streamed import (issue 14): the CLI never holds the file. One pass checks
 * that it decodes (refused naming the line before anything is sent) and hashes it for the
 * Idempotency-Key; the upload then reads it again, decoding to UTF-8 as it goes and counting rows
 * for the progress line (stderr: on a terminal, or every second with --progress; never stdout).
 */
import type { Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { bomOf, CsvStreamDecoder, UndecodableTextError, type CsvEncoding } from "../../sdk/schemas/index.js";
import type { CommandContext } from "../context.js";
import { UsageError } from "../errors.js";

/** What to try when a file does not decode, in terms of this command's flags. */
function advice(encoding: CsvEncoding, nul: boolean): string {
  if (nul) return "if it is UTF-16 without a byte order mark, try --encoding utf-16le";
  if (encoding === "utf-8") return "if the file came from Excel, try --encoding windows-1252";
  if (encoding === "windows-1252") return "it is not a Windows-1252 file; save it again from Excel as \"CSV UTF-8\"";
  return "the file may be cut short; save it again from Excel as \"CSV UTF-8\"";
}

const CHUNK = 256 * 1024;

/** Exit 2 when the path cannot be read as a file. */
async function checkReadable(ctx: CommandContext, path: string): Promise<void> {
  let code: string | undefined;
  try {
    if ((await stat(path)).isDirectory()) code = "EISDIR";
  } catch (err) {
    code = (err as { code?: string }).code ?? "error";
  }
  if (!code) return;
  const why = code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a directory" : `cannot be read (${code})`;
  throw new UsageError(`${path} ${why}`, `check the path, then run "tele ${ctx.command} FILE.csv --dry-run"`);
}

function undecodable(ctx: CommandContext, path: string, err: unknown): never {
  if (!(err instanceof UndecodableTextError)) throw err;
  throw new UsageError(err.message, `check it with "tele ${ctx.command} ${path} --encoding ENCODING --dry-run"`, "invalid_encoding");
}

/**
 * Reads the whole file once: it must decode in `encoding` (a BOM wins). Returns the encoding used
 * and `keyHash(encoding)` fed with every byte (known from the first three bytes, before any is hashed).
 */
export async function checkFile(ctx: CommandContext, path: string, encoding: CsvEncoding | undefined, keyHash: (e: CsvEncoding) => Hash) {
  await checkReadable(ctx, path);
  const decoder = new CsvStreamDecoder(encoding, advice);
  let hash: Hash | undefined;
  let head: Buffer[] = [];
  const start = (final: boolean) => {
    const first = Buffer.concat(head);
    if (first.length < 3 && !final) return;
    hash = keyHash(bomOf(first)?.encoding ?? encoding ?? "utf-8");
    hash.update(first);
    head = [];
  };
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK }) as AsyncIterable<Buffer>) {
      if (hash) hash.update(chunk);
      else head.push(chunk), start(false);
      decoder.decode(chunk);
    }
    decoder.decode(new Uint8Array(0), true);
    if (!hash) start(true);
  } catch (err) {
    undecodable(ctx, path, err);
  }
  return { encoding: decoder.encoding, hash: hash! };
}

/** Counts rows sent and draws the progress line. */
export class RowProgress {
  rows = 0;
  private lastDraw = 0;
  private readonly started = Date.now();

  constructor(private readonly ctx: CommandContext, private readonly label: string, private readonly show: boolean, private readonly tty: boolean) {}

  count(text: string): void {
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) this.rows++;
    const now = Date.now();
    if (this.show && now - this.lastDraw >= (this.tty ? 100 : 1000)) (this.lastDraw = now), this.draw("sent");
  }

  /** After the last byte: the server is checking and writing. */
  sent(): void {
    if (this.show) this.draw("sent; the server is checking them");
  }

  done(): void {
    if (this.show && this.tty) this.ctx.io.err("\r\u001b[2K");
  }

  private draw(what: string): void {
    // Lines after the header: near enough for a count (quoted line breaks are rare).
    const rows = Math.max(0, this.rows - 1).toLocaleString("en-US");
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    const text = `${this.label}: ${rows} rows ${what} (${seconds}s)`;
    this.ctx.io.err(this.tty ? `\r\u001b[2K${text}` : `${text}\n`);
  }
}

/** The file as UTF-8 bytes, decoded chunk by chunk from `encoding`; a fresh stream each call (one per attempt). */
export function utf8Upload(ctx: CommandContext, path: string, encoding: CsvEncoding, progress: RowProgress): () => AsyncIterable<Uint8Array> {
  return async function* () {
    progress.rows = 0;
    const decoder = new CsvStreamDecoder(encoding, advice);
    try {
      for await (const chunk of createReadStream(path, { highWaterMark: CHUNK }) as AsyncIterable<Buffer>) {
        const text = decoder.decode(chunk);
        progress.count(text);
        yield Buffer.from(text, "utf8");
      }
      const rest = decoder.decode(new Uint8Array(0), true);
      progress.count(rest);
      if (rest) yield Buffer.from(rest, "utf8");
    } catch (err) {
      undecodable(ctx, path, err);
    }
    progress.sent();
  };
}
