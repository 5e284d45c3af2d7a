/**
 * `--invite-missing` of `appointments create` and `appointments import` (R6): after scheduling
 * telehealth for clients who cannot join yet, the same command sends the missing portal invites,
 * as `appointments convert --invite-missing` does: a client with an email address and no active
 * account or pending invite gets one; a client without an email address is named with the fix.
 */
import type { Tele } from "../../../sdk/client.js";
import type { Client } from "../../../sdk/schemas/index.js";
import { CsvScanner, type CsvRow } from "../../../server/domain/import/csv.js";
import type { CommandContext } from "../../context.js";
import { note, plural, warn } from "../../output.js";

/** What --invite-missing did: clients invited, and clients it could not invite for want of an email. */
export interface InviteMissingResult {
  invitesSent: string[];
  noEmail: string[];
}

/** Whether the client needs an invite to join: no active account, and no invite that still works. */
function needsInvite(client: Client, now: number): boolean {
  if (client.portal.status === "active") return false;
  if (client.portal.status === "invited" && client.portal.inviteExpiresAt && Date.parse(client.portal.inviteExpiresAt) > now) return false;
  return true;
}

/** Invites those of `clientRefs` (ids or emails) who cannot join yet; one look-up per distinct client. */
export async function inviteMissing(tele: Tele, clientRefs: string[]): Promise<InviteMissingResult> {
  const result: InviteMissingResult = { invitesSent: [], noEmail: [] };
  const seen = new Set<string>();
  for (const ref of new Set(clientRefs)) {
    const client = await tele.clients.get(ref);
    if (seen.has(client.id)) continue;
    seen.add(client.id);
    if (!needsInvite(client, Date.now())) continue;
    if (!client.email) {
      result.noEmail.push(client.id);
      continue;
    }
    await tele.clients.invite(client.id);
    result.invitesSent.push(client.id);
  }
  return result;
}

/**
 * The distinct clients of an appointment CSV's telehealth rows (as the file names them: ids or
 * emails), read from the upload's UTF-8 stream again after the import, so memory follows the
 * number of clients, not the size of the file.
 */
export async function telehealthClientsOfUpload(upload: () => AsyncIterable<Uint8Array>): Promise<string[]> {
  const scanner = new CsvScanner();
  const decoder = new TextDecoder();
  const yes = new Set(["true", "yes", "1"]);
  const clients = new Set<string>();
  const take = (rows: CsvRow[]) => {
    const header = scanner.header ?? [];
    const client = header.indexOf("client");
    const telehealth = header.indexOf("telehealth");
    if (client < 0 || telehealth < 0) return;
    for (const r of rows) {
      if (!yes.has((r.values[telehealth] ?? "").trim().toLowerCase())) continue;
      const ref = (r.values[client] ?? "").trim();
      if (ref) clients.add(ref);
    }
  };
  for await (const chunk of upload()) take(scanner.push(decoder.decode(chunk, { stream: true })));
  take(scanner.push(decoder.decode(), true));
  return [...clients];
}

/** Says on stderr what --invite-missing did. */
export function reportInvites(ctx: CommandContext, result: InviteMissingResult): void {
  if (ctx.json) return;
  const ids = (list: string[]) => list.join(", ");
  if (result.invitesSent.length) {
    note(ctx.io, `Sent portal invites to ${plural(result.invitesSent.length, "client")}, who can join once they sign up: ${ids(result.invitesSent)}`);
  }
  for (const id of result.noEmail) {
    warn(ctx.io, ctx.paintErr, `client ${id} has no email address, so no invite was sent (R6); add one with "tele clients set ${id} --email EMAIL", then "tele clients invite ${id}".`);
  }
}
