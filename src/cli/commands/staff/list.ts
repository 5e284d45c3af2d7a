/** `tele staff list [--limit N | --all]`. */
import type { CommandContext, RawArgs } from "../../context.js";
import { printList, readPaging } from "../../paging.js";

/** Prints the staff by name as a table, or the contract's staff objects with --json. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const paging = readPaging(ctx, args.flags);
  const tele = await ctx.tele();
  return printList(ctx, paging, (cursor, limit) => tele.staff.list({ limit, cursor }), {
    noun: "staff member", empty: `No staff members yet; add one with "tele staff add".`,
    table: () => ({
      headers: ["ID", "NAME", "EMAIL", "ROLES", "TELETHERAPY", "STATUS"],
      row: (s) => [s.id, s.name, s.email, s.roles.join(","), s.teletherapy ? "on" : "off", s.active ? "active" : "deactivated"],
    }),
  });
}
