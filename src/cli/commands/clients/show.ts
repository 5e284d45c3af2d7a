/** `tele clients show CLIENT`. */
import { Client } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { formatTime, printJson } from "../../output.js";
import { clientRef, consentText, portalText } from "./shared.js";

/** Prints one client. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const ref = await clientRef(ctx, args);
  const client = await (await ctx.tele()).clients.get(ref);
  if (ctx.json) {
    printJson(ctx.io, Client, client);
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
  for (const [label, value] of rows) ctx.io.out(`${ctx.paint.bold(label.padEnd(7))}  ${value}\n`);
  return 0;
}
