/**
 * Both engines' catalogues read into one shape, and a comparison that lists every difference, for
 * the test that keeps src/server/db/migrations.ts and src/server/db/pg/migrations.ts in step.
 * Normalised: INTEGER/BIGINT/SMALLINT are "integer"; casts like `::text` and parentheses are
 * dropped from defaults and index predicates, and `!=` is `<>`; a primary key column is NOT NULL.
 */
import type { SqliteDatabase } from "../../src/server/db/open.js";
import type pg from "pg";

export interface ColumnShape {
  type: string;
  notNull: boolean;
  default: string | null;
}
export interface TableShape {
  columns: Record<string, ColumnShape>;
  primaryKey: string[];
  /** Unique constraints (not named indexes), as "a,b". */
  uniques: string[];
  /** Named indexes: "unique? (a,b) where …". */
  indexes: Record<string, string>;
  /** "(a,b) -> table(c,d)". */
  foreignKeys: string[];
  /** Append-only triggers by name (PostgreSQL's extra *_no_truncate left out). */
  triggers: string[];
}
export type Catalogue = Record<string, TableShape>;

export function normaliseType(type: string): string {
  const t = type.toLowerCase().trim();
  return ["integer", "bigint", "smallint", "int", "int8", "int4", "int2"].includes(t) ? "integer" : t;
}

export function normaliseExpr(expr: string | null | undefined): string | null {
  if (expr === null || expr === undefined) return null;
  return expr
    .replace(/::[a-z ]+(\[\])?/gi, "")
    .replace(/[()]/g, "")
    .replace(/!=/g, "<>")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
}

function indexText(unique: boolean, columns: string[], where: string | null): string {
  return `${unique ? "unique " : ""}(${columns.join(",")})${where ? ` where ${normaliseExpr(where)}` : ""}`;
}

/** SQLite's catalogue, from PRAGMA table_info, index_list, index_info and foreign_key_list. */
export function sqliteCatalogue(db: SqliteDatabase): Catalogue {
  const out: Catalogue = {};
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  for (const table of tables) {
    const info = db.pragma(`table_info(${table})`) as { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }[];
    const shape: TableShape = { columns: {}, primaryKey: [], uniques: [], indexes: {}, foreignKeys: [], triggers: [] };
    for (const c of info) {
      shape.columns[c.name] = { type: normaliseType(c.type), notNull: c.notnull === 1 || c.pk > 0, default: normaliseExpr(c.dflt_value) };
    }
    shape.primaryKey = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
    const list = db.pragma(`index_list(${table})`) as { name: string; unique: number; origin: string; partial: number }[];
    for (const ix of list) {
      if (ix.origin === "pk") continue;
      const columns = (db.pragma(`index_info(${ix.name})`) as { seqno: number; name: string }[]).sort((a, b) => a.seqno - b.seqno).map((c) => c.name);
      if (ix.origin === "u") {
        shape.uniques.push(columns.join(","));
        continue;
      }
      const sql = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?").pluck().get(ix.name) as string;
      const where = ix.partial ? (/\bWHERE\b([\s\S]*)$/i.exec(sql)?.[1] ?? null) : null;
      shape.indexes[ix.name] = indexText(ix.unique === 1, columns, where);
    }
    const fks = db.pragma(`foreign_key_list(${table})`) as { id: number; seq: number; table: string; from: string; to: string }[];
    const byId = new Map<number, typeof fks>();
    for (const fk of fks) byId.set(fk.id, [...(byId.get(fk.id) ?? []), fk]);
    for (const parts of byId.values()) {
      parts.sort((a, b) => a.seq - b.seq);
      shape.foreignKeys.push(`(${parts.map((p) => p.from).join(",")}) -> ${parts[0]!.table}(${parts.map((p) => p.to).join(",")})`);
    }
    shape.triggers = db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? ORDER BY name").pluck().all(table) as string[];
    shape.uniques.sort();
    shape.foreignKeys.sort();
    out[table] = shape;
  }
  return out;
}

