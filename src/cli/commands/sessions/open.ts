/** `tele sessions open APPOINTMENT [--print]`: the session page in the browser, signed in (R14). */
import { SignInLink, type SignInLink as Link } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { printJson, printJsonValue } from "../../output.js";
import { appointmentId } from "../appointments/shared.js";
import { systemOpener, type Opener, type OpenOutcome } from "./browser.js";

export type { Opener } from "./browser.js";

/** What `tele sessions open` was asked to do. */
export interface SessionsOpenArgs {
  appointmentId: string;
  print: boolean;
}

/** The appointment id (asked for on a terminal when missing) and --print. */
export async function parseSessionsOpen(ctx: CommandContext, args: RawArgs): Promise<SessionsOpenArgs> {
  return { appointmentId: await appointmentId(ctx, args), print: args.flags.print === true };
}

const ONCE = "The link signs the browser in as you; it works once, within 2 minutes.";

/**
 * Mints the single-use link, then prints it (--print) or opens it with `opener`. When no browser
 * can be opened the link is printed instead, and the output says that nothing was opened.
 */
export async function openSession(ctx: CommandContext, o: SessionsOpenArgs, opener: Opener = systemOpener(ctx.io.env)): Promise<number> {
  const link = await (await ctx.tele()).appointments.signInLink(o.appointmentId);
  if (o.print) {
    if (ctx.json) printJson(ctx.io, SignInLink, link);
    else {
      ctx.io.out(`${link.url}\n`);
      ctx.io.err(ctx.paintErr.dim(`${ONCE}\n`));
    }
    return 0;
  }
  const outcome = await tryOpen(opener, link.url);
  if (outcome.opened) {
    if (ctx.json) printJsonValue(ctx.io, { appointmentId: o.appointmentId, opened: true, expiresAt: link.expiresAt });
    else ctx.io.out(`Opened the session page of appointment ${o.appointmentId} in your browser.\n`);
    return 0;
  }
  printFallback(ctx, o.appointmentId, link, outcome.reason);
  return 0;
}

async function tryOpen(opener: Opener, url: string): Promise<OpenOutcome> {
  try {
    return (await opener(url)) ?? { opened: true };
  } catch (err) {
    return { opened: false, reason: (err as Error).message };
  }
}

/** No browser: the link itself, on stdout, with why nothing was opened on stderr. */
function printFallback(ctx: CommandContext, id: string, link: Link, reason: string): void {
  if (ctx.json) {
    printJsonValue(ctx.io, { appointmentId: id, opened: false, reason, url: link.url, expiresAt: link.expiresAt });
    return;
  }
  ctx.io.err(`No browser was opened: ${reason}. Open the session page of appointment ${id} with this link:\n`);
  ctx.io.out(`${link.url}\n`);
  ctx.io.err(ctx.paintErr.dim(`${ONCE}\n`));
}

/** The command: parse, then open. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  return openSession(ctx, await parseSessionsOpen(ctx, args));
}
