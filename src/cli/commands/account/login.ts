/** `tele login`: validates a URL and token against /api/v1/me, then saves them as a profile. */
import { WhoAmI } from "../../../sdk/schemas/index.js";
import { checkProfileName, isHttpUrl, readProfile, saveProfile } from "../../config.js";
import { newTele, type CommandContext, type RawArgs } from "../../context.js";
import { printJsonValue } from "../../output.js";
import { z } from "zod";
import { checked, required } from "../../values.js";

const ServerUrl = z.string().trim().refine(isHttpUrl, { message: "must be an http(s) URL, such as http://127.0.0.1:8080" });

const Token = z.string().trim().min(1, { message: "must not be empty" });

/** The URL, token and profile name `tele login` will check and save. */
export interface LoginInput {
  url: string;
  token: string;
  profile: string;
}

/** Reads --url/--token (or TELE_URL/TELE_TOKEN), asking on a terminal for what is missing. */
export async function parseLogin(ctx: CommandContext, { flags }: RawArgs): Promise<LoginInput> {
  const env = ctx.io.env;
  const profile = checkProfileName(flags.profile ?? "default");
  const saved = ctx.interactive ? await readProfile(env, profile) : undefined;
  const url = await required(ctx, flags.url ?? env.TELE_URL, "--url", "tele server URL", { schema: ServerUrl, default: saved?.url });
  const token = await required(ctx, flags.token ?? env.TELE_TOKEN, "--token", "API token", { schema: Token, secret: true });
  return { url: checked(ctx, ServerUrl, url, "--url").replace(/\/+$/, ""), token: token.trim(), profile };
}

/** Checks the token with the server and saves the profile. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const input = await parseLogin(ctx, args);
  const tele = await newTele(input.url, input.token, ctx.json);
  const me = await tele.me();
  const file = await saveProfile(ctx.io.env, input.profile, { url: input.url, token: input.token });
  if (ctx.json) {
    printJsonValue(ctx.io, { ...WhoAmI.parse(me), profile: input.profile, url: input.url });
    return 0;
  }
  const roles = me.staff.roles.join(", ");
  ctx.io.out(`Signed in to ${me.practice.name} as ${me.staff.name} <${me.staff.email}> (${roles}); saved as profile "${input.profile}".\n`);
  ctx.io.err(ctx.paintErr.dim(`Credentials are in ${file} (readable only by you).\n`));
  return 0;
}
