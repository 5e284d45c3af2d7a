/** The streamed pieces of an import (issue 14): chunked CSV, chunked decoding, bounded errors. */
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { CsvStreamDecoder, decodeCsvBytes, UndecodableTextError } from "../../src/sdk/schemas/index.js";
import { CsvScanner, CsvSyntaxError, MAX_RECORD_CHARS, parseCsv } from "../../src/server/domain/import/csv.js";
import { ImportErrors, MAX_SHOWN } from "../../src/server/domain/import/errors.js";

/** The text cut into pieces of `size` (the last may be shorter). */
const pieces = (text: string, size: number) => Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));

function scanAll(chunks: string[]) {
  const s = new CsvScanner();
  const rows = chunks.flatMap((c) => s.push(c));
  rows.push(...s.push("", true));
  return { header: s.header ?? [], rows };
}

describe("CsvScanner", () => {
  const text = '\uFEFFname,"no,te"\r\n"Ada ""A""",x\r\n\r\n"multi\nline",y\rlast,"q"\n  \nend,z';

  it("gives the same rows and line numbers whatever the chunks are cut at", () => {
    const whole = parseCsv(text);
    expect(whole.rows.map((r) => r.line)).toEqual([2, 4, 6, 8]);
    for (let size = 1; size <= text.length; size++) expect(scanAll(pieces(text, size)), `chunks of ${size}`).toEqual(whole);
  });

  it("a quote never closed is reported at its line at the end, and a row past the longest allowed at once", () => {
    expect(() => scanAll(pieces('a,b\n1,2\n"open,3\n4,5\n', 3))).toThrow(new CsvSyntaxError(3, 'a quoted field is never closed (missing closing ")'));
    const s = new CsvScanner();
    s.push("a,b\n");
    s.push('"');
    const more = "x".repeat(64 * 1024);
    expect(() => { for (let i = 0; i * more.length <= MAX_RECORD_CHARS + more.length; i++) s.push(more); }).toThrow(/line 2: a row is longer than/);
  });
});

describe("CsvStreamDecoder", () => {
  const decodeIn = (bytes: Uint8Array, size: number, encoding?: "utf-8" | "windows-1252" | "utf-16le" | "utf-16be") => {
    const d = new CsvStreamDecoder(encoding);
    let out = "";
    for (let i = 0; i < bytes.length; i += size) out += d.decode(bytes.subarray(i, i + size));
    return out + d.decode(new Uint8Array(0), true);
  };
  const text = "name,note\nZoë,€ 5 – “quoted” 🎉\nÅsa,ok\n";

  it("decodes UTF-8 (with a BOM), UTF-16 LE and BE, and Windows-1252 the same whatever the chunks are cut at", () => {
    const files: [Uint8Array, "utf-8" | "windows-1252" | "utf-16le" | undefined, string][] = [
      [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), undefined, text],
      [Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]), undefined, text],
      [Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, "utf16le").swap16()]), undefined, text],
      [Buffer.from(text, "utf16le"), "utf-16le", text],
      [iconv.encode(text.replace(" 🎉", ""), "windows-1252"), "windows-1252", text.replace(" 🎉", "")],
    ];
    for (const [bytes, encoding, expected] of files) {
      expect(decodeCsvBytes(bytes, encoding).text).toBe(expected);
      for (let size = 1; size <= 7; size++) expect(decodeIn(bytes, size, encoding), `chunks of ${size}`).toBe(expected);
    }
  });

  it("names the line of a bad byte in a later chunk, as the whole-file decoder does", () => {
    const bytes = Buffer.concat([Buffer.from("a,b\n1,2\n3,4\n5,"), Buffer.from([0xff]), Buffer.from("6\n")]);
    for (const size of [1, 2, 5, 64]) {
      const err = (() => { try { decodeIn(bytes, size); } catch (e) { return e; } })();
      expect(err).toBeInstanceOf(UndecodableTextError);
      expect((err as UndecodableTextError).line).toBe(4);
    }
    expect(() => decodeIn(Buffer.from("a,b\n\u0000x\n"), 3)).toThrow(/line 2 has NUL bytes/);
  });
});

describe("ImportErrors", () => {
  it("keeps the first rows by line, whatever order they are found in, and counts the rest", () => {
    const e = new ImportErrors();
    for (let line = 5 * MAX_SHOWN; line >= 2; line--) e.add(line, `bad ${line}`);
    expect(e.total).toBe(5 * MAX_SHOWN - 1);
    const shown = e.list();
    expect(shown).toHaveLength(MAX_SHOWN);
    expect(shown[0]).toEqual({ line: 2, message: "bad 2" });
    expect(shown.at(-1)!.line).toBe(MAX_SHOWN + 1);
  });
});
