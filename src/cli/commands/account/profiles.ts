/** `tele profiles`: the saved sign-ins, which one is used without --profile, and the server each names. */
import { listProfiles } from "../../config.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { note, printJsonValue, table } from "../../output.js";

/** The profile used when --profile is not given. */
export const DEFAULT_PROFILE = "default";

/** One saved profile as `tele profiles --json` prints it (never its token). */
export interface ProfileView {
  name: string;
  url: string;
  default: boolean;
}

/** Lists the profiles, the default first, then by name. */
export async function run(ctx: CommandContext, _args: RawArgs): Promise<number> {
  const { path, profiles } = await listProfiles(ctx.io.env);
  const views: ProfileView[] = Object.entries(profiles)
    .map(([name, p]) => ({ name, url: p.url, default: name === DEFAULT_PROFILE }))
    .sort((a, b) => Number(b.default) - Number(a.default) || a.name.localeCompare(b.name));
  if (ctx.json) {
    printJsonValue(ctx.io, views);
    return 0;
  }
  if (views.length === 0) {
    note(ctx.io, `No profiles saved (in ${path}); save one with "tele login" or "tele init".`);
    return 0;
  }
  const rows = views.map((v) => [v.name, v.url, v.default ? "yes (used without --profile)" : ""]);
  ctx.io.out(table(ctx.paint, ["PROFILE", "SERVER", "DEFAULT"], rows));
  if (!profiles[DEFAULT_PROFILE]) note(ctx.io, `No profile is named "${DEFAULT_PROFILE}", so commands need --profile NAME (or --url and --token).`);
  const env = ctx.io.env;
  if (env.TELE_URL || env.TELE_TOKEN) note(ctx.io, "TELE_URL / TELE_TOKEN are set: they win over any profile.");
  return 0;
}
