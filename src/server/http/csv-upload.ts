/**
 * A CSV upload as it arrives (issue 14): the body parser hands the route the request stream
 * itself, not a buffer of it, so an import of any size is read and checked in constant memory, and
 * Fastify's body limit does not apply (the import's row limit, TELE_IMPORT_MAX_ROWS, does). The text is
 * decoded by its charset or BOM chunk by chunk (CsvStreamDecoder), refusing bad bytes naming the line.
 */
import type { Hash } from "node:crypto";
import { CsvStreamDecoder, decodeCsvStream, UndecodableTextError, type CsvEncoding } from "../../sdk/schemas/index.js";
import { DomainError } from "../domain/errors.js";

export class CsvUpload {
  private taps: Hash[] = [];
  private taken = false;

  constructor(private readonly source: AsyncIterable<Uint8Array>, readonly encoding: CsvEncoding, private readonly advice: (e: CsvEncoding, nul: boolean) => string) {}

  /** Feeds every byte of the body to `hash` as it is read (the Idempotency-Key's request hash). */
  tap(hash: Hash): void {
    this.taps.push(hash);
  }

  /** The raw bytes, once. */
  async *bytes(): AsyncGenerator<Uint8Array> {
    if (this.taken) throw new Error("the upload was read already");
    this.taken = true;
    for await (const chunk of this.source) {
      for (const h of this.taps) h.update(chunk);
      yield chunk;
    }
  }

  /** Reads (and discards) the rest of the body, e.g. to hash a replayed request. */
  async drain(): Promise<void> {
    if (this.taken) return;
    for await (const _ of this.bytes());
  }

  /** The decoded text, chunk by chunk; undecodable bytes are 400 `invalid_encoding` naming the line. */
  async *text(): AsyncGenerator<string> {
    try {
      yield* decodeCsvStream(this.bytes(), new CsvStreamDecoder(this.encoding, this.advice));
    } catch (err) {
      if (!(err instanceof UndecodableTextError)) throw err;
      throw new DomainError("invalid_encoding", 400, err.message, { line: err.line, encoding: err.encoding });
    }
  }
}

/** What an import route reads: the upload's text, or (no body) an empty file. */
export function csvText(body: unknown): string | AsyncIterable<string> {
  return body instanceof CsvUpload ? body.text() : typeof body === "string" ? body : "";
}
