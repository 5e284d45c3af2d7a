/** `tele sessions open APPOINTMENT [--print]` against a loopback stub API. */
import { describe, expect, it } from "vitest";
import { openSession, parseSessionsOpen } from "../../src/cli/commands/sessions/open.js";
import { createContext } from "../../src/cli/context.js";
import { fakeIo } from "../../src/cli/io.js";
import type { Stub } from "../sdk/stub-server.js";
import { cleanUpAfterEach, configDir, errorJson, problemReply, stubApi, tele } from "./harness.js";

const MINT = "POST /api/v1/appointments/apt_123/sign-in-link";
const link = { url: "http://tele.test/s/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde?a=apt_123", expiresAt: "2026-12-01T14:02:00.000Z" };

let stub: Stub | undefined;
cleanUpAfterEach();

describe("tele sessions open --print", () => {
  it("mints the link with the signed-in token and prints only the URL on stdout", async () => {
    stub = await stubApi({ [MINT]: { status: 201, json: link } });
    const r = await tele(["sessions", "open", "apt_123", "--print"], { stub });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${link.url}\n`);
    expect(r.stderr).toContain("works once, within 2 minutes");
    expect(stub.requests.map((q) => [q.method, q.url, q.headers.authorization])).toEqual([
      ["POST", "/api/v1/appointments/apt_123/sign-in-link", "Bearer tok_secret_value"],
    ]);
  });

  it("--json prints {url, expiresAt} and nothing else", async () => {
    stub = await stubApi({ [MINT]: { status: 201, json: { ...link, extra: "dropped" } } });
    const r = await tele(["sessions", "open", "apt_123", "--print", "--json"], { stub });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(link);
    expect(r.stderr).toBe("");
  });

  it.each([
    [403, "permission_denied", 4],
    [404, "not_found", 5],
    [401, "unauthenticated", 3],
  ])("%i %s → exit %i, nothing on stdout", async (status, code, exit) => {
    stub = await stubApi({ [MINT]: problemReply(status, code, `refused: ${code}`) });
    const r = await tele(["sessions", "open", "apt_123", "--print", "--json"], { stub });
    expect(r.code).toBe(exit);
    expect(r.stdout).toBe("");
    expect(errorJson(r.stderr).error.code).toBe(code);
  });

  it("a missing or malformed appointment id is a usage error (exit 2) and sends nothing", async () => {
    stub = await stubApi({});
    for (const argv of [["sessions", "open", "--print"], ["sessions", "open", "apt/../x", "--print"]]) {
      const r = await tele(argv, { stub });
      expect(r.code).toBe(2);
    }
    expect(stub.requests).toHaveLength(0);
  });
});

describe("tele sessions open (the browser)", () => {
  async function ctxFor(flags: Record<string, unknown>) {
    const io = fakeIo({ env: { TELE_CONFIG_DIR: configDir(), TELE_URL: stub!.url, TELE_TOKEN: "tok_secret_value" } });
    return { io, ctx: await createContext(io, flags, "sessions open") };
  }

  it("opens the minted link and confirms in one line, without printing the link", async () => {
    stub = await stubApi({ [MINT]: { status: 201, json: link } });
    const { io, ctx } = await ctxFor({});
    const opened: string[] = [];
    const args = await parseSessionsOpen(ctx, { positionals: ["apt_123"], flags: {} });
    expect(await openSession(ctx, args, async (url) => void opened.push(url))).toBe(0);
    expect(opened).toEqual([link.url]);
    expect(io.stdout).toBe("Opened the session page of appointment apt_123 in your browser.\n");
    expect(io.stdout + io.stderr).not.toContain(link.url);
  });

  it("--json says it opened; an opener that fails prints the link instead and never claims to have opened", async () => {
    stub = await stubApi({ [MINT]: { status: 201, json: link } });
    const { io, ctx } = await ctxFor({ json: true });
    await openSession(ctx, { appointmentId: "apt_123", print: false }, async () => {});
    expect(JSON.parse(io.stdout)).toEqual({ appointmentId: "apt_123", opened: true, expiresAt: link.expiresAt });
    const failing = await ctxFor({});
    const code = await openSession(failing.ctx, { appointmentId: "apt_123", print: false }, async () => {
      throw new Error("spawn xdg-open ENOENT");
    });
    expect(code).toBe(0);
    expect(failing.io.stdout).toBe(`${link.url}\n`);
    expect(failing.io.stderr).toContain("No browser was opened: spawn xdg-open ENOENT. Open the session page of appointment apt_123 with this link:\n");
    expect(failing.io.stdout + failing.io.stderr).not.toContain("Opened");
  });
});
