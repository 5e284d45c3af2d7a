/** `tele staff add --name N --email E --role R [--role R]`. */
import { CreateStaffInput, Email, Name, ROLES, Staff } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { printJson } from "../../output.js";
import { checkedInput, required } from "../../values.js";
import { staffLabel } from "./refs.js";

const FLAGS = { name: "--name", email: "--email", roles: "--role" };

/** The staff member to add, from flags or (on a terminal) answers; checked with CreateStaffInput. */
export async function parseStaffAdd(ctx: CommandContext, { flags }: RawArgs): Promise<CreateStaffInput> {
  const name = await required(ctx, flags.name, "--name", "Name", { schema: Name });
  const email = await required(ctx, flags.email, "--email", "Email", { schema: Email });
  let roles = (flags.role as string[] | undefined) ?? [];
  if (roles.length === 0) {
    const answer = await required(ctx, undefined, "--role", `Roles (comma-separated: ${ROLES.join(", ")})`);
    roles = answer.split(",").map((r) => r.trim()).filter(Boolean);
  }
  return checkedInput(ctx, CreateStaffInput, { name, email, roles: roles.map((r) => r.toLowerCase()) }, FLAGS);
}

/** Adds the staff member and confirms in one line. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const input = await parseStaffAdd(ctx, args);
  const staff = await (await ctx.tele()).staff.add(input);
  if (ctx.json) {
    printJson(ctx.io, Staff, staff);
    return 0;
  }
  ctx.io.out(`Added ${staffLabel(staff)} as ${staff.roles.join(", ")}.\n`);
  if (staff.roles.includes("therapist")) {
    ctx.io.err(ctx.paintErr.dim(`Turn on Teletherapy with "tele staff enable ${staff.id}".\n`));
  }
  return 0;
}
