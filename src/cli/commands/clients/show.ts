/** `tele clients show CLIENT`: the client's record and their next scheduled appointments. */
import { ClientDetail, UPCOMING_SHOWN } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { formatTime, minutesBetween, note, printJson, table } from "../../output.js";
import { named, staffNames } from "../staff-names.js";
import { clientRef, consentText, portalText } from "./shared.js";

/** Prints one client, then their upcoming appointments (dates in the practice's zone, therapist names). */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const ref = await clientRef(ctx, args);
  const client = await (await ctx.tele()).clients.get(ref);
  if (ctx.json) {
    printJson(ctx.io, ClientDetail, client);
    return 0;
  }
  const timeZone = await ctx.timeZone();
  const rows = [
    ["ID", client.id],
    ["Name", client.name],
    ["Email", client.email ?? "-"],
    ["State", client.state ?? "none (not a U.S. resident: no telehealth, R4)"],
    ["Phone", client.phone ?? "-"],
    ["Born", client.dateOfBirth ?? "-"],
    ["Portal", portalText(client, timeZone)],
    ["Consent", consentText(client, timeZone)],
    ["Added", `${formatTime(client.createdAt, timeZone)} (${timeZone})`],
  ];
  if (client.archivedAt) rows.push(["Archived", `${formatTime(client.archivedAt, timeZone)} (${timeZone}): hidden from lists, no portal, no booking`]);
  const width = Math.max(...rows.map(([label]) => label!.length));
  for (const [label, value] of rows) ctx.io.out(`${ctx.paint.bold(label!.padEnd(width))}  ${value}\n`);
  if (client.upcoming) await printUpcoming(ctx, client, timeZone);
  return 0;
}

async function printUpcoming(ctx: CommandContext, client: ClientDetail, timeZone: string): Promise<void> {
  const upcoming = client.upcoming ?? [];
  if (upcoming.length === 0) {
    ctx.io.out(`\nNo upcoming appointments.\n`);
    return;
  }
  const names = await staffNames(ctx);
  ctx.io.out(`\nUpcoming appointments${client.upcomingMore ? ` (the next ${UPCOMING_SHOWN})` : ""}:\n`);
  const lines = upcoming.map((a) => [a.id, formatTime(a.start, timeZone), String(minutesBetween(a.start, a.end)), named(names, a.therapistId), a.telehealth ? "yes" : "no"]);
  ctx.io.out(table(ctx.paint, ["ID", `START (${timeZone})`, "MIN", "THERAPIST", "TELEHEALTH"], lines));
  if (client.upcomingMore) {
    note(ctx.io, `More are scheduled; "tele appointments list --client ${client.id} --from ${new Date().toISOString().slice(0, 10)}" lists them all.`);
  }
}
