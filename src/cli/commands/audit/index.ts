/** `tele audit list`: the audit log of changes and reads of client data (R20; owner or manager). */
import type { Command } from "commander";
import { group, type Act } from "../../define.js";

/** Registers the audit commands. */
export function defineAuditCommands(program: Command, act: Act): void {
  const audit = group(program, "audit", "the audit log: who changed or read what, when and from where (R20)");
  audit
    .command("list")
    .description("list audit entries, newest first (owner or manager)")
    .option("--since <time>", "only entries at or after this date or time (without an offset: the practice's zone)")
    .option("--actor <staff>", "only what this staff member (id or email) or client (id) did")
    .option("--record <id>", "only entries about this record (a client, appointment, staff member, mail … id)")
    .option("--action <action>", "only this action, such as client.update")
    .option("--limit <n>", "at most this many entries, 1 to 1000 (default 100)")
    .addHelpText(
      "after",
      `\nTimes are shown in the practice's time zone, staff by name beside their id. With --json: the entries\n` +
        `[{id, at, actorType, actorId, action, recordType, recordId, ip, requestId, details}].\n\n` +
        `Example:\n  tele audit list --since 2026-12-01 --actor ana@example.com\n`,
    )
    .action(act(() => import("./list.js")));
}
