/**
 * RFC 4180 CSV for imports. Hand-written scanner: the next comma, line break and quote are
 * found with indexOf and remembered until passed, so an unquoted field (the usual case) costs a
 * few comparisons and one slice. It is resumable (issue 14): `CsvScanner.push` takes the text a
 * chunk at a time and keeps only the record that a chunk cuts, so a file of millions of rows is
 * read in constant memory. Rows with the wrong number of fields are returned, not thrown, so the
 * caller can report every bad row with its line number at once.
 */

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/** The longest record, in characters: longer is refused (a quote never closed would hold the rest of the file). */
export const MAX_RECORD_CHARS = 1024 * 1024;

/** A malformed CSV file; `line` is the 1-based physical line where the problem is. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = "CsvSyntaxError";
  }
}

/** One record: the physical line it starts on and its raw field values. */
export interface CsvRow {
  line: number;
  values: string[];
}

/** A parsed file: trimmed, lower-cased header names and the data rows after them. */
export interface ParsedCsv {
  header: string[];
  rows: CsvRow[];
}

/** Count line breaks (LF, CRLF or a lone CR) in text[from, to): only quoted fields need this. */
function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) n++;
  }
  return n;
}

/** The index of the next `ch` at or after `from`, or the text's length if there is none. */
function find(text: string, ch: string, from: number): number {
  const i = text.indexOf(ch, from);
  return i === -1 ? text.length : i;
}

/** Thrown inside the scan when the chunk ends inside a record: the record waits for more text. */
const CUT = Symbol("cut");

/**
 * Comma separator, `"` quoting with `""` escapes, quoted fields may hold commas and line breaks;
 * LF, CRLF or CR line endings; a leading BOM is dropped; blank (or whitespace-only) lines are
 * skipped. The first record is the header (trimmed, lower-cased).
 */
export class CsvScanner {
  header: string[] | null = null;
  private carry = "";
  private line = 1;
  private started = false;

  /** The rows completed by `text`; `final` says no more text follows. Throws CsvSyntaxError. */
  push(chunk: string, final = false): CsvRow[] {
    let text = this.carry ? this.carry + chunk : chunk;
    if (!this.started && (text.length || final)) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const rows: CsvRow[] = [];
    const len = text.length;
    let pos = 0;
    let nextComma = -1, nextLf = -1, nextCr = -1, nextQuote = -1;
    while (pos < len) {
      const recordStart = pos;
      const start = this.line;
      let line = this.line;
      const values: string[] = [];
      let quotedAny = false;
      try {
        for (;;) {
          let value: string;
          let c = text.charCodeAt(pos);
          if (c === QUOTE) {
            quotedAny = true;
            const openLine = line;
            value = "";
            let from = pos + 1;
            for (;;) {
              const q = text.indexOf('"', from);
              if (q === -1) {
                if (!final) throw CUT;
                throw new CsvSyntaxError(openLine, "a quoted field is never closed (missing closing \")");
              }
              // A quote at the very end may be the first of a doubled pair: wait for the next chunk.
              if (q + 1 === len && !final) throw CUT;
              line += countLines(text, from, q);
              if (text.charCodeAt(q + 1) === QUOTE) {
                value += text.slice(from, q + 1);
                from = q + 2;
                continue;
              }
              value += text.slice(from, q);
              pos = q + 1;
              break;
            }
            c = text.charCodeAt(pos);
            if (pos < len && c !== COMMA && c !== LF && c !== CR) {
              throw new CsvSyntaxError(line, `unexpected text after a closing quote in field ${values.length + 1}`);
            }
          } else {
            // Fast path: jump to the nearest delimiter with indexOf, remembering each hit until passed.
            if (nextComma < pos) nextComma = find(text, ",", pos);
            if (nextLf < pos) nextLf = find(text, "\n", pos);
            if (nextCr < pos) nextCr = find(text, "\r", pos);
            if (nextQuote < pos) nextQuote = find(text, '"', pos);
            let end = nextComma < nextLf ? nextComma : nextLf;
            if (nextCr < end) end = nextCr;
            if (nextQuote < end) {
              const hint = 'quote the whole field and double inner quotes ("")';
              throw new CsvSyntaxError(line, `a quote inside unquoted field ${values.length + 1}: ${hint}`);
            }
            value = text.slice(pos, end);
            pos = end;
            c = text.charCodeAt(pos);
          }
          values.push(value);
          if (c === COMMA) {
            pos++;
            continue;
          }
          // End of record: a line break or the end of the text (which, before the last chunk, is a cut).
          if (pos >= len && !final) throw CUT;
          if (c === CR && pos + 1 >= len && !final) throw CUT; // a CRLF cut in two
          if (c === CR) pos += text.charCodeAt(pos + 1) === LF ? 2 : 1;
          else if (c === LF) pos++;
          line++;
          break;
        }
      } catch (err) {
        if (err !== CUT) throw err;
        this.carry = text.slice(recordStart);
        if (this.carry.length > MAX_RECORD_CHARS) {
          throw new CsvSyntaxError(start, `a row is longer than ${MAX_RECORD_CHARS.toLocaleString("en-US")} characters (is a closing quote missing?)`);
        }
        return rows;
      }
      this.line = line;
      if (values.length === 1 && !quotedAny && values[0]!.trim() === "") continue;
      if (this.header === null) this.header = values.map((h) => h.trim().toLowerCase());
      else rows.push({ line: start, values });
    }
    this.carry = "";
    return rows;
  }
}

/** Parses a whole CSV text at once (see CsvScanner). */
export function parseCsv(text: string): ParsedCsv {
  const scanner = new CsvScanner();
  const rows = scanner.push(text, true);
  return { header: scanner.header ?? [], rows };
}
