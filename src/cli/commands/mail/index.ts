/** `tele mail list [--to EMAIL]`: outgoing mail and its delivery status (R21). */
import type { Command } from "commander";
import { group, type Act } from "../../define.js";

/** Registers the mail commands. */
export function defineMailCommands(program: Command, act: Act): void {
  const mail = group(program, "mail", "outgoing mail and its delivery status");
  mail
    .command("list")
    .description("list outgoing mail, newest first (owner or manager)")
    .option("--to <email>", "only mail to this address")
    .option("--status <status>", "queued, sent or failed")
    .option("--all", "every row, every page")
    .option("--limit <n>", "at most this many rows (50 in a table; --json: all unless given)")
    .action(act(() => import("./list.js")));
}
