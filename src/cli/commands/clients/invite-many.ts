/**
 * `tele clients invite C1 C2 …` and `tele clients invite --not-invited | --expired`: the portal invite
 * (or a reset link, R11) for several clients, one request each through the same endpoint as one
 * client; a summary of who was invited and who was skipped and why.
 */
import { BulkInviteResult, type Client } from "../../../sdk/schemas/index.js";
import { TeleApiError } from "../../../sdk/errors.js";
import type { CommandContext } from "../../context.js";
import { EXIT, UsageError } from "../../errors.js";
import { note, plural, printJson } from "../../output.js";

/** Which clients a selection flag picks from the list. */
export interface InviteSelection {
  notInvited: boolean;
  expired: boolean;
}

/** --not-invited: an email, no portal account, no live invite, and none that ran out. --expired: an invite ran out unused. */
export function selects(c: Client, s: InviteSelection): boolean {
  if (c.archivedAt || c.portal.status !== "none") return false;
  if (s.expired && c.portal.inviteExpiredAt) return true;
  return s.notInvited && !!c.email && !c.portal.inviteExpiredAt;
}

/** Invites each client named and each the selection picks; returns the exit code. */
export async function inviteMany(ctx: CommandContext, refs: string[], selection: InviteSelection | undefined): Promise<number> {
  const tele = await ctx.tele();
  const targets = [...refs];
  if (selection) {
    // Only clients without a portal account can be picked: the server narrows, the page walk keeps memory flat.
    const named = new Set(targets);
    for await (const c of tele.clients.iterate({ portal: "none" })) if (selects(c, selection) && !named.has(c.id)) targets.push(c.id);
    if (targets.length === 0) return report(ctx, { invited: [], skipped: [] }, "No clients match; nobody was invited.");
    if (!(await confirmSelection(ctx, targets.length))) return 0;
  }
  const result: BulkInviteResult = { invited: [], skipped: [] };
  const codes = new Set<number>();
  for (const [i, ref] of targets.entries()) {
    if (ctx.io.stderrIsTTY && targets.length > 1) ctx.io.err(`\rInviting ${i + 1} of ${targets.length}…`);
    try {
      const sent = await tele.clients.invite(ref);
      result.invited.push({ clientId: sent.clientId, kind: sent.kind, mailId: sent.mailId, expiresAt: sent.expiresAt });
    } catch (err) {
      if (!(err instanceof TeleApiError) || err.status >= 500 || err.status === 401) throw err; // the server or the sign-in is broken: stop
      result.skipped.push({ client: ref, reason: err.code, message: err.message });
      const { describeSdkError } = await import("../../sdk-errors.js");
      codes.add(describeSdkError(err, ctx.command)?.exitCode ?? EXIT.refused);
    }
  }
  if (ctx.io.stderrIsTTY && targets.length > 1) ctx.io.err("\r\u001b[2K");
  await report(ctx, result);
  // Everyone invited: 0. Otherwise the exit code the skips share (5 when all were not found), or 6 for a mix.
  return codes.size === 0 ? EXIT.ok : codes.size === 1 ? [...codes][0]! : EXIT.refused;
}

/** A selection is a bulk change: asked on a terminal (default No); without one it needs --yes. */
async function confirmSelection(ctx: CommandContext, count: number): Promise<boolean> {
  if (ctx.yes) return true;
  if (!ctx.interactive) {
    throw new UsageError(`this selects ${plural(count, "client")} to invite; without a terminal that needs --yes`,
      `add --yes to send them, or see who they are with "tele clients list"`);
  }
  const yes = await ctx.io.confirm(`Send portal invites to ${plural(count, "client")}?`, false);
  if (!yes) note(ctx.io, "Cancelled; nobody was invited.");
  return yes;
}

async function report(ctx: CommandContext, result: BulkInviteResult, empty?: string): Promise<number> {
  if (ctx.json) {
    printJson(ctx.io, BulkInviteResult, result);
    return 0;
  }
  if (empty) {
    note(ctx.io, empty);
    return 0;
  }
  const resets = result.invited.filter((i) => i.kind === "reset").length;
  const also = resets ? ` (${plural(resets, "password-reset link")} to clients who already have an account)` : "";
  ctx.io.out(`Invited ${plural(result.invited.length, "client")}${also}; skipped ${result.skipped.length}.\n`);
  for (const s of result.skipped) ctx.io.out(`  skipped ${s.client}: ${s.reason}: ${s.message}\n`);
  if (result.invited.length) ctx.io.err(ctx.paintErr.dim(`Delivery status: "tele mail list".\n`));
  return 0;
}
