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

  clients
    .command("list")
    .description("list clients by name")
    .option("--search <text>", "only clients whose name or email contains this text")
    .option("--state <XX>", "only clients living in this U.S. state or territory")
    .option("--portal <status>", "only clients whose portal account is none, invited or active")
    .option("--all", "every matching client, every page")
    .option("--limit <n>", "at most this many rows (50 in a table; --json: all unless given)")
    .action(act(() => import("./list.js")));

  clients
    .command("show")
    .description("show one client and their upcoming appointments (archived clients too)")
    .argument("[client]", "client id or email")
    .usage("<client> [options]")
    .addHelpText("after", `\nLists the next 20 scheduled appointments (start in the practice's zone, therapist, telehealth or not)\nand says when there are more. With --json: the client with "upcoming" (appointments) and "upcomingMore".\n`)
    .action(act(() => import("./show.js")));

  clients
    .command("archive")
    .description("archive a client: hidden from lists, history kept, no portal sign-in, no new invites or appointments (owner or manager)")
    .argument("[client]", "client id or email")
    .usage("<client> [options]")
    .option("--cancel-upcoming", "cancel the client's upcoming appointments with it (links for their sessions stop working)")
    .addHelpText(
      "after",
      `\nRefused (exit 6, has_upcoming_appointments) while the client has upcoming scheduled appointments,\n` +
        `unless --cancel-upcoming: then you are asked first on a terminal (default No); without a terminal\n` +
        `that needs --yes. "tele clients show CLIENT" still shows an archived client. With --json:\n` +
        `{client, changed, cancelled, revokedLinks}.\n\n` +
        `Example:\n  tele clients archive alice@client.test --cancel-upcoming --yes\n`,
    )
    .action(act(() => import("./archive.js")));

  clients
    .command("invite")
    .description("send (or re-send) the portal invite, or a password-reset link if the client has an account")
    .argument("[clients...]", "client ids or emails")
    .usage("<client...> [options] | --not-invited | --expired")
    .option("--not-invited", "every client with an email who has no portal account, no live invite and no expired one")
    .option("--expired", "every client whose invite expired unused (no portal account)")
    .addHelpText(
      "after",
      `\nSeveral clients, or a selection, get one invite each and a summary: who was invited, who was skipped\n` +
        `and why (exit 0 when nobody was skipped). A selection is confirmed on a terminal (default No) and needs\n` +
        `--yes without one. With --json, one client: {clientId, kind, mailId, expiresAt}; several or a selection:\n` +
        `{invited: [...], skipped: [{client, reason, message}]}.\n\n` +
        `Examples:\n  tele clients invite cli_1 cli_2\n  tele clients invite --expired --yes\n`,
    )
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
