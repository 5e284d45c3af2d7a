import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorJson, startWorld, tele, type E2eWorld } from "../helpers/e2e.js";

/** Every exit code of cli-contract.md, from the real binary. */
describe("exit codes", () => {
  let w: E2eWorld;
  let broken: Server;
  let brokenUrl: string;
  beforeAll(async () => {
    w = await startWorld();
    // A server that fails the way a buggy one would: the CLI must say so and exit 1.
    broken = createServer((_req, res) => {
      res.writeHead(500, { "content-type": "application/problem+json" });
      res.end(JSON.stringify({ title: "Internal Server Error", status: 500, code: "internal", detail: "something went wrong" }));
    });
    await new Promise<void>((ok) => broken.listen(0, "127.0.0.1", ok));
    brokenUrl = `http://127.0.0.1:${(broken.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await w?.close();
    await new Promise((ok) => broken?.close(ok));
  });

  it("0: done", async () => {
    const r = await tele(["whoami", "--json"], w.env);
    expect(r.code).toBe(0);
    expect(r.json().staff.email).toBe("owner@maple.test");
  });

  it("1: the server's 5xx", async () => {
    const r = await tele(["staff", "list", "--json"], { ...w.env, TELE_URL: brokenUrl, TELE_TOKEN: "tele_x" });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(errorJson(r.stderr).code).toBe("internal");
  });

  it("2: unknown command, unknown flag, malformed value, missing value without a terminal", async () => {
    expect((await tele(["stafff", "list"], w.env)).code).toBe(2);
    expect((await tele(["staff", "list", "--bogus"], w.env)).code).toBe(2);
    const badEmail = await tele(["clients", "add", "--name", "X", "--email", "not-an-email", "--state", "NY", "--json"], w.env);
    expect(badEmail.code).toBe(2);
    expect(errorJson(badEmail.stderr).message).toMatch(/email/i);
    expect((await tele(["clients", "add", "--name", "X", "--email", "x@client.test", "--state", "ZZ"], w.env)).code).toBe(2);
    expect((await tele(["appointments", "create", "--therapist", "a@b.test", "--client", "c@d.test", "--start", "tomorrow", "--duration", "50"], w.env)).code).toBe(2);
    expect((await tele(["appointments", "create", "--therapist", "a@b.test", "--client", "c@d.test", "--start", "2027-01-01T10:00", "--duration", "fifty"], w.env)).code).toBe(2);
    const missing = await tele(["clients", "add", "--email", "y@client.test"], w.env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--name/);
    expect(missing.stderr).not.toMatch(/\n\s+at /); // no stack trace without --debug
  });

  it("3: not signed in, or a wrong token", async () => {
    const wrong = await tele(["staff", "list", "--json"], { ...w.env, TELE_TOKEN: "tele_wrong" });
    expect(wrong.code).toBe(3);
    expect(errorJson(wrong.stderr).code).toBe("unauthenticated");
    const none = await tele(["staff", "list"], { TELE_CONFIG_DIR: w.configDir + "-empty", TELE_URL: w.server.url });
    expect(none.code).toBe(3);
  });

  it("4: permission denied", async () => {
    await tele(["staff", "add", "--name", "Bea Biller", "--email", "bea@maple.test", "--role", "biller"], w.env);
    const token = (await tele(["staff", "token", "bea@maple.test", "--json"], w.env)).json().token;
    const r = await tele(["staff", "add", "--name", "Z", "--email", "z@maple.test", "--role", "therapist", "--json"], { ...w.env, TELE_TOKEN: token });
    expect(r.code).toBe(4);
    expect(errorJson(r.stderr).code).toBe("permission_denied");
  });

  it("5: not found", async () => {
    const r = await tele(["staff", "enable", "stf_doesnotexist", "--json"], w.env);
    expect(r.code).toBe(5);
    expect(errorJson(r.stderr).code).toBe("not_found");
    expect((await tele(["appointments", "convert", "apt_nope", "--json"], w.env)).code).toBe(5);
  });

  it("6: refused by a rule", async () => {
    await tele(["staff", "add", "--name", "Mo Manager", "--email", "mo@maple.test", "--role", "manager"], w.env);
    const r = await tele(["staff", "enable", "mo@maple.test", "--json"], w.env);
    expect(r.code).toBe(6);
    expect(errorJson(r.stderr).code).toBe("not_a_therapist");
  });

  it("7: the server cannot be reached", async () => {
    const r = await tele(["staff", "list", "--json"], { ...w.env, TELE_URL: "http://127.0.0.1:9" });
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(/reach|connect/i);
  });

  it("tele help exit-codes documents them all", async () => {
    const r = await tele(["help", "exit-codes"]);
    expect(r.code).toBe(0);
    for (const code of ["0", "1", "2", "3", "4", "5", "6", "7"]) expect(r.stdout).toMatch(new RegExp(`^\\s*${code}\\b`, "m"));
  });
});
