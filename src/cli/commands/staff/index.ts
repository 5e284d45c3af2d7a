/** `tele staff …`: staff members, their API tokens and their Teletherapy permission (R1–R3). */
import type { Command } from "commander";
import { collect, group, type Act } from "../../define.js";

/** Registers the staff commands. */
export function defineStaffCommands(program: Command, act: Act): void {
  const staff = group(program, "staff", "staff members and their Teletherapy permission");

  staff
    .command("list")
    .description("list staff members by name")
    .option("--all", "every row, every page")
    .option("--limit <n>", "at most this many rows (50 in a table; --json: all unless given)")
    .action(act(() => import("./list.js")));

  staff
    .command("add")
    .description("add a staff member (owner or manager)")
    .option("--name <name>", "full name")
    .option("--email <email>", "email address")
    .option("--role <role>", "owner, manager, therapist or biller; repeat for several", collect)
    .addHelpText("after", `\nExample:\n  tele staff add --name "Ana Ruiz" --email ana@example.com --role therapist --role manager\n`)
    .action(act(() => import("./add.js")));

  staff
    .command("set")
    .description("change a staff member's name, email or roles (owner or manager)")
    .argument("[staff]", "staff id or email")
    .usage("<staff> [options]")
    .option("--name <name>", "full name")
    .option("--email <email>", "email address; a pending invite sent to the old one stops working")
    .option("--role <role>", "owner, manager, therapist or biller; repeat for several; replaces the current roles", collect)
    .option("--licensed-in <states>", `the U.S. states and territories they are licensed in, such as NY,NJ; replaces the set; "" clears it (R25)`)
    .addHelpText(
      "after",
      `\nOnly an owner changes an owner or grants or removes the owner role; the last active owner stays one\n` +
        `(exit 6, last_owner). Removing the therapist role turns Teletherapy off, refused while the therapist has\n` +
        `upcoming telehealth appointments (exit 6). With --json: the staff object.\n\n` +
        `Example:\n  tele staff set ana@example.com --role therapist --role manager\n`,
    )
    .action(act(() => import("./set.js")));

  staff
    .command("show")
    .description("show one staff member")
    .argument("[staff]", "staff id or email")
    .usage("<staff> [options]")
    .action(act(() => import("./show.js")));

  staff
    .command("invite")
    .description("email a fresh invite to set a browser password (owner or manager); earlier links stop working")
    .argument("[staff]", "staff id or email")
    .usage("<staff> [options]")
    .action(act(() => import("./invite.js")));

  staff
    .command("token")
    .description("mint an API token for a staff member (owner or manager); it is shown once")
    .argument("[staff]", "staff id or email")
    .usage("<staff> [options]")
    .action(act(() => import("./token.js")));

  staff
    .command("deactivate")
    .description("cut a staff member off: tokens revoked, browser sessions ended, links dead; history kept (owner or manager)")
    .argument("[staff]", "staff id or email")
    .usage("<staff> [options]")
    .addHelpText("after", `\nThe practice's last active owner cannot be deactivated (exit 6, last_owner); a manager cannot deactivate an owner.\n`)
    .action(act(() => import("./deactivate.js")));

  const tokens = group(staff, "tokens", "a staff member's API tokens, by id (owner or manager)");
  tokens
    .command("list")
    .description("list a staff member's API tokens: id, created, last used, status; never the token")
    .argument("[staff]", "staff id or email")
    .usage("<staff> [options]")
    .action(act(() => import("./tokens-list.js")));
  tokens
    .command("revoke")
    .description("revoke one API token by its id; it stops working at once")
    .argument("[token-id]", "token id, from \"tele staff tokens list\"")
    .usage("<token-id> [options]")
    .action(act(() => import("./tokens-revoke.js")));

  staff
    .command("enable")
    .description("turn Teletherapy on for a therapist (owner or manager)")
    .argument("[staff]", "staff id or email")
    .usage("<staff> [options]")
    .action(act(() => import("./enable.js")));

  staff
    .command("disable")
    .description("turn Teletherapy off; upcoming telehealth appointments are never silently orphaned (R3)")
    .argument("[staff]", "staff id or email")
    .usage("<staff> [options]")
    .option("--convert-to-in-person", "convert their upcoming telehealth appointments to in-person")
    .addHelpText(
      "after",
      `\nWhen the staff member has upcoming telehealth appointments and --convert-to-in-person is not given,\n` +
        `the server refuses and names them: on a terminal you are asked whether to convert them; otherwise\n` +
        `they are printed and the exit code is 6.\n`,
    )
    .action(act(() => import("./disable.js")));
}
