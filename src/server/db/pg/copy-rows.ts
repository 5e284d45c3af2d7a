/**
 * Rows from SQLite into one PostgreSQL table with `COPY … FROM STDIN` (pg-copy-streams), in
 * PostgreSQL's text format: https://www.postgresql.org/docs/15/sql-copy.html#id-1.9.3.55.9.2
 * Used by `tele db copy` (copy.ts); the caller holds the transaction.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ClientBase } from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { ident } from "./security.js";

/** Rows sent to the server per chunk: big enough to keep the socket busy, small enough to stay in cache. */
const ROWS_PER_CHUNK = 2_000;

/** A value SQLite cannot give PostgreSQL's text columns (a BLOB): named by table and column only, never by value. */
export class UnsupportedValueError extends Error {
  constructor(readonly table: string, readonly column: string) {
    super(`${table}.${column} holds a value of a type tele never writes (a BLOB); nothing was copied`);
    this.name = "UnsupportedValueError";
  }
}

/**
 * One value in COPY's text format: `\N` for NULL; backslash, newline, carriage return and tab
 * escaped, so a mail body's lines stay one field. Integers come as bigint (exact at any size).
 */
export function copyField(value: unknown): string {
  if (value === null || value === undefined) return "\\N";
  if (typeof value === "bigint" || typeof value === "number") return String(value);
  if (typeof value !== "string") throw new TypeError("not a text or number value");
  if (!/[\\\n\r\t]/.test(value)) return value;
  return value.replace(/[\\\n\r\t]/g, (c) => (c === "\\" ? "\\\\" : c === "\n" ? "\\n" : c === "\r" ? "\\r" : "\\t"));
}

/** The chunks of COPY text for `rows`, ROWS_PER_CHUNK lines at a time. */
function* chunks(table: string, columns: readonly string[], rows: Iterable<unknown[]>): Generator<string> {
  let lines: string[] = [];
  for (const row of rows) {
    const fields = new Array<string>(row.length);
    for (let i = 0; i < row.length; i++) {
      try {
        fields[i] = copyField(row[i]);
      } catch {
        throw new UnsupportedValueError(table, columns[i]!);
      }
    }
    lines.push(fields.join("\t"));
    if (lines.length === ROWS_PER_CHUNK) {
      yield `${lines.join("\n")}\n`;
      lines = [];
    }
  }
  if (lines.length > 0) yield `${lines.join("\n")}\n`;
}

/**
 * Streams `rows` (each in `columns` order) into `table` and returns how many rows PostgreSQL says
 * it took. The table must not force row-level security while this runs (PostgreSQL refuses COPY
 * FROM then, even for the owner); copy.ts lifts and restores that inside the same transaction.
 */
export async function copyRows(client: ClientBase, table: string, columns: readonly string[], rows: Iterable<unknown[]>): Promise<number> {
  const sql = `COPY ${ident(table)} (${columns.map(ident).join(", ")}) FROM STDIN`;
  const stream = client.query(copyFrom(sql));
  await pipeline(Readable.from(chunks(table, columns, rows)), stream);
  return Number(stream.rowCount);
}
