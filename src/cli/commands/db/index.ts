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
      `\nStop the server first: the copy refuses a database a server has open (exit 6, database_busy).\n` +
        `The target is migrated first, then every table is copied in one transaction and each table's rows are\n` +
        `counted against SQLite's before COMMIT; any difference rolls everything back (exit 1, count_mismatch).\n` +
        `The target must be empty (exit 6, target_not_empty). SQLite's file is left as it was.\n` +
        `Progress goes to stderr, table by table. With --json: {from, to, schemaVersion, tables: [{name, rows}], rows, durationMs}\n` +
        `(to: the URL without its password).\n\n` +
        `Example:\n  tele db copy --data-dir /var/lib/tele --to postgres://tele_owner@db.internal:5432/tele\n`,
    )
    .action(act(() => import("./copy.js")));
}
