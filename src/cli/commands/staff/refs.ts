/** Reading a staff member named on the command line (id or email). */
import { Ref } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { checked, required } from "../../values.js";

/** The staff ref from the first positional, asked for on a terminal when missing. */
export async function staffRef(ctx: CommandContext, args: RawArgs): Promise<string> {
  const value = await required(ctx, args.positionals[0], "STAFF (an id or email)", "Staff member (id or email)", { schema: Ref });
  return checked(ctx, Ref, value, "STAFF");
}

/** One line naming a staff member on the terminal. */
export function staffLabel(staff: { id: string; name: string; email: string }): string {
  return `${staff.name} <${staff.email}> (${staff.id})`;
}
