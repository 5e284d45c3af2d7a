/** `tele sessions open APPOINTMENT [--print]`: the session page in the browser, signed in (R14). */
import { SignInLink } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { ExitError, EXIT } from "../../errors.js";
import { printJson, printJsonValue } from "../../output.js";
import { appointmentId } from "../appointments/shared.js";

/** Opens a URL in the user's browser; the `open` package is loaded only when a link is opened. */
export type Opener = (url: string) => Promise<void>;

const openInBrowser: Opener = async (url) => {
  const { default: open } = await import("open");
  await open(url);
};

/** What `tele sessions open` was asked to do. */
export interface SessionsOpenArgs {
  appointmentId: string;
  print: boolean;
}

/** The appointment id (asked for on a terminal when missing) and --print. */
export async function parseSessionsOpen(ctx: CommandContext, args: RawArgs): Promise<SessionsOpenArgs> {
  return { appointmentId: await appointmentId(ctx, args), print: args.flags.print === true };
}

/** Mints the single-use link, then prints it (--print) or opens it with `opener`. */
export async function openSession(ctx: CommandContext, o: SessionsOpenArgs, opener: Opener = openInBrowser): Promise<number> {
  const link = await (await ctx.tele()).appointments.signInLink(o.appointmentId);
  if (o.print) {
    if (ctx.json) printJson(ctx.io, SignInLink, link);
    else ctx.io.out(`${link.url}\n`);
    if (!ctx.json) ctx.io.err(ctx.paintErr.dim("The link signs the browser in as you; it works once, within 2 minutes.\n"));
    return 0;
  }
  try {
    await opener(link.url);
  } catch (err) {
    throw new ExitError(EXIT.failure, "browser_not_opened", `could not open a browser: ${(err as Error).message}`,
      `run "tele sessions open ${o.appointmentId} --print" and open the link yourself`);
  }
  if (ctx.json) printJsonValue(ctx.io, { appointmentId: o.appointmentId, opened: true, expiresAt: link.expiresAt });
  else ctx.io.out(`Opened the session page of appointment ${o.appointmentId} in your browser.\n`);
  return 0;
}

/** The command: parse, then open. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  return openSession(ctx, await parseSessionsOpen(ctx, args));
}
