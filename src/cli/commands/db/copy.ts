/** `tele db copy --to postgres://… [--data-dir D]`: the SQLite practice database into an empty PostgreSQL one. */
import { join } from "node:path";
import { z } from "zod";
import { resolveDataDir, SQLITE_FILE } from "../../../server/config.js";
import type { DbCopyCode, DbCopyEvent } from "../../../server/db/pg/copy.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { EXIT, ExitError, UsageError, helpHint } from "../../errors.js";
import { plural, printJson } from "../../output.js";

/** The documented `--json` result. */
const DbCopyJson = z.object({
  from: z.string(),
  to: z.string(),
  schemaVersion: z.number().int(),
  /** `ms`: how long the table's COPY took (the constraints are rebuilt after all of them). */
  tables: z.array(z.object({ name: z.string(), rows: z.number().int(), ms: z.number().int() })),
  rows: z.number().int(),
  durationMs: z.number().int(),
});

/** The exit code of each refusal (cli-contract.md): missing is 5, a rule is 6, unreachable 7, a broken copy 1. */
const EXIT_OF: Record<DbCopyCode, number> = {
  database_not_found: EXIT.notFound,
  target_not_found: EXIT.notFound,
  database_busy: EXIT.refused,
  schema_newer: EXIT.refused,
  target_not_empty: EXIT.refused,
  database_unreachable: EXIT.unreachable,
  database_auth_failed: EXIT.unauthenticated,
  permission_denied: EXIT.permissionDenied,
  count_mismatch: EXIT.failure,
  copy_failed: EXIT.failure,
};

const HINT_OF: Partial<Record<DbCopyCode, string>> = {
  database_not_found: `name the server's data dir with "tele db copy --data-dir DIR --to URL"`,
  database_busy: `stop the tele server using this data dir (SIGTERM or Ctrl-C), then run "tele db copy" again`,
  schema_newer: "upgrade tele to the version that wrote this database, then copy again",
  target_not_empty: "copy into a new, empty database (createdb NAME), or drop this one's tables first",
  target_not_found: "create it first (createdb NAME, or CREATE DATABASE NAME OWNER ROLE)",
  database_unreachable: "check the host and port in --to, and that PostgreSQL is running and accepts connections from here",
  database_auth_failed: "check the role and password in --to (or PGPASSWORD)",
  permission_denied: "name the role that owns the database in --to (the one that ran CREATE DATABASE … OWNER), not the server's role",
};

export interface DbCopyFlags {
  url: string;
  file: string;
}

/** Checks the flags before anything is opened: --to must be a postgres:// URL. */
export function parseDbCopy(ctx: CommandContext, { flags }: RawArgs): DbCopyFlags {
  const to = flags.to === undefined ? undefined : String(flags.to);
  if (!to) throw new UsageError("--to is required: the PostgreSQL database to copy into, postgres://OWNER@HOST:PORT/DATABASE", helpHint(ctx.command));
  let ok = false;
  try {
    ok = /^postgres(ql)?:$/.test(new URL(to).protocol);
  } catch { /* reported below */ }
  if (!ok) throw new UsageError("--to must be a postgres:// URL, such as postgres://tele_owner@127.0.0.1:5432/tele", helpHint(ctx.command));
  const dataDir = resolveDataDir(flags.dataDir === undefined ? undefined : String(flags.dataDir), ctx.io.env as NodeJS.ProcessEnv);
  return { url: to, file: join(dataDir, SQLITE_FILE) };
}

function progressLine(event: DbCopyEvent): string {
  switch (event.kind) {
    case "upgraded": return `SQLite database upgraded from schema version ${event.from} to ${event.to} first (as "tele server start" would)`;
    case "migrated": return `target migrated to schema version ${event.version}`;
    case "table": return `  ${event.name}: ${plural(event.rows, "row")} (${event.ms} ms)`;
    case "constraints": return `foreign keys, indexes and row-level security back in place (${event.ms} ms)`;
    case "checked": return `counts match in all ${event.tables} tables (${plural(event.rows, "row")}); committing`;
  }
}

/** Copies, printing progress on stderr (not with --json, whose stderr is for an error alone) and the result on stdout. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const { url, file } = parseDbCopy(ctx, args);
  const { copySqliteToPg, DbCopyError } = await import("../../../server/db/pg/copy.js");
  const stop = ctx.io.onInterrupt?.(() => "interrupted: the copy was rolled back; the target holds no copied rows\n");
  try {
    const progress = ctx.json ? undefined : (e: DbCopyEvent) => ctx.io.err(`${progressLine(e)}\n`);
    const result = await copySqliteToPg({ file, url, progress });
    if (ctx.json) {
      printJson(ctx.io, DbCopyJson, result);
      return EXIT.ok;
    }
    ctx.io.out(`Copied ${plural(result.rows, "row")} in ${result.tables.length} tables from ${result.from} to ${result.to} (schema version ${result.schemaVersion}) in ${(result.durationMs / 1000).toFixed(1)} s.\n`);
    ctx.io.err(`Next: give the server its own role (README, "Moving a practice to PostgreSQL"), then start it with TELE_DATABASE_URL.\n`);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof DbCopyError) throw new ExitError(EXIT_OF[err.code], err.code, err.message, HINT_OF[err.code], err.details);
    throw err;
  } finally {
    stop?.();
  }
}
