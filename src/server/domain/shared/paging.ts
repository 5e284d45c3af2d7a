/**
 * Keyset paging for every list (issue 14). A page is read as `limit + 1` rows after the last key of
 * the page before, in an indexed order, so it is stable and duplicate-free while rows are added, and
 * no reply grows with the practice. The cursor is opaque: base64url of the last row's key, then an
 * HMAC over the practice, the list and its resolved filter. A cursor from another practice, another
 * list or another filter, or one changed by hand, fails the HMAC and is refused (400 `bad_cursor`).
 *
 * The HMAC key is shared by every server process on the database (issue 13): the first to start
 * stores one (server_keys) and each process uses it (`usePagingKey`), so behind a load balancer a
 * cursor from one process is good on the next, and after a restart. Until then (and for code that
 * runs without a server) a key made when the module loads signs; every key a process was given is
 * accepted, so servers on different databases in one process (tests) do not refuse each other's.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { PAGE_LIMIT_DEFAULT, type Page } from "../../../sdk/schemas/index.js";
import { DomainError } from "../errors.js";

let KEY: Buffer = randomBytes(32);
const KEYS: Buffer[] = [KEY];

/** Signs with `key` from now on (the database's shared key) and keeps accepting the keys used before. */
export function usePagingKey(key: Buffer): void {
  if (key.length < 32) throw new Error("the paging key must be at least 32 bytes");
  KEY = key;
  if (!KEYS.some((k) => k.equals(key))) KEYS.push(key);
}

/** A row's position in its list's order: the ordered columns, last the id (so no two rows tie). */
export type PageKey = (string | number)[];

/** What a cursor is bound to besides its key: the practice, which list, and its resolved filter. */
export interface PageScope {
  practiceId: string;
  list: string;
  filter: Record<string, unknown>;
}

export const badCursor = () =>
  new DomainError("bad_cursor", 400, "the cursor was not given out by this list for this practice and these filters; start again without it");

function mac(scope: PageScope, body: string, key: Buffer = KEY): Buffer {
  // The filter's keys are sorted so the same filter always signs the same; undefined fields drop out.
  const filter = JSON.stringify(Object.entries(scope.filter).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)));
  return createHmac("sha256", key).update(`${scope.practiceId}\n${scope.list}\n${filter}\n${body}`).digest();
}

/** The cursor of the page after the row with `key`. */
export function cursorAfter(scope: PageScope, key: PageKey): string {
  const body = Buffer.from(JSON.stringify(key)).toString("base64url");
  return `${body}.${mac(scope, body).toString("base64url")}`;
}

/**
 * The key a cursor holds, checked against its scope and against `shape` (the type of each key
 * column: "s" text, "n" integer); undefined without a cursor. Anything else is `bad_cursor`.
 */
export function keyOf(scope: PageScope, cursor: string | undefined, shape: string): PageKey | undefined {
  if (cursor === undefined) return undefined;
  const [body, sig, extra] = cursor.split(".");
  if (!body || !sig || extra !== undefined) throw badCursor();
  const given = Buffer.from(sig, "base64url");
  const signedByOne = KEYS.some((k) => {
    const expected = mac(scope, body, k);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!signedByOne) throw badCursor();
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    throw badCursor();
  }
  const fits = Array.isArray(key) && key.length === shape.length &&
    key.every((v, i) => (shape[i] === "n" ? Number.isSafeInteger(v) : typeof v === "string"));
  if (!fits) throw badCursor();
  return key as PageKey;
}

/** The number of rows a page holds. */
export const pageSize = (limit: number | undefined): number => limit ?? PAGE_LIMIT_DEFAULT;

/**
 * A page from up to `size + 1` rows read after the cursor's key: the first `size` as items, and a
 * cursor when there was one row more.
 */
export function pageFrom<R, V>(rows: R[], size: number, scope: PageScope, key: (row: R) => PageKey, view: (row: R) => V): Page<V> {
  const more = rows.length > size;
  const kept = more ? rows.slice(0, size) : rows;
  return { items: kept.map(view), nextCursor: more ? cursorAfter(scope, key(kept[kept.length - 1]!)) : null };
}
