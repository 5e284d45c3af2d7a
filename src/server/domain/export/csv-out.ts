/**
 * CSV out (RFC 4180): fields with a comma, quote, CR or LF are quoted, quotes doubled, lines end in
 * CRLF. A cell that a spreadsheet would run as a formula (first character `=`, `+`, `-`, `@`, or a
 * tab or carriage return) gets a leading `'`, so it is shown as text (OWASP "CSV injection").
 */
const FORMULA = /^[=+\-@\t\r]/;

/** One cell, neutralised and quoted as needed. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (typeof value === "string" && FORMULA.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One line of cells, with its CRLF. */
export function csvLine(cells: readonly (string | number | boolean | null | undefined)[]): string {
  return cells.map(csvCell).join(",") + "\r\n";
}
