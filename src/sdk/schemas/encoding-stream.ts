/**
 * The decoding of `decodeCsvBytes`, a chunk at a time (issue 14: imports that stream): the CLI
 * checks a file of any size before it uploads it, and the server decodes an upload as it arrives,
 * both in constant memory, with the same refusals naming the same line. A chunk is cut where a
 * character is complete (a UTF-8 sequence, a UTF-16 unit or surrogate pair); the few bytes of a
 * cut character wait for the next chunk.
 */
import { bomOf, lineAt, strictDecode, UndecodableTextError, type CsvEncoding } from "./encoding.js";

type Advice = (e: CsvEncoding, nul: boolean) => string;

/** Where the complete characters of `bytes` end, in `encoding` (the rest waits for more bytes). */
function completeEnd(bytes: Uint8Array, encoding: CsvEncoding): number {
  const n = bytes.length;
  if (encoding === "windows-1252") return n;
  if (encoding === "utf-8") {
    // Back over at most three continuation bytes to the lead byte; cut before it if its sequence is short.
    let i = n - 1;
    while (i >= 0 && n - i <= 3 && (bytes[i]! & 0xc0) === 0x80) i--;
    if (i < 0) return n;
    const lead = bytes[i]!;
    const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    return n - i < need ? i : n;
  }
  let end = n - (n % 2);
  if (end >= 2) {
    const unit = encoding === "utf-16le" ? bytes[end - 2]! | (bytes[end - 1]! << 8) : (bytes[end - 2]! << 8) | bytes[end - 1]!;
    if (unit >= 0xd800 && unit <= 0xdbff) end -= 2; // a high surrogate waits for its pair
  }
  return end;
}

/** Decodes a CSV file chunk by chunk; throws UndecodableTextError with the line in the whole file. */
export class CsvStreamDecoder {
  private pending: Uint8Array = new Uint8Array(0);
  private used: CsvEncoding | undefined;
  /** Line breaks (LF) decoded so far: the line of an error in a later chunk. */
  private lines = 0;

  constructor(private readonly fallback: CsvEncoding = "utf-8", private readonly advice: Advice = () => "") {}

  /** The encoding in use: the BOM's, else the one given; known after the first bytes. */
  get encoding(): CsvEncoding {
    return this.used ?? this.fallback;
  }

  /** The text of the complete characters so far; `final` at the end (a cut character is then an error). */
  decode(chunk: Uint8Array, final = false): string {
    let bytes: Uint8Array = this.pending.length ? concat(this.pending, chunk) : chunk;
    if (this.used === undefined) {
      // A BOM is up to three bytes: wait for them before deciding.
      if (bytes.length < 3 && !final) return (this.pending = bytes.slice()), "";
      const bom = bomOf(bytes);
      this.used = bom?.encoding ?? this.fallback;
      if (bom) bytes = bytes.subarray(bom.length);
    }
    const end = final ? bytes.length : completeEnd(bytes, this.used);
    this.pending = end < bytes.length ? bytes.slice(end) : new Uint8Array(0);
    const piece = bytes.subarray(0, end);
    let text: string;
    try {
      text = strictDecode(piece, this.used, this.advice);
    } catch (err) {
      if (err instanceof UndecodableTextError) throw new UndecodableTextError(this.lines + err.line, err.encoding, err.advice, err.nul);
      throw err;
    }
    if (this.used === "utf-8" || this.used === "windows-1252") {
      const nul = text.indexOf("\u0000");
      if (nul !== -1) throw new UndecodableTextError(this.lines + lineAt(text, nul), this.used, this.advice(this.used, true), true);
    }
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) this.lines++;
    return text;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** The decoded text of a byte stream, chunk by chunk (the last chunk is decoded with `final`). */
export async function* decodeCsvStream(source: AsyncIterable<Uint8Array>, decoder: CsvStreamDecoder): AsyncGenerator<string> {
  for await (const chunk of source) {
    const text = decoder.decode(chunk);
    if (text) yield text;
  }
  const rest = decoder.decode(new Uint8Array(0), true);
  if (rest) yield rest;
}
