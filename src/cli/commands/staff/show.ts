/** `tele staff show STAFF`. */
import { Staff } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { printJson } from "../../output.js";
import { staffRef } from "./refs.js";

/** Prints one staff member. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const ref = await staffRef(ctx, args);
  const staff = await (await ctx.tele()).staff.get(ref);
  if (ctx.json) {
    printJson(ctx.io, Staff, staff);
    return 0;
  }
  const rows = [
    ["ID", staff.id],
    ["Name", staff.name],
    ["Email", staff.email],
    ["Roles", staff.roles.join(", ")],
    ["Teletherapy", staff.teletherapy ? "on" : "off"],
    ["Licensed in", staff.licensedIn.length ? staff.licensedIn.join(", ") : "none recorded"],
    ["Status", staff.active ? "active" : `deactivated ${staff.deactivatedAt ?? ""}`.trim()],
  ];
  for (const [label, value] of rows) ctx.io.out(`${ctx.paint.bold(label.padEnd(11))}  ${value}\n`);
  return 0;
}
