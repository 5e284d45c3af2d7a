/**
 * `tele db copy`'s COPY text (src/server/db/pg/copy-rows.ts) round-trips through a real PostgreSQL:
 * every awkward text (the literal `\N`, backslashes, tabs, line breaks, non-Latin script, an empty
 * string beside NULL) and integers past 2^53 come back as they went in; a BLOB is refused by its
 * table and column, not its value. And the URL helpers never show a password.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { copyRows, UnsupportedValueError } from "../../src/server/db/pg/copy-rows.js";
import { hostPort, withoutPassword } from "../../src/server/db/pg/copy-errors.js";
import { describePg, freshDatabase, pgClient, type FreshDatabase } from "../helpers/pg.js";

const AWKWARD = [
  "\\N", "back\\slash", "ends with a backslash\\", "tab\there", "line\nbreak", "carriage\r\nreturn", "\\n is not a newline",
  "", "Zoë Ångström — 日本語 🙂", "a \"quoted\" 'value'", "x".repeat(100_000),
];

describePg("COPY rows into PostgreSQL", () => {
  let db: FreshDatabase;
  let c: pg.Client;
  beforeAll(async () => {
    db = await freshDatabase("copyrows");
    c = await pgClient(db.url);
    await c.query("CREATE TABLE t (n INTEGER PRIMARY KEY, s TEXT, big BIGINT)");
  });
  afterAll(async () => {
    await c?.end();
    await db?.drop();
  }, 180_000); // DROP DATABASE waits for a checkpoint, which takes long on a busy machine

  it("brings back every text and integer as it was, NULL apart from the text \\N and from ''", async () => {
    const rows: unknown[][] = AWKWARD.map((s, i) => [BigInt(i), s, i % 2 ? 2n ** 62n + BigInt(i) : -(2n ** 53n) - 1n]);
    rows.push([BigInt(AWKWARD.length), null, null]);
    rows.push([AWKWARD.length + 1, "a plain number id", 7]); // numbers, as SQLite gives them without safeIntegers
    expect(await copyRows(c, "t", ["n", "s", "big"], rows)).toBe(rows.length);
    const back = await c.query({ text: "SELECT n, s, big FROM t ORDER BY n", rowMode: "array" });
    expect(back.rows).toEqual(rows.map(([n, s, big]) => [Number(n), s, big === null ? null : String(big)]));
  });

  it("streams more rows than one chunk", async () => {
    await c.query("CREATE TABLE many (id TEXT PRIMARY KEY, body TEXT)");
    const rows = Array.from({ length: 10_001 }, (_, i) => [`id${i}`, `line one\nline two ${i}`]);
    expect(await copyRows(c, "many", ["id", "body"], rows)).toBe(10_001);
    const { rows: [r] } = await c.query("SELECT count(*)::int AS n, count(DISTINCT body)::int AS d, max(length(body))::int AS len FROM many");
    expect(r).toEqual({ n: 10_001, d: 10_001, len: "line one\nline two 10000".length });
  });

  it("refuses a BLOB naming the table and column only", async () => {
    const err = await copyRows(c, "t", ["n", "s"], [[100n, Buffer.from("secret bytes")]]).catch((e) => e);
    expect(err).toBeInstanceOf(UnsupportedValueError);
    expect(err.message).toBe("t.s holds a value of a type tele never writes (a BLOB); nothing was copied");
  });
});

describe("the target URL in messages", () => {
  it("drops the password, wherever it is given, and names host:port", () => {
    expect(withoutPassword("postgres://owner:pw%40x@db.internal:6543/tele")).toBe("postgres://owner@db.internal:6543/tele");
    expect(withoutPassword("postgres://owner@db.internal/tele?password=pw&sslmode=require")).toBe("postgres://owner@db.internal/tele?sslmode=require");
    expect(hostPort("postgres://owner:pw@db.internal/tele")).toBe("db.internal:5432");
    expect(hostPort("postgresql://owner:pw@[::1]:6000/tele")).toBe("[::1]:6000");
  });
});
