/** `tele practice …`: the practice's settings (`tele whoami` shows the practice). */
import type { Command } from "commander";
import { group, type Act } from "../../define.js";

/** Registers the practice commands. */
export function definePracticeCommands(program: Command, act: Act): void {
  const practice = group(program, "practice", "the practice's settings");

  practice
    .command("show")
    .description("show the practice and its settings")
    .addHelpText("after", `\nWith --json: the practice object.\n`)
    .action(act(() => import("./show.js")));

  practice
    .command("set")
    .description("change the practice's settings (owner or manager)")
    .option("--name <name>", "the practice's name")
    .option("--timezone <zone>", "IANA time zone, such as America/New_York; times without an offset are read in it")
    .option("--contact <text>", `how clients reach the practice, a phone number or an email address; "" clears it`)
    .option("--join-window-minutes <n>", "how many minutes before the start Join opens, 0 to 120 (R13)")
    .option("--auto-complete-minutes <n>", "how many minutes after the end an open session completes on its own, 5 to 1440 (R18)")
    .option("--reminders <list>", `reminders emailed before each telehealth appointment, such as 24h,1h (the default) or 2d,30m; "" turns them off (R23)`)
    .addHelpText(
      "after",
      `\nOnly the settings given change. Clients see the contact on the session page when video cannot start;\n` +
        `one line, at most 200 characters. "tele practice show" shows every setting. With --json: the practice object.\n\n` +
        `Examples:\n  tele practice set --contact "(555) 010-0199"\n  tele practice set --timezone America/Chicago --join-window-minutes 10\n  tele practice set --reminders 24h,1h\n`,
    )
    .action(act(() => import("./set.js")));
}
