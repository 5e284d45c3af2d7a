/** `tele clients …`: clients, their portal invites and CSV import (R4, R10, R11). */
import type { Command } from "commander";
import { group, type Act } from "../../define.js";

/** Registers the client commands. */
export function defineClientCommands(program: Command, act: Act): void {
  const clients = group(program, "clients", "clients and their portal accounts");

  clients
    .command("add")
    .description("add a client")
    .option("--name <name>", "full name")
    .option("--email <email>", "email address (needed to join telehealth sessions, R6)")
    .option("--state <XX>", "U.S. state or territory of residence, such as NY; leave out for non-U.S. residents (R4)")
    .option("--phone <phone>", "phone number")
    .option("--date-of-birth <date>", "date of birth, such as 1990-04-30")
    .action(act(() => import("./add.js")));

  clients
    .command("set")
    .description("change a client's name, email, state, phone or date of birth (owner or manager)")
    .argument("[client]", "client id or email")
    .usage("<client> [options]")
    .option("--name <name>", "full name")
    .option("--email <email>", `email address; "" clears it (not while the client has a portal account)`)
    .option("--state <XX>", `U.S. state or territory of residence; "" clears it: not a U.S. resident, no telehealth (R4)`)
    .option("--phone <phone>", `phone number; "" clears it`)
    .option("--date-of-birth <date>", `date of birth, such as 1990-04-30; "" clears it`)
    .addHelpText(
      "after",
      `\nOnly the flags given change. A new email stops pending invite and reset links sent to the old one;\n` +
        `an active portal account signs in with the new address. Clearing the state is refused while the\n` +
        `client has upcoming telehealth appointments. With --json: the client object.\n\n` +
        `Example:\n  tele clients set alice@client.test --email alice.new@client.test --state NJ\n`,
    )
    .action(act(() => import("./set.js")));

  clients.command("list").description("list clients").action(act(() => import("./list.js")));

  clients
    .command("show")
    .description("show one client")
    .argument("[client]", "client id or email")
    .usage("<client> [options]")
    .action(act(() => import("./show.js")));

  clients
    .command("invite")
    .description("send (or re-send) the portal invite, or a password-reset link if the client has an account")
    .argument("[client]", "client id or email")
    .usage("<client> [options]")
    .action(act(() => import("./invite.js")));

  clients
    .command("import")
    .description("add many clients from a CSV file (all or nothing)")
    .argument("[file]", "CSV with columns name, email, state, and optionally phone, date_of_birth")
    .usage("<file.csv> [options]")
    .option("--dry-run", "check every row and report, writing nothing")
    .option("--encoding <name>", "the file's encoding when it has no byte order mark: utf-8 (default), windows-1252, utf-16le, utf-16be")
    .option("--progress", "print the count of rows sent on stderr even when it is not a terminal (never on stdout)")
    .action(act(() => import("./import.js")));
}
