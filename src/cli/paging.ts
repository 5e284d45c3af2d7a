/**
 * Lists on the command line, page by page (issue 14): a human table shows `--limit` rows (50 by
 * default) and says when there are more; `--all` prints every page, and `--json` streams every
 * page (or the first `--limit` items) to stdout as one JSON array. Only one page is ever held, and
 * stdout is drained between pages, so memory stays flat however long the list is.
 */
import { PAGE_LIMIT_MAX, type Page } from "../sdk/schemas/index.js";
import type { CommandContext } from "./context.js";
import { UsageError, helpHint } from "./errors.js";
import { jsonText, note, plural, type Paint } from "./output.js";
import { wholeNumber } from "./values.js";

/** Rows of a human table when neither --limit nor --all is given. */
export const TABLE_LIMIT = 50;

/** How many items to show: `limit` undefined is every item. */
export interface Paging {
  limit: number | undefined;
  all: boolean;
}

/** --limit and --all, read apart from the run; both together are a usage error. */
export function readPaging(ctx: CommandContext, flags: Record<string, unknown>): Paging {
  const all = flags.all === true;
  const given = typeof flags.limit === "string" ? wholeNumber(ctx, flags.limit, "--limit", "a whole number, such as 100") : undefined;
  if (given !== undefined && given < 1) throw new UsageError("--limit must be at least 1", helpHint(ctx.command));
  if (all && given !== undefined) throw new UsageError("--all and --limit do not go together: --all shows every row", helpHint(ctx.command));
  return { all, limit: all ? undefined : (given ?? (ctx.json ? undefined : TABLE_LIMIT)) };
}

/** One page as the command asks for it: after `cursor`, at most `size` items. */
export type PageFetch<T> = (cursor: string | undefined, size: number) => Promise<Page<T>>;

/**
 * Pages until `limit` items (or the end); each with whether the list goes on beyond what was shown.
 * The next page is asked for as soon as one arrives, so the server reads it while this one is
 * printed: two pages in memory at most, and the two processes work side by side.
 */
export async function* pagesOf<T>(fetch: PageFetch<T>, limit: number | undefined): AsyncGenerator<{ items: T[]; more: boolean }> {
  let left = limit ?? Number.POSITIVE_INFINITY;
  let next: Promise<Page<T>> | undefined = fetch(undefined, Math.min(left, PAGE_LIMIT_MAX));
  while (next) {
    const page: Page<T> = await next;
    const items: T[] = page.items.slice(0, left);
    left -= items.length;
    const cursor: string | undefined = page.nextCursor ?? undefined;
    const more: boolean = cursor !== undefined || items.length < page.items.length;
    next = more && left > 0 && items.length > 0 ? fetch(cursor, Math.min(left, PAGE_LIMIT_MAX)) : undefined;
    // A page asked for ahead whose reader stops early must not surface as an unhandled rejection.
    next?.catch(() => undefined);
    yield { items, more };
  }
}

/** A table's columns and how an item fills them. */
export interface TableView<T> {
  headers: string[];
  row: (item: T) => string[];
}

/** What a list command shows: its items' schema, the table of a page, and what to say when it is empty. */
export interface ListView<T> {
  /** The table, made when the first row is to be printed (so an empty list asks for no time zone). */
  table: () => TableView<T> | Promise<TableView<T>>;
  /** Said on stderr when nothing matches. */
  empty: string;
  noun: string;
}

/** Prints a list: a JSON array with --json, a table otherwise; returns the exit code. */
export async function printList<T>(ctx: CommandContext, paging: Paging, fetch: PageFetch<T>, view: ListView<T>): Promise<number> {
  if (ctx.json) return streamJson(ctx, pagesOf(fetch, paging.limit));
  let table: { view: TableView<T>; out: TableStream } | undefined;
  let shown = 0;
  let more = false;
  for await (const page of pagesOf(fetch, paging.limit)) {
    if (page.items.length) {
      if (!table) {
        const tv = await view.table();
        table = { view: tv, out: new TableStream(ctx.paint, tv.headers) };
      }
      ctx.io.out(table.out.rows(page.items.map(table.view.row)));
    }
    shown += page.items.length;
    more = page.more;
    if ((await ctx.io.drain?.()) === false) return 0;
  }
  if (shown === 0) note(ctx.io, view.empty);
  else if (more) note(ctx.io, `Showing ${plural(shown, view.noun)}; there are more — use --all for every one, or --limit N.`);
  return 0;
}

/**
 * Writes the items of every page as one JSON array, a page at a time, one item to a line (a million
 * items stay readable with grep and quick to write). The SDK has already parsed each page with the
 * item's schema, so only the contract's fields are here.
 */
async function streamJson<T>(ctx: CommandContext, pages: AsyncIterable<{ items: T[] }>): Promise<number> {
  let first = true;
  for await (const page of pages) {
    if (page.items.length === 0) continue;
    const text = page.items.map((value) => jsonText(value)).join(",\n");
    ctx.io.out(`${first ? "[\n" : ",\n"}${text}`);
    first = false;
    if ((await ctx.io.drain?.()) === false) return 0;
  }
  ctx.io.out(first ? "[]\n" : "\n]\n");
  return 0;
}

/**
 * A table printed a page at a time: the header once, columns as wide as the widest cell seen so far
 * (a later page may widen them; no earlier row is held to be reprinted).
 */
export class TableStream {
  private widths: number[];
  private started = false;
  constructor(private readonly paint: Paint, private readonly headers: string[]) {
    this.widths = headers.map(width);
  }

  rows(rows: string[][]): string {
    for (const r of rows) r.forEach((cell, i) => (this.widths[i] = Math.max(this.widths[i] ?? 0, width(cell))));
    const line = (cells: string[], style = (t: string) => t) =>
      cells.map((cell, i) => style(cell) + " ".repeat((this.widths[i] ?? 0) - width(cell))).join("  ").trimEnd();
    const out = this.started ? [] : [line(this.headers, this.paint.bold)];
    this.started = true;
    return [...out, ...rows.map((r) => line(r))].join("\n") + "\n";
  }
}

function width(text: string): number {
  return [...text].length;
}