/** PostgreSQL's catalogue of the current schema, from information_schema and pg_catalog. */
export async function pgCatalogue(client: pg.ClientBase, skip: string[] = ["schema_version"]): Promise<Catalogue> {
  const out: Catalogue = {};
  const cols = await client.query(
    `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
      WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
  );
  for (const c of cols.rows) {
    if (skip.includes(c.table_name)) continue;
    const shape = (out[c.table_name] ??= { columns: {}, primaryKey: [], uniques: [], indexes: {}, foreignKeys: [], triggers: [] });
    shape.columns[c.column_name] = { type: normaliseType(c.data_type), notNull: c.is_nullable === "NO", default: normaliseExpr(c.column_default) };
  }
  const idx = await client.query(
    `SELECT t.relname AS table_name, i.relname AS index_name, x.indisunique AS unique, x.indisprimary AS primary,
            con.contype, pg_get_expr(x.indpred, x.indrelid) AS predicate,
            ARRAY(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(attnum, n)
                    JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS columns
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
       LEFT JOIN pg_constraint con ON con.conindid = x.indexrelid AND con.contype IN ('p', 'u')
      WHERE t.relnamespace = current_schema()::regnamespace ORDER BY 1, 2`,
  );
  for (const r of idx.rows) {
    const shape = out[r.table_name];
    if (!shape) continue;
    if (r.primary) shape.primaryKey = r.columns;
    else if (r.contype === "u") shape.uniques.push(r.columns.join(","));
    else shape.indexes[r.index_name] = indexText(r.unique, r.columns, r.predicate);
  }
  const fks = await client.query(
    `SELECT c.relname AS table_name, pg_get_constraintdef(con.oid) AS def FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
      WHERE con.contype = 'f' AND c.relnamespace = current_schema()::regnamespace`,
  );
  for (const r of fks.rows) {
    const m = /FOREIGN KEY \(([^)]*)\) REFERENCES ([\w"]+)\(([^)]*)\)/.exec(r.def);
    const list = (s: string) => s.split(",").map((x) => x.trim().replace(/"/g, "")).join(",");
    out[r.table_name]?.foreignKeys.push(m ? `(${list(m[1]!)}) -> ${m[2]!.replace(/"/g, "")}(${list(m[3]!)})` : r.def);
  }
  const trg = await client.query(
    `SELECT c.relname AS table_name, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace ORDER BY 2`,
  );
  for (const r of trg.rows) if (!r.tgname.endsWith("_no_truncate")) out[r.table_name]?.triggers.push(r.tgname);
  for (const shape of Object.values(out)) {
    shape.uniques.sort();
    shape.foreignKeys.sort();
  }
  return out;
}

/** Every difference between two catalogues, one line each ("clients.phone: only in sqlite"); [] when equal. */
export function compareCatalogues(a: Catalogue, b: Catalogue, names: [string, string] = ["sqlite", "postgres"]): string[] {
  const diffs: string[] = [];
  const keys = (x: object, y: object) => [...new Set([...Object.keys(x), ...Object.keys(y)])].sort();
  const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
  for (const table of keys(a, b)) {
    const ta = a[table];
    const tb = b[table];
    if (!ta || !tb) {
      diffs.push(`${table}: only in ${ta ? names[0] : names[1]}`);
      continue;
    }
    for (const col of keys(ta.columns, tb.columns)) {
      const ca = ta.columns[col];
      const cb = tb.columns[col];
      if (!ca || !cb) diffs.push(`${table}.${col}: only in ${ca ? names[0] : names[1]}`);
      else if (!same(ca, cb)) diffs.push(`${table}.${col}: ${names[0]} ${JSON.stringify(ca)} vs ${names[1]} ${JSON.stringify(cb)}`);
    }
    for (const ix of keys(ta.indexes, tb.indexes)) {
      if (ta.indexes[ix] !== tb.indexes[ix]) diffs.push(`${table} index ${ix}: ${names[0]} ${ta.indexes[ix] ?? "none"} vs ${names[1]} ${tb.indexes[ix] ?? "none"}`);
    }
    for (const part of ["primaryKey", "uniques", "foreignKeys", "triggers"] as const) {
      if (!same(ta[part], tb[part])) diffs.push(`${table} ${part}: ${names[0]} ${JSON.stringify(ta[part])} vs ${names[1]} ${JSON.stringify(tb[part])}`);
    }
  }
  return diffs;
}
