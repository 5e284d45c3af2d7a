/** `tele appointments …`: scheduling, listing, conversion to telehealth and back, CSV import (R5–R9). */
import { Option, type Command } from "commander";
import { group, type Act } from "../../define.js";

const TIME_HELP = "ISO 8601 date or date-time; without an offset it is read in the practice's time zone";
const START_HELP = "ISO 8601 date and time such as 2026-12-03T15:00; without an offset it is read in the practice's time zone, and a time the clocks skip or pass twice is refused or asked about";

/** Registers the appointment commands. */
export function defineAppointmentCommands(program: Command, act: Act): void {
  const appointments = group(program, "appointments", "appointments, telehealth conversion and import");

  appointments
    .command("create")
    .description("schedule one appointment")
    .option("--therapist <staff>", "therapist id or email")
    .option("--client <client>", "client id or email")
    .option("--start <time>", `start time (${START_HELP})`)
    .option("--duration <minutes>", "length in minutes, such as 50")
    .option("--telehealth", "a telehealth appointment (the therapist needs Teletherapy, R5)")
    .option("--allow-past", "schedule it even though the start has passed (recording a past session)")
    .option("--allow-overlap", "schedule it even though it overlaps the therapist's or client's other appointments (group or back-to-back work)")
    .option("--invite-missing", "a telehealth client who cannot join yet (no portal account) gets the portal invite (R6)")
    .option("--no-notify", "do not email the client a confirmation with a calendar file (telehealth, R23)")
    .addHelpText("after", `\nExample:\n  tele appointments create --therapist ana@example.com --client cli_123 --start 2026-12-01T15:00 --duration 50 --telehealth\n`)
    .action(act(() => import("./create.js")));

  appointments
    .command("list")
    .description("list appointments, times shown in the practice's time zone")
    .option("--therapist <staff>", "only this therapist's (id or email)")
    .option("--client <client>", "only this client's (id or email)")
    .option("--from <time>", `from this time (${TIME_HELP})`)
    .option("--to <time>", "until this time")
    .addOption(new Option("--telehealth", "only telehealth appointments").conflicts("inPerson"))
    .addOption(new Option("--in-person", "only in-person appointments").conflicts("telehealth"))
    .option("--status <status>", "scheduled, completed, cancelled or no_show")
    .option("--past", "what started before now, latest first (without it: from now on)")
    .option("--all", "every appointment, past and upcoming, every page")
    .option("--limit <n>", "at most this many rows (50 in a table; --json: all unless given)")
    .addHelpText("after", `\nWithout --from, --to, --past or --all the list starts now. A table shows 50 rows and says when there\n` +
      `are more; --json prints every matching appointment as one JSON array, page after page.\n`)
    .action(act(() => import("./list.js")));

  appointments
    .command("show")
    .description("show one appointment")
    .argument("[id]", "appointment id")
    .usage("<id> [options]")
    .action(act(() => import("./show.js")));

  appointments
    .command("convert")
    .description("convert one or many appointments to telehealth, or back with --in-person (R7, R8)")
    .argument("[ids...]", "appointment ids")
    .option("--therapist <staff>", "select this therapist's appointments")
    .option("--client <client>", "select this client's appointments")
    .option("--from <time>", `select from this time (${TIME_HELP})`)
    .option("--to <time>", "select until this time")
    .option("--in-person", "convert back to in-person")
    .option("--dry-run", "report what would change and why others are skipped; change nothing")
    .option("--invite-missing", "send portal invites to clients who cannot join yet (R6)")
    .option("--notify", "bulk: email each client of the change with a calendar file (R23); one appointment is notified unless --no-notify")
    .option("--no-notify", "one appointment: do not email the client of the change")
    .addHelpText(
      "after",
      `\nOne ID and no filters converts that appointment (exit 6 if it cannot be converted). Anything else\n` +
        `is a bulk conversion: atomic, idempotent, and on a terminal checked with a dry run and confirmed\n` +
        `first (the answer defaults to No) unless --yes is given. Without a terminal it needs --yes (exit 2 otherwise).\n`,
    )
    .action(act(() => import("./convert.js")));

  appointments
    .command("cancel")
    .description("cancel one or more appointments: every link to their sessions stops working at once (R22)")
    .argument("[ids...]", "appointment ids")
    .option("--reason <text>", "why (kept on the appointment for staff; never sent to the client)")
    .option("--no-notify", "do not tell the client")
    .addHelpText("after", `\nMore than one ID is confirmed first on a terminal (default No); without a terminal it needs --yes.\n`)
    .action(act(() => import("./cancel.js")));

  appointments
    .command("reschedule")
    .description("move an appointment to a new time: same id, same session page (R22; R4 and R5 checked again)")
    .argument("[id]", "appointment id")
    .usage("<id> --start <time> [options]")
    .option("--start <time>", `the new start (${START_HELP})`)
    .option("--duration <minutes>", "a new length in minutes (the current one otherwise)")
    .option("--allow-past", "move it even though the new start has passed")
    .option("--allow-overlap", "move it even though it then overlaps the therapist's or client's other appointments")
    .option("--no-notify", "do not tell the client")
    .addHelpText("after", `\nRefused (exit 6, not_reschedulable): a session someone has joined, and past, completed or cancelled appointments.\n`)
    .action(act(() => import("./reschedule.js")));

  appointments
    .command("set-status")
    .description("correct an appointment's outcome: completed, no_show or cancelled (owners and managers, R24)")
    .argument("[id]", "appointment id")
    .argument("[status]", "completed, no_show or cancelled")
    .usage("<id> <status> [options]")
    .option("--reason <text>", "for cancelled: why")
    .action(act(() => import("./set-status.js")));

  appointments
    .command("export")
    .description("what a biller needs for claims: one row per appointment with place of service and modifier (R28)")
    .option("--from <date>", `first day (${TIME_HELP})`)
    .option("--to <date>", "last day (a bare date includes that whole day); at most 366 days after --from")
    .option("--format <format>", "csv (default) or json; --json is the same as --format json")
    .addHelpText(
      "after",
      `\nColumns: appointment_id, date and start_time (the practice's time zone), therapist_id, therapist_name,\n` +
        `client_id, scheduled_minutes, actual_minutes, status, telehealth, place_of_service (10 home, 02 elsewhere),\n` +
        `modifier (95 audio and video, 93 audio only), client_state (where the client was at the session). No client\n` +
        `names or contact details. Billers, owners and managers export every appointment; a therapist only their own.\n` +
        `Cells that a spreadsheet would run as a formula start with '.\n\n` +
        `Example:\n  tele appointments export --from 2026-11-01 --to 2026-11-30 > november.csv\n`,
    )
    .action(act(() => import("./export.js")));

  appointments
    .command("import")
    .description("add many appointments from a CSV file, e.g. another system's export (all or nothing)")
    .argument("[file]", "CSV with columns therapist, client, start, duration_minutes, and optionally telehealth")
    .usage("<file.csv> [options]")
    .option("--dry-run", "check every row and report, writing nothing")
    .option("--encoding <name>", "the file's encoding when it has no byte order mark: utf-8 (default), windows-1252, utf-16le, utf-16be")
    .option("--progress", "print the count of rows sent on stderr even when it is not a terminal (never on stdout)")
    .option("--allow-past", "accept rows whose start has passed (importing history)")
    .option("--allow-overlap", "accept rows that overlap each other or existing appointments of the same therapist or client")
    .option("--invite-missing", "after the import, send portal invites to the telehealth rows' clients who cannot join yet (R6)")
    .option("--notify", "email each telehealth appointment's client a confirmation with a calendar file (R23)")
    .action(act(() => import("./import.js")));
}
