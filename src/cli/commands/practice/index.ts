/** `tele practice …`: the practice's settings (`tele whoami` shows the practice). */
import type { Command } from "commander";
import { group, type Act } from "../../define.js";

/** Registers the practice commands. */
export function definePracticeCommands(program: Command, act: Act): void {
  const practice = group(program, "practice", "the practice's settings");

  practice
    .command("set")
    .description("change the practice's settings (owner or manager)")
    .option("--contact <text>", `how clients reach the practice, a phone number or an email address; "" clears it`)
    .addHelpText(
      "after",
      `\nClients see the contact on the session page when video cannot start. One line, at most 200 characters.\n` +
        `"tele whoami" shows the current one. With --json: the practice object.\n\n` +
        `Example:\n  tele practice set --contact "(555) 010-0199"\n`,
    )
    .action(act(() => import("./set.js")));
}
