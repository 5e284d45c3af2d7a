/** `tele staff list`. */
import { StaffList } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { note, printJson, table } from "../../output.js";

/** Prints the staff as a table, or the contract's staff objects with --json. */
export async function run(ctx: CommandContext, _args: RawArgs): Promise<number> {
  const staff = await (await ctx.tele()).staff.list();
  if (ctx.json) {
    printJson(ctx.io, StaffList, staff);
    return 0;
  }
  if (staff.length === 0) {
    note(ctx.io, `No staff members yet; add one with "tele staff add".`);
    return 0;
  }
  const rows = staff.map((s) => [s.id, s.name, s.email, s.roles.join(","), s.teletherapy ? "on" : "off", s.active ? "active" : "deactivated"]);
  ctx.io.out(table(ctx.paint, ["ID", "NAME", "EMAIL", "ROLES", "TELETHERAPY", "STATUS"], rows));
  return 0;
}
