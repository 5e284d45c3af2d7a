/** `tele staff deactivate STAFF`: cuts a staff member off (owner or manager; an owner only by an owner). */
import { Deactivation } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { plural, printJson } from "../../output.js";
import { staffLabel, staffRef } from "./refs.js";

/** Asks first on a terminal (unless --yes), then deactivates and says what was cut off. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const ref = await staffRef(ctx, args);
  const tele = await ctx.tele();
  if (ctx.interactive && !ctx.yes && !(await ctx.io.confirm(`Deactivate ${ref}? Their tokens, browser sessions and links stop working at once.`, false))) {
    // Answering no is not a failure: nothing was changed, and the terminal says so.
    ctx.io.err(`${ref} was not deactivated.\n`);
    return 0;
  }
  const out = await tele.staff.deactivate(ref);
  if (ctx.json) {
    printJson(ctx.io, Deactivation, out);
    return 0;
  }
  if (!out.changed) {
    ctx.io.out(`${staffLabel(out.staff)} was already deactivated.\n`);
    return 0;
  }
  ctx.io.out(`Deactivated ${staffLabel(out.staff)}.\n`);
  ctx.io.err(ctx.paintErr.dim(
    `Revoked ${plural(out.revokedTokens.length, "API token")}, ended ${plural(out.endedWebSessions, "browser session")}, ` +
      `revoked ${plural(out.revokedLinks, "link")}. Their history is kept.\n`,
  ));
  return 0;
}
