import type { ImportResult } from "../../../sdk/schemas/index.js";
import { refused } from "../errors.js";
import { CsvSyntaxError, parseCsv, type CsvRow } from "./csv.js";

export type ImportError = ImportResult["errors"][number];

/** A parsed import file whose header names only known columns, and every required one. */
export interface ImportTable {
  rows: CsvRow[];
  /** Column name → index in each row's values. */
  col: Record<string, number>;
  errors: ImportError[];
}

/** Parses CSV text and checks its header (cli-contract.md: unknown columns are an error). */
export function readImportTable(text: string, required: string[], optional: string[]): ImportTable {
  let parsed;
  try {
    parsed = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError) return { rows: [], col: {}, errors: [{ line: err.line, message: err.message }] };
    throw err;
  }
  const errors: ImportError[] = [];
  const col: Record<string, number> = {};
  const known = new Set([...required, ...optional]);
  // Excel saves the empty columns beside the data as empty header cells (`a,b,c,,,`): not columns.
  let width = parsed.header.length;
  while (width > 0 && parsed.header[width - 1] === "") width--;
  parsed.header.slice(0, width).forEach((name, i) => {
    // A file without its header row puts a client's data here: only echo names that look like columns.
    const shown = /^[a-z_]{1,40}$/.test(name) ? `"${name}"` : `${i + 1}`;
    if (!known.has(name)) errors.push({ line: 1, message: `unknown column ${shown}; expected ${[...known].join(", ")} (is the header row missing?)` });
    else if (name in col) errors.push({ line: 1, message: `column "${name}" appears twice` });
    else col[name] = i;
  });
  if (parsed.header.length === 0) return { rows: [], col, errors: [{ line: 1, message: "the file is empty; it needs a header row" }] };
  for (const name of required) if (!(name in col)) errors.push({ line: 1, message: `missing column "${name}"` });
  if (errors.length) return { rows: [], col, errors };
  const rows: CsvRow[] = [];
  for (const row of parsed.rows) {
    const values = withoutEmptyTail(row.values, width);
    // Excel's trailing rows of empty cells (`,,,`) are not rows.
    if (values.length === 0) continue;
    if (values.length !== width) errors.push({ line: row.line, message: `has ${values.length} fields; the header has ${width}` });
    else rows.push(values === row.values ? row : { line: row.line, values });
  }
  return { rows, col, errors };
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
 * The end of every import: all or nothing. Any bad row refuses the whole file (422, every bad row
 * by line); otherwise `write` runs unless this is a dry run.
 */
export async function finishImport(
  table: ImportTable, errors: ImportError[], created: number, dryRun: boolean, write: () => Promise<void>,
): Promise<ImportResult> {
  const rows = table.rows.length + table.errors.filter((e) => e.line > 1).length;
  if (errors.length) {
    errors.sort((x, y) => x.line - y.line);
    throw refused("import_invalid", `${errors.length} row(s) of the file are invalid; nothing was imported`, { dryRun, rows, created: 0, errors });
  }
  if (!dryRun) await write();
  return { dryRun, rows, created, errors: [] };
}
