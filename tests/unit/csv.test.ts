import { describe, expect, it } from "vitest";
import { CsvSyntaxError, parseCsv } from "../../src/server/domain/import/csv.js";

/** Catch the error parseCsv throws, failing the test if it throws nothing or something else. */
function syntaxError(text: string): CsvSyntaxError {
  try {
    parseCsv(text);
  } catch (e) {
    expect(e).toBeInstanceOf(CsvSyntaxError);
    return e as CsvSyntaxError;
  }
  throw new Error("expected a CsvSyntaxError");
}

describe("parseCsv", () => {
  it("reads a header and rows with their line numbers", () => {
    expect(parseCsv("name,email\nAda,ada@example.com\nBob,bob@example.com\n")).toEqual({
      header: ["name", "email"],
      rows: [
        { line: 2, values: ["Ada", "ada@example.com"] },
        { line: 3, values: ["Bob", "bob@example.com"] },
      ],
    });
  });

  it("trims and lower-cases header names but leaves values alone", () => {
    const { header, rows } = parseCsv(" First Name ,\tEMAIL\n  Ada , X@Example.com ");
    expect(header).toEqual(["first name", "email"]);
    expect(rows[0].values).toEqual(["  Ada ", " X@Example.com "]);
  });

  it("strips a leading BOM, and only a leading one", () => {
    const { header, rows } = parseCsv("\uFEFFname,note\nAda,\uFEFFx\n");
    expect(header).toEqual(["name", "note"]);
    expect(rows[0].values).toEqual(["Ada", "\uFEFFx"]);
    // A quoted first header must still parse: the BOM is not part of the field.
    expect(parseCsv('\uFEFF"Name",b\r\n1,2').header).toEqual(["name", "b"]);
  });

  it("accepts CRLF, LF and lone CR line endings, with or without a final one", () => {
    const expected = [
      { line: 2, values: ["1", "2"] },
      { line: 3, values: ["3", "4"] },
    ];
    for (const text of ["a,b\r\n1,2\r\n3,4\r\n", "a,b\n1,2\n3,4", "a,b\r1,2\r3,4\r", "a,b\r\n1,2\n3,4"]) {
      expect(parseCsv(text)).toEqual({ header: ["a", "b"], rows: expected });
    }
  });

  it("skips blank and whitespace-only lines but still counts them", () => {
    const { rows } = parseCsv("a,b\n\n1,2\r\n\r\n  \t\n3,4\n\n\n");
    expect(rows).toEqual([
      { line: 3, values: ["1", "2"] },
      { line: 6, values: ["3", "4"] },
    ]);
  });

  it("takes the first non-blank record as the header", () => {
    expect(parseCsv("\n\na,b\n1,2")).toEqual({ header: ["a", "b"], rows: [{ line: 4, values: ["1", "2"] }] });
  });

  it("handles quoted fields with commas, doubled quotes and empty values", () => {
    const { rows } = parseCsv('a,b,c\n"Smith, Ada","say ""hi""",""\n"""",x,\n');
    expect(rows).toEqual([
      { line: 2, values: ["Smith, Ada", 'say "hi"', ""] },
      { line: 3, values: ['"', "x", ""] },
    ]);
  });

  it("keeps line breaks inside quoted fields and numbers later rows by physical line", () => {
    const text = 'name,note\n"Ada","line one\nline two\r\nline three"\nBob,"x"\n"Cy","a\rb"\nDee,y\n';
    const { rows } = parseCsv(text);
    expect(rows).toEqual([
      { line: 2, values: ["Ada", "line one\nline two\r\nline three"] },
      { line: 5, values: ["Bob", "x"] },
      { line: 6, values: ["Cy", "a\rb"] },
      { line: 8, values: ["Dee", "y"] },
    ]);
  });

  it("counts line breaks inside quoted header fields too", () => {
    expect(parseCsv('"a\nb",c\n1,2').rows).toEqual([{ line: 3, values: ["1", "2"] }]);
  });

  it("returns rows with the wrong number of fields for the caller to report", () => {
    const { rows } = parseCsv("a,b,c\n1,2\n1,2,3,4\n1,2,3\n,,\n");
    expect(rows).toEqual([
      { line: 2, values: ["1", "2"] },
      { line: 3, values: ["1", "2", "3", "4"] },
      { line: 4, values: ["1", "2", "3"] },
      { line: 5, values: ["", "", ""] },
    ]);
  });

  it("keeps a record that is a single quoted empty field", () => {
    expect(parseCsv('a\n""\n').rows).toEqual([{ line: 2, values: [""] }]);
  });

  it("gives an empty header and no rows for empty or blank text", () => {
    for (const text of ["", "\uFEFF", "\n\r\n  \n"]) expect(parseCsv(text)).toEqual({ header: [], rows: [] });
    expect(parseCsv("a,b\n")).toEqual({ header: ["a", "b"], rows: [] });
  });

  it("round-trips random fields full of commas, quotes and line breaks", () => {
    let seed = 42;
    const rand = (n: number) => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n);
    const alphabet = ['a', 'b', ' ', ',', '"', '\n', '\r\n', 'é', '😀'];
    const field = () => Array.from({ length: rand(6) }, () => alphabet[rand(alphabet.length)]).join("");
    const quote = (v: string) => (/[",\r\n]/.test(v) || v.trim() === "" ? `"${v.replaceAll('"', '""')}"` : v);
    const records = Array.from({ length: 300 }, () => Array.from({ length: 1 + rand(4) }, field));
    const text = ["h1,h2", ...records.map((r) => r.map(quote).join(","))].join("\r\n");
    const { rows } = parseCsv(text);
    expect(rows.map((r) => r.values)).toEqual(records);
    let line = 2;
    rows.forEach((row, i) => {
      expect(row.line).toBe(line);
      line += 1 + records[i].join("").split("\n").length - 1;
    });
  });
});

describe("parseCsv syntax errors", () => {
  it("reports an unterminated quote at the line where it opened", () => {
    const e = syntaxError('a,b\n1,2\n3,"never\nclosed\n');
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/^line 3: .*never closed/);
    expect(e.name).toBe("CsvSyntaxError");
    expect(syntaxError('a,b\n"x\ny",1,"oops\nmore').line).toBe(3);
    expect(e).toBeInstanceOf(Error);
  });

  it("reports a quote inside an unquoted field", () => {
    const e = syntaxError('a,b\n1,2\nab"c,d\n');
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/quote inside unquoted field 1/);
    expect(syntaxError('a,b\n x,"y"\n1,2 "3"').line).toBe(3);
    expect(syntaxError('a,b\n "x",y').message).toMatch(/field 1/);
  });

  it("reports text after a closing quote, on the line where the quote closed", () => {
    const e = syntaxError('a,b\n1,"multi\nline"x\n');
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/after a closing quote in field 2/);
    expect(syntaxError('a,b\n"x" ,y').line).toBe(2);
    expect(syntaxError('"a""b"c').line).toBe(1);
  });
});

