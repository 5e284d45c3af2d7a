/** `tele sessions …`: telehealth sessions from the provider's side (R14). */
import type { Command } from "commander";
import { group, type Act } from "../../define.js";

/** Registers the session commands. */
export function defineSessionCommands(program: Command, act: Act): void {
  const sessions = group(program, "sessions", "telehealth sessions in the browser");

  sessions
    .command("open")
    .description("open the appointment's session page in your browser, signed in (its therapist, an owner or a manager)")
    .argument("[appointment]", "appointment id")
    .usage("<appointment> [options]")
    .option("--print", "print the sign-in link instead of opening it (it works once, within 2 minutes)")
    .addHelpText(
      "after",
      `\nThe link signs the browser in as you, so treat it like a password. With --json: {"url", "expiresAt"}\n` +
        `for --print; otherwise {"appointmentId", "opened", "expiresAt"}, and when no browser could be opened\n` +
        `also {"reason", "url"}: the link is printed instead (never claimed as opened).\n`,
    )
    .action(act(() => import("./open.js")));
}
