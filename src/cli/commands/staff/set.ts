/** `tele staff set STAFF [--name] [--email] [--role R ...]`: edit a staff member (owner or manager). */
import { Staff, UpdateStaffInput } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { UsageError, helpHint } from "../../errors.js";
import { printJson } from "../../output.js";
import { checkedInput } from "../../values.js";
import { staffLabel, staffRef } from "./refs.js";

const FLAGS = { name: "--name", email: "--email", roles: "--role", licensedIn: "--licensed-in" };

/** The change the flags ask for; `--role` (repeated) replaces the whole set. Checked before any request. */
export function staffChange(ctx: CommandContext, flags: RawArgs["flags"]): UpdateStaffInput {
  const roles = flags.role as string[] | undefined;
  const input = {
    ...(flags.name !== undefined && { name: flags.name }),
    ...(flags.email !== undefined && { email: flags.email }),
    ...(roles !== undefined && { roles: roles.flatMap((r) => r.split(",")).map((r) => r.trim().toLowerCase()).filter(Boolean) }),
    // R25: "NY,NJ" (any case, spaces allowed); "" clears the states.
    ...(typeof flags.licensedIn === "string" && { licensedIn: flags.licensedIn.split(",").map((s) => s.trim()).filter(Boolean) }),
  };
  if (Object.keys(input).length === 0) {
    throw new UsageError("nothing to set: give at least one of --name, --email, --role, --licensed-in", helpHint(ctx.command));
  }
  return checkedInput(ctx, UpdateStaffInput, input, FLAGS);
}

/** Changes the staff member and prints the record (`--json`) or one line naming them and their roles. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const ref = await staffRef(ctx, args);
  const change = staffChange(ctx, args.flags);
  const before = change.roles ? await (await ctx.tele()).staff.get(ref) : undefined;
  const staff = await (await ctx.tele()).staff.update(ref, change);
  if (ctx.json) {
    printJson(ctx.io, Staff, staff);
    return 0;
  }
  ctx.io.out(`Updated ${staffLabel(staff)}: ${staff.roles.join(", ")}.\n`);
  if (change.licensedIn) ctx.io.out(`Licensed in: ${staff.licensedIn.length ? staff.licensedIn.join(", ") : "none recorded"}.\n`);
  if (before?.teletherapy && !staff.teletherapy) ctx.io.err(ctx.paintErr.dim("Teletherapy is off: it is a permission under the therapist role.\n"));
  return 0;
}
