import { MalformedResponseError, RuleRefusedError, TeleError } from "../errors.js";
import type { CsvBody, HttpClient, RequestOptions } from "../http.js";
import { ImportResult, type Page } from "../schemas/index.js";

/** Base path of every API endpoint. */
export const API = "/api/v1";

/** A staff member, client or appointment named in a path: trimmed, non-empty, URL-encoded. */
export function segment(kind: "staff" | "client" | "appointment" | "token", ref: string): string {
  const value = typeof ref === "string" ? ref.trim() : "";
  if (!value) throw new TeleError(`a ${kind} ${kind === "appointment" || kind === "token" ? "id" : "id or email"} is required`);
  return encodeURIComponent(value);
}

/** Options of a CSV import. */
export interface ImportOptions extends RequestOptions {
  /** Check every row and report, writing nothing. */
  dryRun?: boolean;
}

/**
 * Sends a CSV import. An import is all or nothing: when any row is bad the server refuses with
 * 422 `import_invalid`, thrown as a RuleRefusedError whose `details` is the ImportResult
 * (checked against the schema; read it with `importResultOf`).
 */
export async function sendImport(
  http: HttpClient, path: string, csv: CsvBody, options: ImportOptions = {}, flags: Record<string, boolean | undefined> = {},
): Promise<ImportResult> {
  const { dryRun, ...requestOptions } = options;
  const query: Record<string, true | undefined> = { dryRun: dryRun ? true : undefined };
  for (const [name, on] of Object.entries(flags)) query[name] = on ? true : undefined;
  try {
    return await http.send({ method: "POST", path, csv, query }, ImportResult, requestOptions);
  } catch (err) {
    if (err instanceof RuleRefusedError && err.code === "import_invalid" && !ImportResult.safeParse(err.details).success) {
      throw new MalformedResponseError("the server refused the import but did not say which rows are bad", {
        status: err.status,
        request: err.request,
        cause: err,
      });
    }
    throw err;
  }
}

/** The per-row report of a refused import (422 `import_invalid`), or undefined for other errors. */
export function importResultOf(err: unknown): ImportResult | undefined {
  if (!(err instanceof RuleRefusedError) || err.code !== "import_invalid") return undefined;
  const parsed = ImportResult.safeParse(err.details);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Every item of a paged list, page after page: one request per page, and only one page held at a
 * time, so a practice's whole history can be walked in flat memory.
 */
export async function* everyItem<T>(page: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined;
  do {
    const next = await page(cursor);
    yield* next.items;
    cursor = next.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

/** Query values as the API reads them: text, with absent ones left out. */
export function queryText(query: object): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(query)) out[name] = value === undefined || value === null ? undefined : String(value);
  return out;
}
