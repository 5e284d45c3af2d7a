/**
 * The text encodings a CSV import accepts: UTF-8 (the contract's default), and what Excel writes
 * besides: Windows-1252 ("CSV" on Windows), UTF-16 LE or BE with a byte order mark ("Unicode text"),
 * and UTF-8 with a BOM ("CSV UTF-8"). The CLI decodes before it uploads and the server decodes raw
 * uploads by their `charset`, both with `decodeCsvBytes`, so a bad byte is refused the same way by
 * both and never stored as U+FFFD.
 *
 * UTF-8 and UTF-16 are decoded by WHATWG TextDecoder with `fatal: true`: it refuses a malformed
 * sequence instead of substituting U+FFFD, which iconv-lite cannot (it has no strict mode).
 * Windows-1252 is decoded by iconv-lite: Node's TextDecoder treats that label as Latin-1 and turns
 * Excel's curly quotes and euro sign (0x80-0x9F) into C1 control characters. The five bytes
 * Windows-1252 leaves undefined come out of iconv-lite as U+FFFD and are refused like bad UTF-8.
 */
import iconv from "iconv-lite";

export const CSV_ENCODINGS = ["utf-8", "windows-1252", "utf-16le", "utf-16be"] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

const ALIASES: Record<string, CsvEncoding> = {
  "utf-8": "utf-8", utf8: "utf-8", "windows-1252": "windows-1252", cp1252: "windows-1252",
  // WHATWG decodes latin1 and us-ascii labels as Windows-1252, as browsers do.
  "iso-8859-1": "windows-1252", latin1: "windows-1252", "us-ascii": "windows-1252",
  "utf-16le": "utf-16le", "utf-16be": "utf-16be", "utf-16": "utf-16le",
};

/** The encoding a label such as `UTF-8`, `cp1252` or `latin1` names, or undefined when unsupported. */
export function csvEncoding(label: string): CsvEncoding | undefined {
  return ALIASES[label.trim().toLowerCase()];
}

/**
 * Bytes that cannot be read in the encoding; `line` is the 1-based line of the first bad byte.
 * `nul`: the bytes decode, but hold NULs, as UTF-16 text read one byte at a time does.
 */
export class UndecodableTextError extends Error {
  constructor(readonly line: number, readonly encoding: CsvEncoding, readonly advice: string, readonly nul = false) {
    const what = nul ? `has NUL bytes, as UTF-16 text does, so it is not ${NAMES[encoding]} text` : `is not valid ${NAMES[encoding]}`;
    super(`line ${line} ${what}${advice ? `; ${advice}` : ""}`);
    this.name = "UndecodableTextError";
  }
}

const NAMES: Record<CsvEncoding, string> = { "utf-8": "UTF-8", "windows-1252": "Windows-1252", "utf-16le": "UTF-16LE", "utf-16be": "UTF-16BE" };

/** The encoding a byte order mark announces, and the BOM's length. */
export function bomOf(bytes: Uint8Array): { encoding: CsvEncoding; length: number } | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: "utf-8", length: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: "utf-16le", length: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: "utf-16be", length: 2 };
  return undefined;
}

/**
 * Decodes a file: a BOM decides the encoding when there is one (as WHATWG decoding does), else
 * `encoding` (UTF-8 by default). Throws UndecodableTextError naming the first bad line; `advice`
 * says what to try, in the caller's terms (a CLI flag, an HTTP charset).
 */
export function decodeCsvBytes(
  bytes: Uint8Array, encoding: CsvEncoding = "utf-8", advice: (e: CsvEncoding, nul: boolean) => string = () => "",
): { text: string; encoding: CsvEncoding } {
  const bom = bomOf(bytes);
  const used = bom?.encoding ?? encoding;
  const text = strictDecode(bom ? bytes.subarray(bom.length) : bytes, used, advice);
  // UTF-16 without a BOM decodes as valid UTF-8 full of NULs; no CSV file has them, so say what it looks like.
  const nul = used === "utf-8" || used === "windows-1252" ? text.indexOf("\u0000") : -1;
  if (nul !== -1) throw new UndecodableTextError(lineAt(text, nul), used, advice(used, true), true);
  return { text, encoding: used };
}

export function strictDecode(body: Uint8Array, used: CsvEncoding, advice: (e: CsvEncoding, nul: boolean) => string): string {
  if (used === "windows-1252") {
    const text = iconv.decode(Buffer.from(body.buffer, body.byteOffset, body.byteLength), "windows-1252", { stripBOM: false });
    const bad = text.indexOf("\uFFFD");
    if (bad !== -1) throw new UndecodableTextError(lineAt(text, bad), used, advice(used, false));
    return text;
  }
  try {
    return new TextDecoder(used, { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    // Decode again with replacement only to find where the first bad sequence is.
    const lenient = new TextDecoder(used, { ignoreBOM: true }).decode(body);
    throw new UndecodableTextError(lineAt(lenient, lenient.indexOf("\uFFFD")), used, advice(used, false));
  }
}

/** The 1-based line of `text` that index `at` is on. */
export function lineAt(text: string, at: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < at; i = text.indexOf("\n", i + 1)) line++;
  return line;
}
