/** Showing appointments on the command line, in the practice's time zone (R9). */
import { Id, type Appointment } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { formatTime, minutesBetween, plural, warn } from "../../output.js";
import { checked, required } from "../../values.js";

/** The appointment id from the first positional, asked for on a terminal when missing. */
export async function appointmentId(ctx: CommandContext, args: RawArgs): Promise<string> {
  const value = await required(ctx, args.positionals[0], "ID", "Appointment id", { schema: Id });
  return checked(ctx, Id, value, "ID");
}

/** "telehealth" or "in person". */
export function mode(appointment: Appointment): string {
  return appointment.telehealth ? "telehealth" : "in person";
}

/** The columns of an appointment table, start times in `timeZone` (named in the header). */
export const APPOINTMENT_HEADERS = (timeZone: string) => ["ID", `START (${timeZone})`, "MIN", "THERAPIST", "CLIENT", "MODE", "STATUS", "CLIENT READY"];

/** A person as a table shows them: the name, then the id (the id alone when the reply has no name). */
export const named = (name: string | undefined, id: string) => (name ? `${name} (${id})` : id);

/** One appointment as a table row. */
export function appointmentRow(a: Appointment, timeZone: string): string[] {
  return [
    a.id,
    formatTime(a.start, timeZone),
    String(minutesBetween(a.start, a.end)),
    named(a.therapistName, a.therapistId),
    named(a.clientName, a.clientId),
    mode(a),
    a.status,
    a.telehealth ? (a.clientReady ? "yes" : "NO") : "",
  ];
}

/** One line describing an appointment. */
export function appointmentLine(appointment: Appointment, timeZone: string): string {
  const start = `${formatTime(appointment.start, timeZone)} (${timeZone})`;
  const minutes = minutesBetween(appointment.start, appointment.end);
  return `${appointment.id}: ${start}, ${minutes} min, ${mode(appointment)}, therapist ${appointment.therapistId}, client ${appointment.clientId}, ${appointment.status}${appointment.cancelReason ? ` (${appointment.cancelReason})` : ""}`;
}

/** The commands that take --invite-missing (R6). */
export const INVITING_COMMANDS = new Set(["appointments create", "appointments import", "appointments convert"]);

/** The R6 warning for clients who cannot join yet, with the command that fixes it. */
export function warnClientsNotReady(ctx: CommandContext, clientIds: string[]): void {
  if (clientIds.length === 0) return;
  const who = clientIds.length === 1 ? `client ${clientIds[0]} has` : `${plural(clientIds.length, "client")} have`;
  const list = clientIds.length === 1 ? "" : `: ${clientIds.join(", ")}`;
  // Only the commands that take --invite-missing suggest it (hints name flags of the command that was run).
  const flag = INVITING_COMMANDS.has(ctx.command) ? "add --invite-missing to the same command, or send them with " : "send them with ";
  const invite = `"tele clients invite ${clientIds.length === 1 ? clientIds[0] : "CLIENT"}"`;
  warn(ctx.io, ctx.paintErr, `${who} no email or no active portal account yet, so cannot join (R6)${list}. Invites: ${flag}${invite}.`);
}
