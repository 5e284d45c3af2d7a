/** `tele db …`: commands on the practice database's files themselves (no server involved). */
import type { Command } from "commander";
import { group, type Act } from "../../define.js";

/** Registers the database commands. */
export function defineDbCommands(program: Command, act: Act): void {
  const db = group(program, "db", "the practice database itself: moving it from SQLite to PostgreSQL");
  db.command("copy")
    .description("copy the data dir's SQLite database into an empty PostgreSQL database, in one transaction")
    .option("--to <url>", "the target: postgres://OWNER:PASSWORD@HOST:PORT/DATABASE (the role that will own the tables)")
    .option("--data-dir <dir>", "the server's data dir, holding tele.db (else TELE_DATA_DIR, else .tele-data)")
    .addHelpText(
      "after",
      `\nStop the server first: the copy refuses a database a server has open (database_busy), and holds SQLite's\n` +
        `exclusive lock until it ends, so no server can start on it meanwhile. The target must be empty: no rows, and\n` +
        `no tables but tele's. It is migrated first; then every table is copied in one transaction, and each table's\n` +
        `rows are counted against SQLite's before COMMIT; any difference, or any error, rolls the copy back.\n` +
        `The SQLite database is read, not changed (one older than this tele is first upgraded, as "tele server start" would).\n` +
        `Progress goes to stderr, table by table. With --json (no progress): {from, to, schemaVersion,\n` +
        `tables: [{name, rows, ms}], rows, durationMs}, where to is the URL without its password.\n\n` +
        `Exit codes: 5 no database in the data dir, or no such target database; 6 a server has it open, a schema newer\n` +
        `than this tele, or a target that is not empty; 7 PostgreSQL cannot be reached; 3 it refused the role or password;\n` +
        `4 the role does not own the database; 1 the counts differ (count_mismatch) or PostgreSQL refused a row\n` +
        `(copy_failed): nothing was committed.\n\n` +
        `Example:\n  tele db copy --data-dir /var/lib/tele --to postgres://tele_owner@db.internal:5432/tele\n`,
    )
    .action(act(() => import("./copy.js")));
}
