/** Reading and showing clients on the command line. */
import { Ref, type Client } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { formatTime } from "../../output.js";
import { checked, required } from "../../values.js";

/** The client ref from the first positional, asked for on a terminal when missing. */
export async function clientRef(ctx: CommandContext, args: RawArgs): Promise<string> {
  const value = await required(ctx, args.positionals[0], "CLIENT (an id or email)", "Client (id or email)", { schema: Ref });
  return checked(ctx, Ref, value, "CLIENT");
}

/** The portal column: status, and when a pending invite expires. */
export function portalText(client: Client, timeZone: string | undefined): string {
  const { status, inviteExpiresAt } = client.portal;
  if (status !== "invited" || !inviteExpiresAt || !timeZone) return status;
  const expired = Date.parse(inviteExpiresAt) < Date.now();
  return `invited (${expired ? "expired" : "expires"} ${formatTime(inviteExpiresAt, timeZone)})`;
}

/** The telehealth consent the client accepted (R26): none, or the version, when, and whether it is still current. */
export function consentText(client: Client, timeZone: string): string {
  const { status, version, acceptedAt } = client.consent;
  if (status === "none" || version === undefined || !acceptedAt) return "none accepted";
  const when = formatTime(acceptedAt, timeZone);
  return status === "current" ? `version ${version}, accepted ${when} (current)` : `version ${version}, accepted ${when} (outdated: a newer text is waiting)`;
}

/** The columns of a client table; the time zone labels invite expiry times. */
export const clientHeaders = (timeZone: string) => ["ID", "NAME", "EMAIL", "STATE", `PORTAL (${timeZone})`];

/** One client as a table row. */
export function clientRow(c: Client, timeZone: string): string[] {
  return [c.id, c.name, c.email ?? "-", c.state ?? "non-U.S.", portalText(c, timeZone)];
}
