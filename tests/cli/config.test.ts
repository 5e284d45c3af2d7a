import { statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readProfile, resolveConnection, saveProfile } from "../../src/cli/config.js";
import type { Stub } from "../sdk/stub-server.js";
import { staffAna, whoami, page } from "../sdk/fixtures.js";
import { cleanUpAfterEach, configDir, problemReply, stubApi, tele } from "./harness.js";

let stub: Stub | undefined;
cleanUpAfterEach();

describe("tele login and whoami", () => {
  it("checks the token with /api/v1/me, then saves the profile with mode 0600", async () => {
    stub = await stubApi({ "GET /api/v1/me": { json: whoami } });
    const dir = configDir();
    const r = await tele(["login", "--url", `${stub.url}/`, "--token", "tok_login", "--profile", "work"], { env: { TELE_CONFIG_DIR: dir } });
    expect(r.code).toBe(0);
    expect(stub.requests[0].headers.authorization).toBe("Bearer tok_login");
    expect(r.stdout).toContain('Signed in to Harbor Therapy as Ola Berg <ola@example.com> (owner); saved as profile "work".');
    const saved = await readProfile({ TELE_CONFIG_DIR: dir }, "work");
    expect(saved).toEqual({ url: stub.url, token: "tok_login" });
    expect(statSync(`${dir}/credentials.json`).mode & 0o777).toBe(0o600);

    const who = await tele(["whoami", "--profile", "work", "--json"], { env: { TELE_CONFIG_DIR: dir } });
    expect(who.code).toBe(0);
    expect(JSON.parse(who.stdout)).toEqual(whoami);
  });

  it("saves nothing when the token is refused (exit 3)", async () => {
    stub = await stubApi({ "GET /api/v1/me": problemReply(401, "unauthenticated", "the token is not valid") });
    const dir = configDir();
    const r = await tele(["login", "--url", stub.url, "--token", "bad"], { env: { TELE_CONFIG_DIR: dir } });
    expect(r.code).toBe(3);
    expect(await readProfile({ TELE_CONFIG_DIR: dir }, "default")).toBeUndefined();
  });

  it("a server URL without http(s):// is a usage error (exit 2) naming where it came from, before any request", async () => {
    const flag = await tele(["staff", "list", "--url", "localhost:8080", "--token", "t"], { env: { TELE_CONFIG_DIR: configDir() } });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("Error: --url must be an http(s) URL, such as http://127.0.0.1:8080");
    const env = await tele(["staff", "list"], { env: { TELE_CONFIG_DIR: configDir(), TELE_URL: "localhost:8080", TELE_TOKEN: "t" } });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain("Error: TELE_URL must be an http(s) URL");
  });

  it("without a terminal, a missing token is a usage error", async () => {
    const r = await tele(["login", "--url", "http://127.0.0.1:1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Error: missing --token");
  });

  it("on a terminal, asks for what is missing", async () => {
    stub = await stubApi({ "GET /api/v1/me": { json: whoami } });
    const r = await tele(["login"], { tty: true, answers: [stub.url, "tok_typed"] });
    expect(r.code).toBe(0);
    expect(r.io.questions).toEqual(["tele server URL", "API token"]);
    expect(stub.requests[0].headers.authorization).toBe("Bearer tok_typed");
  });

  it("a bad profile name is a usage error", async () => {
    const r = await tele(["whoami", "--profile", "../etc"]);
    expect(r.code).toBe(2);
  });
});

describe("connection precedence", () => {
  it("flags, then environment, then the profile", async () => {
    const env = { TELE_CONFIG_DIR: configDir() };
    await saveProfile(env, "default", { url: "http://profile.example", token: "tok_profile" });
    expect(await resolveConnection(env, {})).toMatchObject({ url: "http://profile.example", token: "tok_profile", urlSource: "profile" });
    const withEnv = { ...env, TELE_URL: "http://env.example", TELE_TOKEN: "tok_env" };
    expect(await resolveConnection(withEnv, {})).toMatchObject({ url: "http://env.example", token: "tok_env", urlSource: "env" });
    expect(await resolveConnection(withEnv, { url: "http://flag.example", token: "tok_flag" })).toMatchObject({ url: "http://flag.example", token: "tok_flag" });
  });

  it("never sends a profile's token to another server", async () => {
    const env = { TELE_CONFIG_DIR: configDir() };
    await saveProfile(env, "default", { url: "http://profile.example", token: "tok_profile" });
    const elsewhere = await resolveConnection(env, { url: "http://other.example" });
    expect(elsewhere.token).toBeUndefined();
    const same = await resolveConnection(env, { url: "http://profile.example/" });
    expect(same.token).toBe("tok_profile");
  });

  it("the CLI uses the saved profile when nothing else is given", async () => {
    stub = await stubApi({ "GET /api/v1/staff": { json: page([staffAna]) } });
    const dir = configDir();
    await saveProfile({ TELE_CONFIG_DIR: dir }, "default", { url: stub.url, token: "tok_saved" });
    const r = await tele(["staff", "list", "--json"], { env: { TELE_CONFIG_DIR: dir } });
    expect(r.code).toBe(0);
    expect(stub.requests[0].headers.authorization).toBe("Bearer tok_saved");
  });
});