/** The fastest of a few timed runs, in ms (the minimum is the least disturbed by other load). */
function fastest(fn: () => unknown, runs = 3): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

// Timings are relative to String.prototype.split on the same text, so a busy machine slows both:
// the scanner is within ~2x of split; a per-character regex or a quadratic rescan is far beyond 5x.
describe("parseCsv speed", () => {
  it("parses 100,000 rows of six short columns at split-like speed", () => {
    const lines = ["first_name,last_name,email,phone,start,duration"];
    for (let i = 0; i < 100_000; i++) {
      lines.push(`Client${i},Surname${i % 97},c${i}@example.com,555-01${i % 100},2026-12-${(i % 28) + 1}T10:00,50`);
    }
    const text = lines.join("\r\n");
    const { rows } = parseCsv(text);
    expect(rows).toHaveLength(100_000);
    expect(rows[99_999]).toEqual({
      line: 100_001,
      values: ["Client99999", "Surname89", "c99999@example.com", "555-0199", "2026-12-12T10:00", "50"],
    });
    const split = fastest(() => text.split("\r\n").map((l, i) => ({ line: i + 1, values: l.split(",") })));
    expect(fastest(() => parseCsv(text))).toBeLessThan(5 * split + 20);
  });

  it("stays linear with many quoted fields (no rescans of the rest of the file)", () => {
    const text = "a,b\n" + '"x, y","1\n2"\n'.repeat(50_000);
    const { rows } = parseCsv(text);
    expect(rows[49_999]).toEqual({ line: 100_000, values: ["x, y", "1\n2"] });
    const split = fastest(() => text.split("\n").map((l) => l.split(",")));
    expect(fastest(() => parseCsv(text))).toBeLessThan(5 * split + 20);
  });
});
