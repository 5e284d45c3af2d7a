/** `tele clients list [--search TEXT] [--state XX] [--portal none|invited|active] [--limit N | --all]` (issue 10). */
import { ClientQuery } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { printList, readPaging, type Paging } from "../../paging.js";
import { checkedInput } from "../../values.js";
import { clientRow, clientHeaders } from "./shared.js";

const FLAGS = { search: "--search", state: "--state", portal: "--portal" };

/** The filters (checked with ClientQuery, so a bad --state or --portal is a usage error) and paging. */
export function parseClientList(ctx: CommandContext, { flags }: RawArgs): { query: ClientQuery; paging: Paging } {
  const query = checkedInput(ctx, ClientQuery, { search: flags.search, state: flags.state, portal: flags.portal }, FLAGS);
  return { query, paging: readPaging(ctx, flags) };
}

/** Prints the clients by name as a table, or the contract's client objects with --json. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const { query, paging } = parseClientList(ctx, args);
  const tele = await ctx.tele();
  const filtered = query.search !== undefined || query.state !== undefined || query.portal !== undefined;
  return printList(ctx, paging, (cursor, limit) => tele.clients.list({ ...query, limit, cursor }), {
    noun: "client",
    table: async () => {
      const timeZone = await ctx.timeZone();
      return { headers: clientHeaders(timeZone), row: (c) => clientRow(c, timeZone) };
    },
    empty: filtered ? "No clients match." : `No clients yet; add one with "tele clients add" or "tele clients import FILE.csv".`,
  });
}
