/**
 * The bad rows of an import, bounded (issue 14): a file of millions of bad rows must not hold a
 * message per row. The first MAX_SHOWN by line are kept whatever order they are found in (rows are
 * checked in order, overlaps afterwards), with the count of all of them.
 */
import type { ImportResult } from "../../../sdk/schemas/index.js";

export type ImportError = ImportResult["errors"][number];

/** Bad rows reported by line; the rest are counted ("and N more"). */
export const MAX_SHOWN = 1_000;

/** The default most data rows of one import (TELE_IMPORT_MAX_ROWS). */
export const DEFAULT_IMPORT_MAX_ROWS = 10_000_000;

export class ImportErrors {
  private kept: ImportError[] = [];
  /** Every bad row found, shown or not. */
  total = 0;
  /** Lines above this are counted only (once MAX_SHOWN smaller ones are kept). */
  private cutoff = Infinity;

  add(line: number, message: string): void {
    this.total++;
    if (line > this.cutoff) return;
    this.kept.push({ line, message });
    if (this.kept.length >= 2 * MAX_SHOWN) this.trim();
  }

  /** The first MAX_SHOWN bad rows, by line. */
  list(): ImportError[] {
    this.trim();
    return this.kept;
  }

  clear(): void {
    this.kept = [];
    this.total = 0;
    this.cutoff = Infinity;
  }

  private trim(): void {
    this.kept.sort((x, y) => x.line - y.line);
    if (this.kept.length > MAX_SHOWN) {
      this.kept.length = MAX_SHOWN;
      this.cutoff = this.kept[MAX_SHOWN - 1]!.line;
    }
  }
}
