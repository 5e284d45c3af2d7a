/** `tele staff tokens list STAFF`: a staff member's API tokens by id, never the tokens themselves. */
import { ApiTokenList } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { note, printJson, table } from "../../output.js";
import { staffRef } from "./refs.js";

/** Prints id, created, last used and status of each token. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const ref = await staffRef(ctx, args);
  const tokens = await (await ctx.tele()).staff.tokens.list(ref);
  if (ctx.json) {
    printJson(ctx.io, ApiTokenList, tokens);
    return 0;
  }
  if (tokens.length === 0) {
    note(ctx.io, `${ref} has no API tokens; "tele staff token ${ref}" mints one.`);
    return 0;
  }
  const rows = tokens.map((t) => [t.id, t.createdAt, t.lastUsedAt ?? "never", t.active ? "active" : `revoked ${t.revokedAt}`]);
  ctx.io.out(table(ctx.paint, ["ID", "CREATED", "LAST USED", "STATUS"], rows));
  return 0;
}
