/** `tele whoami`: the signed-in staff member, their practice, and where the connection came from. */
import { WhoAmI } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { printJson } from "../../output.js";

const SOURCES = { flag: "--url", env: "TELE_URL", profile: "profile" } as const;

/** Prints who is signed in. */
export async function run(ctx: CommandContext, _args: RawArgs): Promise<number> {
  const me = await ctx.whoami();
  if (ctx.json) {
    printJson(ctx.io, WhoAmI, me);
    return 0;
  }
  const connection = await ctx.connection();
  const source = connection.urlSource === "profile" ? `profile "${connection.profile}"` : SOURCES[connection.urlSource ?? "flag"];
  const { staff, practice } = me;
  const manages = staff.roles.includes("owner") || staff.roles.includes("manager");
  const contact = practice.contact ?? (manages ? `none; set it with "tele practice set --contact TEXT"` : "none");
  const rows = [
    ["Signed in as", `${staff.name} <${staff.email}> (${staff.id})`],
    ["Roles", staff.roles.join(", ")],
    ["Teletherapy", staff.teletherapy ? "on" : "off"],
    ["Practice", `${practice.name} (${practice.slug}), ${practice.state}`],
    ["Time zone", practice.timeZone],
    ["Client portal", practice.portalUrl],
    ["Contact", contact],
    ["Server", `${connection.url} (from ${source})`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) ctx.io.out(`${ctx.paint.bold(label.padEnd(width))}  ${value}\n`);
  return 0;
}
