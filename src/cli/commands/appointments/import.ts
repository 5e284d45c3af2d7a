/** `tele appointments import FILE.csv [--dry-run] [--encoding NAME] [--invite-missing]`. */
import type { CommandContext, RawArgs } from "../../context.js";
import { runImport, type AfterImport } from "../import-csv.js";
import { inviteMissing, reportInvites, telehealthClientsOfUpload } from "./invite-missing.js";

/** Imports appointments from CSV; exit 6 and every bad row when any row is bad. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  // --invite-missing: the telehealth rows' clients who cannot join yet get their portal invites (R6).
  const after: AfterImport | undefined = args.flags.inviteMissing === true
    ? async (upload) => {
        const invites = await inviteMissing(await ctx.tele(), await telehealthClientsOfUpload(upload));
        return { json: { invitesSent: invites.invitesSent }, report: () => reportInvites(ctx, invites) };
      }
    : undefined;
  return runImport(ctx, args, "appointments", after);
}
