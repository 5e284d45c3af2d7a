/** `tele appointments create --therapist S --client C --start T --duration MIN [--telehealth] [--invite-missing] [--no-notify]`. */
import { z } from "zod";
import { Appointment, CreateAppointmentInput, Ref, StartDateTime } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { printJson } from "../../output.js";
import { checkedInput, required, wholeNumber } from "../../values.js";
import { appointmentLine, warnClientsNotReady } from "./shared.js";
import { inviteMissing, reportInvites } from "./invite-missing.js";
import { exactStart } from "./start.js";
import { warnAppointmentUnlicensed } from "./licensure.js";

const FLAGS = { therapist: "--therapist", client: "--client", start: "--start", durationMinutes: "--duration", telehealth: "--telehealth",
  allowPast: "--allow-past", allowOverlap: "--allow-overlap", notify: "--no-notify" };

/** The appointment to create; times pass through as given (the server reads them in the practice's zone). */
export async function parseCreate(ctx: CommandContext, { flags }: RawArgs): Promise<CreateAppointmentInput> {
  const therapist = await required(ctx, flags.therapist, "--therapist", "Therapist (id or email)", { schema: Ref });
  const client = await required(ctx, flags.client, "--client", "Client (id or email)", { schema: Ref });
  const start = await required(ctx, flags.start, "--start", "Start (such as 2026-12-01T15:00)", { schema: StartDateTime });
  const duration = await required(ctx, flags.duration, "--duration", "Duration in minutes");
  const input = {
    therapist, client, start, durationMinutes: wholeNumber(ctx, duration, "--duration"), telehealth: flags.telehealth === true,
    allowPast: flags.allowPast === true, allowOverlap: flags.allowOverlap === true, notify: flags.notify !== false,
  };
  const checkedIn = checkedInput(ctx, CreateAppointmentInput, input, FLAGS);
  return { ...checkedIn, start: await exactStart(ctx, checkedIn.start) };
}

/** Schedules it; warns when a telehealth client cannot join yet (R6). */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const input = await parseCreate(ctx, args);
  // The zone for the reply is fetched before the write: a failure after it would report a scheduled appointment as failed.
  const timeZone = ctx.json ? "" : await ctx.timeZone();
  const tele = await ctx.tele();
  const appointment = await tele.appointments.create(input);
  const notReady = appointment.telehealth && !appointment.clientReady;
  const invites = args.flags.inviteMissing === true && notReady ? await inviteMissing(tele, [appointment.clientId]) : undefined;
  if (ctx.json) printJson(ctx.io, invites ? Appointment.extend({ invitesSent: z.array(z.string()) }) : Appointment, { ...appointment, ...invites });
  else ctx.io.out(`Scheduled ${appointmentLine(appointment, timeZone)}.\n`);
  if (invites) reportInvites(ctx, invites);
  else if (notReady) warnClientsNotReady(ctx, [appointment.clientId]);
  if (appointment.telehealth && appointment.licensure === "unlicensed_state") {
    const state = await (await ctx.tele()).clients.get(appointment.clientId).then((c) => c.state, () => null);
    warnAppointmentUnlicensed(ctx, appointment, state);
  }
  return 0;
}
