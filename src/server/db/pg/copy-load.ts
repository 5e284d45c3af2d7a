/**
 * What `tele db copy` lifts from the target's tables while it loads them, and puts back before
 * COMMIT, inside the same transaction (so no other session ever sees a table without them):
 * - foreign keys: checked row by row during COPY they cost more than the COPY itself; re-added
 *   afterwards, each is checked once over the whole table (a join), with the same name and text;
 * - indexes that back no constraint: built once from sorted rows instead of row by row;
 * - FORCE ROW LEVEL SECURITY: PostgreSQL refuses COPY FROM on a table that forces it, the owner
 *   included; security.ts's secureTables() forces it again.
 * Primary keys and unique constraints stay, so a duplicate is still refused as it arrives.
 * (PostgreSQL's "Populating a Database": https://www.postgresql.org/docs/15/populate.html)
 */
import type { ClientBase } from "pg";
import { ident, secureTables } from "./security.js";

interface Lifted {
  foreignKeys: { table: string; name: string; definition: string }[];
  indexes: { name: string; definition: string }[];
}

/** Lifts the foreign keys, plain indexes and forced security of `tables`; returns what puts them back. */
export async function liftForLoad(client: ClientBase, tables: readonly string[]): Promise<() => Promise<void>> {
  const fks = await client.query<{ table: string; name: string; definition: string }>(
    `SELECT t.relname AS table, c.conname AS name, pg_get_constraintdef(c.oid) AS definition
       FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
      WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace AND t.relname = ANY($1)
      ORDER BY t.relname, c.conname`,
    [tables],
  );
  const indexes = await client.query<{ name: string; definition: string }>(
    `SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS definition
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
      WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY($1)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
      ORDER BY i.relname`,
    [tables],
  );
  const lifted: Lifted = { foreignKeys: fks.rows, indexes: indexes.rows };
  for (const fk of lifted.foreignKeys) await client.query(`ALTER TABLE ${ident(fk.table)} DROP CONSTRAINT ${ident(fk.name)}`);
  for (const ix of lifted.indexes) await client.query(`DROP INDEX ${ident(ix.name)}`);
  for (const table of tables) await client.query(`ALTER TABLE ${ident(table)} NO FORCE ROW LEVEL SECURITY`);
  return () => restore(client, lifted);
}

async function restore(client: ClientBase, lifted: Lifted): Promise<void> {
  for (const ix of lifted.indexes) await client.query(ix.definition);
  for (const fk of lifted.foreignKeys) await client.query(`ALTER TABLE ${ident(fk.table)} ADD CONSTRAINT ${ident(fk.name)} ${fk.definition}`);
  await secureTables(client);
}
