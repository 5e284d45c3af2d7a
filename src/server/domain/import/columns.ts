import type { ImportResult } from "../../../sdk/schemas/index.js";
import { DomainError, refused } from "../errors.js";
import { CsvScanner, CsvSyntaxError, type CsvRow } from "./csv.js";
import { DEFAULT_IMPORT_MAX_ROWS, ImportErrors, type ImportError } from "./errors.js";

export { ImportErrors, type ImportError };

/** An import's text: all of it at once, or chunk by chunk as it arrives (issue 14). */
export type ImportSource = string | AsyncIterable<string>;

/** Rows are handed on in batches of about this many: memory holds a batch, not the file. */
const BATCH = 2_000;

/**
 * Reads an import file as a stream: checks its header (cli-contract.md: unknown columns are an
 * error), then yields its rows in batches. Rows of the wrong width, CSV syntax errors and header
 * errors go to `errors`; after a header or syntax error nothing more is read. More than `maxRows`
 * data rows is 413 `import_too_large`, naming the setting.
 */
export class ImportReader {
  readonly errors = new ImportErrors();
  /** Column name → index in each row's values. */
  col: Record<string, number> = {};
  /** Data rows read (blank lines and Excel's empty rows are not rows). */
  rows = 0;
  private width = 0;

  constructor(private readonly required: string[], private readonly optional: string[], private readonly maxRows = DEFAULT_IMPORT_MAX_ROWS) {}

  async *batches(source: ImportSource): AsyncGenerator<CsvRow[]> {
    const scanner = new CsvScanner();
    let header = false;
    const chunks: AsyncIterable<string> | string[] = typeof source === "string" ? [source] : source;
    let pending: CsvRow[] = [];
    const take = (got: CsvRow[]): boolean => {
      if (!header && scanner.header !== null) {
        header = true;
        if (!this.readHeader(scanner.header)) return false;
      }
      for (const row of got) {
        const values = withoutEmptyTail(row.values, this.width);
        // Excel's trailing rows of empty cells (`,,,`) are not rows.
        if (values.length === 0) continue;
        if (++this.rows > this.maxRows) throw tooLarge(this.maxRows);
        if (values.length !== this.width) this.errors.add(row.line, `has ${values.length} fields; the header has ${this.width}`);
        else pending.push(values === row.values ? row : { line: row.line, values });
      }
      return true;
    };
    try {
      for await (const chunk of chunks) {
        if (!take(scanner.push(chunk))) return;
        if (pending.length >= BATCH) yield pending.splice(0);
      }
      if (!take(scanner.push("", true))) return;
    } catch (err) {
      if (!(err instanceof CsvSyntaxError)) throw err;
      // The file cannot be read past here: its rows so far are not worth a report beside this.
      this.errors.clear();
      this.errors.add(err.line, err.message);
      this.rows = err.line > 1 ? 1 : 0;
      return;
    }
    if (scanner.header === null) {
      this.errors.add(1, "the file is empty; it needs a header row");
      return;
    }
    if (pending.length) yield pending;
  }

  private readHeader(names: string[]): boolean {
    const known = new Set([...this.required, ...this.optional]);
    // Excel saves the empty columns beside the data as empty header cells (`a,b,c,,,`): not columns.
    let width = names.length;
    while (width > 0 && names[width - 1] === "") width--;
    this.width = width;
    names.slice(0, width).forEach((name, i) => {
      // A file without its header row puts a client's data here: only echo names that look like columns.
      const shown = /^[a-z_]{1,40}$/.test(name) ? `"${name}"` : `${i + 1}`;
      if (!known.has(name)) this.errors.add(1, `unknown column ${shown}; expected ${[...known].join(", ")} (is the header row missing?)`);
      else if (name in this.col) this.errors.add(1, `column "${name}" appears twice`);
      else this.col[name] = i;
    });
    for (const name of this.required) if (!(name in this.col)) this.errors.add(1, `missing column "${name}"`);
    return this.errors.total === 0;
  }
}

/** 413 `import_too_large`: the file holds more rows than the server's setting allows. */
function tooLarge(max: number): DomainError {
  return new DomainError("import_too_large", 413,
    `the file has more than ${max.toLocaleString("en-US")} rows, the most one import may hold (server setting TELE_IMPORT_MAX_ROWS); split the file, or raise TELE_IMPORT_MAX_ROWS`,
    { maxRows: max, setting: "TELE_IMPORT_MAX_ROWS" });
}

/** The row without empty cells past `width` (Excel's empty columns); empty when every cell is empty. */
function withoutEmptyTail(values: string[], width: number): string[] {
  let end = values.length;
  while (end > 0 && values[end - 1]!.trim() === "") end--;
  if (end === 0) return [];
  return values.length > width ? values.slice(0, Math.max(end, width)) : values;
}

const TRUE = new Set(["true", "yes", "1", "y"]);
const FALSE = new Set(["false", "no", "0", "n", ""]);

/** A telehealth cell: true/false/yes/no/1/0 (empty is false), or undefined when it is none of those. */
export function readBool(cell: string): boolean | undefined {
  const v = cell.trim().toLowerCase();
  return TRUE.has(v) ? true : FALSE.has(v) ? false : undefined;
}

/**
 * The end of every import: all or nothing. Any bad row refuses the whole file (422, the first bad
 * rows by line and how many more); otherwise `write` runs unless this is a dry run.
 */
export async function finishImport(
  reader: ImportReader, created: number, dryRun: boolean, write: () => Promise<void>,
): Promise<ImportResult> {
  const { errors } = reader;
  if (errors.total) {
    const shown = errors.list();
    const more = errors.total - shown.length;
    const details: ImportResult = { dryRun, rows: reader.rows, created: 0, errors: shown, ...(more ? { moreErrors: more } : {}) };
    throw refused("import_invalid", `${errors.total} row(s) of the file are invalid; nothing was imported`, details);
  }
  if (!dryRun) await write();
  return { dryRun, rows: reader.rows, created, errors: [] };
}
