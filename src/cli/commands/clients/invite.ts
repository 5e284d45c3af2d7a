/**
 * `tele clients invite CLIENT…` / `--not-invited` / `--expired`: a portal invite, or a reset link for
 * an existing account (R10, R11); several clients or a selection go through invite-many.ts.
 */
import { PortalInviteResult, Ref } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { formatTime, printJson } from "../../output.js";
import { checked } from "../../values.js";
import { clientRef } from "./shared.js";

/** Sends the link(s); one client says which kind went out and until when it works. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const refs = ((args.positionals[0] as string[] | undefined) ?? []).map((r) => checked(ctx, Ref, r, "CLIENT"));
  const notInvited = args.flags.notInvited === true;
  const expired = args.flags.expired === true;
  if (refs.length > 1 || notInvited || expired) {
    const { inviteMany } = await import("./invite-many.js");
    return inviteMany(ctx, refs, notInvited || expired ? { notInvited, expired } : undefined);
  }
  const ref = await clientRef(ctx, { ...args, positionals: refs });
  // The zone for the reply is fetched before the write: a failure after it would report an invite that went out as failed.
  const timeZone = ctx.json ? "" : await ctx.timeZone();
  const result = await (await ctx.tele()).clients.invite(ref);
  if (ctx.json) {
    printJson(ctx.io, PortalInviteResult, result);
    return 0;
  }
  const what = result.kind === "invite" ? "a portal invite" : "a password-reset link (the client already has an account)";
  const until = `${formatTime(result.expiresAt, timeZone)} (${timeZone})`;
  ctx.io.out(`Sent ${what} to ${result.clientId}; the link works once, until ${until}.\n`);
  ctx.io.err(ctx.paintErr.dim(`Delivery status: "tele mail list".\n`));
  return 0;
}
