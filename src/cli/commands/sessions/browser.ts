/**
 * Opening a link in the user's browser, honestly: the platform's opener (xdg-open, open, or
 * Windows' URL handler) is started and its exit code is read, so a missing opener, a failing one,
 * or a machine with no display is reported as "not opened" instead of being claimed as success.
 */
import { spawn } from "node:child_process";

/** Whether a browser was asked to open the link, and why not when it was not. */
export type OpenOutcome = { opened: true } | { opened: false; reason: string };

/** Opens a URL; resolves to the outcome (it never throws for an opener that is missing or fails). */
export type Opener = (url: string) => Promise<OpenOutcome | void>;

/** How long an opener may run before we take it as having handed the link to a browser. */
const SETTLE_MS = 5_000;

/** The command that opens a URL on this platform, or why there is none. */
export function platformOpener(env: Readonly<Record<string, string | undefined>>, platform = process.platform): { command: string; args: string[] } | { reason: string } {
  if (platform === "darwin") return { command: "open", args: [] };
  if (platform === "win32") return { command: "rundll32", args: ["url.dll,FileProtocolHandler"] };
  // Without a display xdg-open can only start a text browser, hidden behind our detached child.
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return { reason: "there is no graphical display (DISPLAY and WAYLAND_DISPLAY are not set)" };
  return { command: "xdg-open", args: [] };
}

/** The real opener: runs the platform's opener and waits for its verdict. */
export function systemOpener(env: Readonly<Record<string, string | undefined>>): Opener {
  return (url) => {
    const opener = platformOpener(env);
    if ("reason" in opener) return Promise.resolve({ opened: false, reason: opener.reason });
    return new Promise<OpenOutcome>((done) => {
      const child = spawn(opener.command, [...opener.args, url], { stdio: "ignore", detached: true, env: { ...env } as NodeJS.ProcessEnv });
      const timer = setTimeout(() => {
        // Still running: some openers stay in the foreground with the browser they started.
        child.unref();
        done({ opened: true });
      }, SETTLE_MS);
      child.once("error", (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        done({ opened: false, reason: err.code === "ENOENT" ? `${opener.command} was not found on PATH` : `${opener.command} could not start (${err.code ?? err.message})` });
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        done(code === 0 ? { opened: true } : { opened: false, reason: `${opener.command} failed (${signal ? `signal ${signal}` : `exit code ${code}`})` });
      });
    });
  };
}
