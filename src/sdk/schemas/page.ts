import { z } from "zod";

/** How many items a page holds when the caller does not say, and the most it may ask for. */
export const PAGE_LIMIT_DEFAULT = 100;
export const PAGE_LIMIT_MAX = 1000;

/** `limit` of a list query: 1 to PAGE_LIMIT_MAX; more is a 400 that names the maximum. */
export const PageLimit = z.coerce
  .number({ message: "must be a whole number" })
  .int({ message: "must be a whole number" })
  .min(1, { message: "must be at least 1" })
  .max(PAGE_LIMIT_MAX, { message: `must be at most ${PAGE_LIMIT_MAX}` });

/**
 * `cursor` of a list query: the `nextCursor` of the page before, passed back unchanged with the same
 * filters. It is opaque and bound to the practice and the query; any other is refused (400 `bad_cursor`).
 */
export const Cursor = z.string().min(1).max(1000);

/** The paging fields every list query takes. */
export const pageParams = { limit: PageLimit.optional(), cursor: Cursor.optional() };

/** One page of a list: its items, and the cursor of the next page (null on the last). */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** A page of any list. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
