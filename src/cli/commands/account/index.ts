/** `tele login` and `tele whoami`: saving and showing the signed-in staff member. */
import type { Command } from "commander";
import type { Act } from "../../define.js";

/** Registers login and whoami. */
export function defineAccountCommands(program: Command, act: Act): void {
  program
    .command("login")
    .description("check a server URL and API token with the server, then save them as a profile")
    .addHelpText(
      "after",
      `\nThe URL and token come from --url/--token, else TELE_URL/TELE_TOKEN, else are asked for on a terminal.\n` +
        `Without a terminal they are required. --profile NAME saves under another name.\n`,
    )
    .action(act(() => import("./login.js")));

  program
    .command("logout")
    .description("sign out: revoke the profile's token on the server (when reachable) and forget it here")
    .addHelpText("after", `\n--profile NAME signs out of that profile (default: default). With --json: {"profile", "url", "removed", "revocation"}.\n`)
    .action(act(() => import("./logout.js")));

  program
    .command("profiles")
    .description("list the saved profiles: which exist, which is the default, and the server each names")
    .addHelpText("after", `\nWith --json: [{"name", "url", "default"}] (never the tokens).\n`)
    .action(act(() => import("./profiles.js")));

  program
    .command("whoami")
    .description("show the signed-in staff member, their practice and the server")
    .action(act(() => import("./whoami.js")));
}
