/**
 * Saved sign-ins through the real binary (issue 10): `tele logout` revokes the token on a real
 * server and forgets it, naming the profile; `tele profiles` lists what exists; `tele init` and
 * `tele demo` never replace a profile behind the user's back.
 */
import type { ChildProcess } from "node:child_process";
import { connect, createServer, type AddressInfo, type Socket } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorJson, exited, startTele, startWorld, tele, tempDir, type E2eWorld } from "../helpers/e2e.js";

describe("tele profiles, tele logout, and no silent overwrite", () => {
  let w: E2eWorld;
  /** The config dir holds a profile "default" for the owner (saved by init) and "ops" saved by login. */
  let config: Record<string, string>;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    w = await startWorld();
    config = { TELE_CONFIG_DIR: w.configDir };
    // init saved "default" for the server's usual URL; point it at the running server.
    const login = await tele(["login", "--url", w.server.url, "--token", w.ownerToken], config);
    expect(login.code, login.stderr).toBe(0);
  });
  afterAll(async () => {
    for (const c of children) c.kill("SIGKILL");
    await w?.close();
  });

  it("tele profiles lists each profile, its server and which is the default; --json never shows a token", async () => {
    const minted = await tele(["staff", "token", "owner@maple.test", "--json"], w.env);
    expect((await tele(["login", "--profile", "ops", "--url", w.server.url, "--token", minted.json().token], config)).code).toBe(0);
    const human = await tele(["profiles"], config);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`^PROFILE +SERVER +DEFAULT\\ndefault +${w.server.url} +yes \\(used without --profile\\)\\nops +${w.server.url}\\n$`));
    const json = await tele(["profiles", "--json"], config);
    expect(json.json()).toEqual([{ name: "default", url: w.server.url, default: true }, { name: "ops", url: w.server.url, default: false }]);
    expect(json.stdout).not.toContain(minted.json().token);
  });

  it("tele logout --profile ops revokes the token on the server, forgets it, and says which profile", async () => {
    const token = (await tele(["staff", "token", "owner@maple.test", "--json"], w.env)).json().token;
    expect((await tele(["login", "--profile", "gone", "--url", w.server.url, "--token", token], config)).code).toBe(0);
    const out = await tele(["logout", "--profile", "gone"], config);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toBe(`Signed out of profile "gone" (${w.server.url}): removed from this computer; its token is revoked on the server.\n`);
    // The token itself is dead on the server, not only forgotten here.
    const after = await tele(["whoami", "--json"], { TELE_URL: w.server.url, TELE_TOKEN: token });
    expect(after.code).toBe(3);
    expect((await tele(["profiles", "--json"], config)).json().map((p: { name: string }) => p.name)).not.toContain("gone");
    const again = await tele(["logout", "--profile", "gone"], config);
    expect(again.code).toBe(5);
    expect(again.stderr).toBe(`Error: profile "gone" not found: nothing to sign out of\nHint: "tele profiles" lists the saved profiles\n`);
  });

  it("tele logout with the server out of reach still forgets the profile and says the token was NOT revoked", async () => {
    const token = (await tele(["staff", "token", "owner@maple.test", "--json"], w.env)).json().token;
    // The profile names a relay in front of the real server; closing the relay makes its server unreachable.
    const sockets: Socket[] = [];
    const relay = createServer((socket) => {
      sockets.push(socket);
      const upstream = connect(Number(new URL(w.server.url).port), "127.0.0.1");
      socket.pipe(upstream).pipe(socket);
      socket.on("error", () => upstream.destroy());
      upstream.on("error", () => socket.destroy());
    });
    await new Promise<void>((ok) => relay.listen(0, "127.0.0.1", ok));
    const relayUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;
    const dir = tempDir("tele-cfg-");
    expect((await tele(["login", "--url", relayUrl, "--token", token], { TELE_CONFIG_DIR: dir })).code).toBe(0);
    for (const s of sockets) s.destroy();
    await new Promise((ok) => relay.close(ok));
    const out = await tele(["logout"], { TELE_CONFIG_DIR: dir });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toBe(`Signed out of profile "default" (${relayUrl}): removed from this computer; the server could not be reached, so its token was NOT revoked there.\n`);
    expect(out.stderr).toContain(`"tele staff tokens revoke TOKEN-ID"`);
    expect((await tele(["profiles", "--json"], { TELE_CONFIG_DIR: dir })).json()).toEqual([]);
    // Honest: the token does still work on the server.
    expect((await tele(["whoami"], { TELE_URL: w.server.url, TELE_TOKEN: token })).code).toBe(0);
  });

  it("tele init refuses to replace a profile without --force (exit 2, before creating anything), and --force replaces it", async () => {
    const dataDir = join(tempDir(), "data");
    const args = ["init", "--practice", "Birch Therapy", "--state", "NJ", "--timezone", "America/New_York", "--owner-name", "Bea Owner",
      "--owner-email", "bea@birch.test", "--data-dir", dataDir];
    const refused = await tele(args, config);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toBe(
      `Error: profile "default" already exists (signed in to ${w.server.url}); tele init does not replace it without --force\n` +
        `Hint: add --force to replace it, or --profile NAME to save the new owner under another name ("tele profiles" lists them)\n`,
    );
    const json = await tele([...args, "--json"], config);
    expect(json.stderr.split("\n")).toHaveLength(2);
    expect(errorJson(json.stderr).code).toBe("profile_exists");
    expect((await tele(["whoami", "--json"], config)).json().practice.name).toBe("Maple Therapy");
    const other = await tele([...args, "--profile", "birch", "--json"], config);
    expect(other.code, other.stderr).toBe(0);
    expect((await tele(["profiles", "--json"], config)).json().map((p: { name: string }) => p.name)).toContain("birch");
    const again = await tele([...args.slice(0, -2), "--data-dir", join(tempDir(), "data"), "--force", "--json"], config);
    expect(again.code, again.stderr).toBe(0);
    const profiles = (await tele(["profiles", "--json"], config)).json();
    expect(profiles.find((p: { name: string }) => p.name === "default").url).toBe("http://127.0.0.1:4700");
  });

  it("tele demo saves its own profile: demo, then demo-2, never replacing one", async () => {
    const dir = tempDir("tele-cfg-");
    const env = { TELE_CONFIG_DIR: dir, TELE_LOG_LEVEL: "silent" };
    const first = await startTele(["demo", "--port", "0", "--json"], env);
    children.push(first.child);
    const one = JSON.parse(first.firstLine);
    expect(one.profile).toBe("demo");
    const second = await startTele(["demo", "--port", "0"], env, "Press Ctrl-C");
    children.push(second.child);
    expect(second.stdout()).toContain('in profile "demo-2"\n');
    expect(second.stdout()).toContain("npx tele whoami --profile demo-2\n");
    const profiles = (await tele(["profiles", "--json"], { TELE_CONFIG_DIR: dir })).json();
    const byName = Object.fromEntries(profiles.map((p: { name: string; url: string }) => [p.name, p.url]));
    expect(byName.demo).toBe(one.url);
    expect(byName.default).toBe(one.url); // saved by the first demo, when there was no default; the second left it alone
    expect(byName["demo-2"]).not.toBe(one.url);
    for (const demo of [first, second]) {
      const done = exited(demo.child);
      demo.child.kill("SIGINT");
      expect(await done).toBe(0);
    }
  });
});
