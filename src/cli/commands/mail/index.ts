/** `tele mail list | show | retry`: outgoing mail and its delivery status (R21). */
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
  mail
    .command("show")
    .description("show one mail: its headers and text, links printed whole (owner or manager)")
    .argument("[id]", "mail id, from \"tele mail list\"")
    .usage("<id> [options]")
    .addHelpText("after", `\nA delivered mail's text is not kept (it may have held a single-use link); show says so.\nWith --json: the mail with "text" (null once delivered).\n`)
    .action(act(() => import("./show.js")));
  mail
    .command("retry")
    .description("attempt a queued or failed mail again now (owner or manager); a sent one is refused (exit 6)")
    .argument("[id]", "mail id, from \"tele mail list\"")
    .usage("<id> [options]")
    .option("--no-wait", "do not wait for the attempt's outcome")
    .addHelpText("after", `\nWaits a few seconds for the attempt and says whether it went out. With --json: the mail.\n`)
    .action(act(() => import("./retry.js")));
}
