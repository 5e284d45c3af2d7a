/** `tele clients list`. */
import { ClientList } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { note, printJson } from "../../output.js";
import { clientTable } from "./shared.js";

/** Prints the clients as a table, or the contract's client objects with --json. */
export async function run(ctx: CommandContext, _args: RawArgs): Promise<number> {
  const clients = await (await ctx.tele()).clients.list();
  if (ctx.json) {
    printJson(ctx.io, ClientList, clients);
    return 0;
  }
  if (clients.length === 0) {
    note(ctx.io, `No clients yet; add one with "tele clients add" or "tele clients import FILE.csv".`);
    return 0;
  }
  ctx.io.out(clientTable(ctx, clients, await ctx.timeZone()));
  return 0;
}
