/**
 * A practice manager's walk at a real terminal (issue 10): tmux runs a shell whose keys we type and
 * whose screen we read. Against a real server: `tele login` answers its prompts as typed, a bulk
 * conversion is previewed and confirmed (Enter takes the default, No; then "y"), and Ctrl-C during a
 * long import shows where it stopped, exits 130 and leaves the import whole or absent, never half.
 */
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Tele } from "../../src/sdk/client.js";
import { ROOT, startWorld, tempDir, type E2eWorld } from "../helpers/e2e.js";

const SESSION = `tele-walk-${process.pid}`;
const tmux = (...args: string[]) => execFileSync("tmux", ["-L", SESSION, ...args], { encoding: "utf8" });

/** The pane's text as a person sees it now (wrapped lines joined). */
const screen = () => tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", SESSION);

/** Types text into the pane (literally), then presses each key in `keys` (such as Enter). */
function type(text: string, ...keys: string[]): void {
  if (text) tmux("send-keys", "-t", SESSION, "-l", text);
  for (const key of keys) tmux("send-keys", "-t", SESSION, key);
}

/** Waits until the pane shows `what` (a string, or a pattern), and returns the screen. */
async function waitFor(what: string | RegExp, timeoutMs = 90_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = screen();
    if (typeof what === "string" ? text.includes(what) : what.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`the pane never showed ${what}; it shows:\n${text}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

// Each step is a person's pace over a real server, on a machine that may be busy: generous limits.
describe("a practice manager's walk in tmux", { timeout: 180_000 }, () => {
  let w: E2eWorld;
  let sdk: Tele;
  const appointments: string[] = [];
  beforeAll(async () => {
    w = await startWorld();
    sdk = new Tele({ url: w.server.url, token: w.ownerToken });
    const tess = await sdk.staff.add({ name: "Tess Therapist", email: "tess@maple.test", roles: ["therapist"] });
    await sdk.staff.enableTeletherapy(tess.id);
    const bo = await sdk.clients.add({ name: "Bo Client", email: "bo@client.test", state: "NY" });
    for (const day of ["2027-04-05", "2027-04-06", "2027-04-07"]) {
      appointments.push((await sdk.appointments.create({ therapist: tess.id, client: bo.id, start: `${day}T10:00`, durationMinutes: 50 })).id);
    }
    // A shell with only what a person's would have: node and tele on PATH, a config dir of its own, no colour.
    const path = [dirname(process.execPath), join(ROOT, "bin"), "/usr/bin", "/bin"].join(":");
    const env = [`PATH=${path}`, `HOME=${process.env.HOME}`, `TELE_CONFIG_DIR=${join(w.dataDir, "walk-config")}`, "NO_COLOR=1", "TERM=xterm", "PS1=$ "];
    tmux("new-session", "-d", "-s", SESSION, "-x", "220", "-y", "60", "env", "-i", ...env, "bash", "--norc", "--noprofile");
  }, 120_000);
  afterAll(async () => {
    try {
      tmux("kill-server");
    } catch {
      // already gone
    }
    await w?.close();
  });

  it("signs in by answering tele login's prompts", async () => {
    type("tele login --profile walk", "Enter");
    await waitFor("tele server URL");
    type(w.server.url, "Enter");
    await waitFor("API token");
    type(w.ownerToken, "Enter");
    const text = await waitFor('saved as profile "walk"');
    expect(text).toContain(`Signed in to Maple Therapy as Olive Owner <owner@maple.test> (owner); saved as profile "walk".`);
    expect(text).not.toContain(w.ownerToken); // the token is typed into a masked prompt
    type("tele profiles", "Enter");
    expect(await waitFor(/walk +http:\/\/127\.0\.0\.1:\d+/)).toMatch(new RegExp(`walk +${w.server.url}`));
  });

  it("tele init asks before replacing a saved profile, and Enter (No) keeps it and creates nothing", async () => {
    type("clear", "Enter");
    const dataDir = join(tempDir("tele-walk-"), "birch");
    type(`tele init --practice "Birch Therapy" --state NJ --timezone America/New_York --owner-name "Bea Owner" --owner-email bea@birch.test --data-dir ${dataDir} --profile walk; echo exit=$?`, "Enter");
    const asked = await waitFor("(y/N)");
    expect(asked).toContain(`Profile "walk" already signs in to ${w.server.url}. Replace it with the new practice's owner? (y/N)`);
    type("", "Enter");
    const kept = await waitFor("exit=0");
    expect(kept).toContain('Nothing was created; profile "walk" is kept as it was.');
    expect(existsSync(dataDir)).toBe(false);
    type("clear", "Enter");
    type("tele --profile walk whoami", "Enter");
    expect(await waitFor(/Practice +Maple Therapy/)).toContain("Signed in as   Olive Owner <owner@maple.test>");
  });

  it("a bulk conversion is previewed, and Enter takes the default, No; then y converts", async () => {
    type("clear", "Enter");
    type("tele --profile walk appointments convert --therapist tess@maple.test; echo exit=$?", "Enter");
    const asked = await waitFor("Convert 3 appointments to telehealth?");
    expect(asked).toContain("Matched 3 appointments: 3 to convert to telehealth, 0 skipped.");
    expect(asked).toMatch(/Convert 3 appointments to telehealth\? \(y\/N\)/);
    type("", "Enter");
    const no = await waitFor("exit=0");
    expect(no).toContain("Cancelled; nothing was changed.");
    for (const id of appointments) expect((await sdk.appointments.get(id)).telehealth).toBe(false);

    type("clear", "Enter");
    type("tele --profile walk appointments convert --therapist tess@maple.test; echo exit=$?", "Enter");
    await waitFor("(y/N)");
    type("y", "Enter");
    const yes = await waitFor("exit=0");
    expect(yes).toMatch(/Converted 3 appointments to telehealth: apt_/);
    for (const id of appointments) expect((await sdk.appointments.get(id)).telehealth).toBe(true);
  });

  it("a long import shows its progress, and Ctrl-C leaves nothing half-written and exits 130", async () => {
    const rows = 150_000; // long enough that Ctrl-C lands while the server still works, even on a fast machine
    const file = join(tempDir("tele-walk-"), "clients.csv");
    const lines = ["name,email,state", ...Array.from({ length: rows }, (_, i) => `Walk Client ${i},walk${i}@client.test,NY`)];
    writeFileSync(file, `${lines.join("\n")}\n`);
    type("clear", "Enter");
    type(`tele --profile walk clients import ${file}; echo exit=$?`, "Enter");
    // The spinner and the elapsed time, redrawn while the server works.
    const progress = await waitFor(/Importing \S+clients\.csv: [\d,]+ rows sent/);
    expect(progress).toContain(`Importing ${file}`);
    type("", "C-c");
    const stopped = await waitFor("exit=130");
    expect(stopped).toContain(`Interrupted (Ctrl-C) while importing ${file}. An import is all or nothing: the server writes every row or none.`);
    expect(stopped).not.toMatch(/Error:|at .+\.js:\d+/); // no stack trace, no error report: the person chose to stop
    // Whatever the server did with the request in flight, it did it whole: the first row and the last are both there, or neither.
    const exists = (email: string) => sdk.clients.get(email).then(() => true, (err: { status?: number }) => (err.status === 404 ? false : Promise.reject(err)));
    let seen: boolean[] = [];
    for (let i = 0; i < 50; i++) {
      seen = [await exists("walk0@client.test"), await exists(`walk${rows - 1}@client.test`)];
      if (seen[0] === seen[1]) break;
      await new Promise((ok) => setTimeout(ok, 200));
    }
    expect(seen[0]).toBe(seen[1]);
  });
});
