/** `tele staff tokens revoke TOKEN-ID`: one API token stops working at once. */
import { Ref, TokenRevocation } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { printJson } from "../../output.js";
import { checked, required } from "../../values.js";

/** Revokes the token named by its id ("tele staff tokens list STAFF" shows the ids). */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const value = await required(ctx, args.positionals[0], "TOKEN-ID", "Token id", { schema: Ref });
  const id = checked(ctx, Ref, value, "TOKEN-ID");
  const out = await (await ctx.tele()).staff.tokens.revoke(id);
  if (ctx.json) {
    printJson(ctx.io, TokenRevocation, out);
    return 0;
  }
  ctx.io.out(out.changed ? `Revoked API token ${out.token.id} of ${out.token.staffId}.\n` : `API token ${out.token.id} was already revoked.\n`);
  return 0;
}
