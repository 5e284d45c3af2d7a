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
    .option("--licensure <rule>", "off, warn (the default) or refuse: telehealth where the therapist is not licensed in the client's state (R25)")
    .option("--reminders <list>", `reminders emailed before each telehealth appointment, such as 24h,1h (the default) or 2d,30m; "" turns them off (R23)`)
    .addHelpText(
      "after",
      `\nOnly the settings given change. Clients see the contact on the session page when video cannot start;\n` +
        `one line, at most 200 characters. "tele practice show" shows every setting. With --json: the practice object.\n\n` +
        `Examples:\n  tele practice set --contact "(555) 010-0199"\n  tele practice set --timezone America/Chicago --join-window-minutes 10\n  tele practice set --reminders 24h,1h\n`,
    )
    .action(act(() => import("./set.js")));

  const consent = group(practice, "consent", "the practice's telehealth consent text, which clients accept before a telehealth session (R26)");
  consent
    .command("set")
    .description("make FILE the practice's consent text: a new version, unless it is the current text already (owner or manager)")
    .argument("[file]", "a plain-text file (UTF-8), at most 64 KB")
    .usage("<file> [options]")
    .addHelpText(
      "after",
      `\nClients are asked to read and accept the new version in the portal before their next telehealth session.\n` +
        `Line endings and trailing spaces do not count: the same text saved by another editor is not a new version.\n` +
        `With --json: {version, hash, createdAt, created}.\n\nExample:\n  tele practice consent set consent.txt\n`,
    )
    .action(act(() => import("./consent-set.js")));
  consent
    .command("show")
    .description("show the current consent text, or version VERSION, with its version, hash and time (any staff member)")
    // A positional, not --version: that flag is tele's own (it prints tele's version wherever it appears).
    .argument("[version]", "a version number, such as 1, instead of the current version")
    .addHelpText("after", `\nWith --json: {version, hash, createdAt, createdBy, text, current}.\n\nExample:\n  tele practice consent show 1\n`)
    .action(act(() => import("./consent-show.js")));
}
