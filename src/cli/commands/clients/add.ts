/** `tele clients add --name N --email E --state XX`. */
import { Client, CreateClientInput, Name } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { note, printJson, warn } from "../../output.js";
import { checkedInput, required } from "../../values.js";

const FLAGS = { name: "--name", email: "--email", state: "--state", phone: "--phone", dateOfBirth: "--date-of-birth" };

/** The client to add; malformed email, state or date is a usage error before any request. */
export async function parseClientAdd(ctx: CommandContext, { flags }: RawArgs): Promise<CreateClientInput> {
  const name = await required(ctx, flags.name, "--name", "Name", { schema: Name });
  const input = { name, email: flags.email, state: flags.state, phone: flags.phone, dateOfBirth: flags.dateOfBirth };
  return checkedInput(ctx, CreateClientInput, input, FLAGS);
}

/** Adds the client, with notes about what telehealth will need (R4, R6). */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const input = await parseClientAdd(ctx, args);
  const client = await (await ctx.tele()).clients.add(input);
  if (ctx.json) {
    printJson(ctx.io, Client, client);
    return 0;
  }
  ctx.io.out(`Added client ${client.name} (${client.id}).\n`);
  if (!client.state) warn(ctx.io, ctx.paintErr, "no --state: the client counts as living outside the U.S. and cannot have telehealth (R4).");
  if (!client.email) warn(ctx.io, ctx.paintErr, "no --email: the client cannot get a portal account or join telehealth sessions (R6).");
  else note(ctx.io, ctx.paintErr.dim(`Send the portal invite with "tele clients invite ${client.id}".`));
  return 0;
}
