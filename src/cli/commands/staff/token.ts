/** `tele staff token STAFF`: mints an API token (owner or manager only). */
import { ApiToken } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { printJson } from "../../output.js";
import { staffRef } from "./refs.js";

/** Prints the new token alone on stdout (`--json`: `{token, id, staffId, createdAt}`). */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const ref = await staffRef(ctx, args);
  const token = await (await ctx.tele()).staff.createToken(ref);
  if (ctx.json) {
    printJson(ctx.io, ApiToken, token);
    return 0;
  }
  ctx.io.out(`${token.token}\n`);
  ctx.io.err(
    ctx.paintErr.dim(`API token ${token.id} for ${token.staffId}. It is shown only once; sign in with it using "tele login --token TOKEN".\n`),
  );
  return 0;
}
