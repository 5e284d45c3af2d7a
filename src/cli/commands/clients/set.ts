/** `tele clients set CLIENT [--name] [--email] [--state] [--phone] [--date-of-birth]`: edit a client (owner or manager). */
import { Client, UpdateClientInput } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { UsageError, helpHint } from "../../errors.js";
import { note, printJson, warn } from "../../output.js";
import { checkedInput } from "../../values.js";
import { clientRef } from "./shared.js";

const FLAGS = { name: "--name", email: "--email", state: "--state", phone: "--phone", dateOfBirth: "--date-of-birth" } as const;

/** The change the flags ask for; `""` clears a field (the name cannot be cleared). Checked before any request. */
export function clientChange(ctx: CommandContext, flags: RawArgs["flags"]): UpdateClientInput {
  const input: Record<string, string | null> = {};
  for (const field of Object.keys(FLAGS)) {
    const value = flags[field]; // commander names --date-of-birth dateOfBirth, as FLAGS does
    if (value === undefined) continue;
    input[field] = field !== "name" && typeof value === "string" && value.trim() === "" ? null : (value as string);
  }
  if (Object.keys(input).length === 0) {
    throw new UsageError(`nothing to set: give at least one of ${Object.values(FLAGS).join(", ")}`, helpHint(ctx.command));
  }
  return checkedInput(ctx, UpdateClientInput, input, FLAGS);
}

/** Changes the client and prints the record (`--json`) or a line naming what it is now. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const ref = await clientRef(ctx, args);
  const change = clientChange(ctx, args.flags);
  const client = await (await ctx.tele()).clients.update(ref, change);
  if (ctx.json) {
    printJson(ctx.io, Client, client);
    return 0;
  }
  ctx.io.out(`Updated client ${client.name} (${client.id}).\n`);
  if (change.state === null) warn(ctx.io, ctx.paintErr, "no state now: the client counts as living outside the U.S. and cannot have telehealth (R4).");
  if (change.email) note(ctx.io, ctx.paintErr.dim(`Links sent to the old address no longer work; send a new invite with "tele clients invite ${client.id}" if needed.`));
  return 0;
}
