/**
 * Cutting someone off, through the real `tele` binary against the real server on a real SQLite
 * file (issue 8): after `tele staff deactivate` the old token gets exit 3, the browser session is
 * signed out, and an unused sign-in link answers 410; `tele staff tokens` lists and revokes; a
 * sign-in link into a completed session is refused with exit 6.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorJson, startWorld, tele, type E2eWorld } from "../helpers/e2e.js";

let w: E2eWorld;
let as: (args: string[], env?: Record<string, string>) => ReturnType<typeof tele>;
const ids: Record<string, string> = {};

/** Follows a single-use sign-in link like a browser: returns the session cookie it sets and where it lands. */
async function signInWith(url: string): Promise<{ status: number; cookie?: string; location?: string }> {
  const res = await fetch(url, { redirect: "manual" });
  const set = res.headers.getSetCookie().find((c) => c.startsWith("tele_session="));
  return { status: res.status, cookie: set?.split(";")[0], location: res.headers.get("location") ?? undefined };
}

const page = (path: string, cookie: string) => fetch(`${w.server.url}${path}`, { redirect: "manual", headers: { cookie } });

beforeAll(async () => {
  w = await startWorld();
  as = (args, env = {}) => tele(args, { ...w.env, ...env });
  const json = async (args: string[]) => {
    const r = await as([...args, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    return r.json();
  };
  ids.tina = (await json(["staff", "add", "--name", "Tina Therapist", "--email", "tina@maple.test", "--role", "therapist"])).id;
  ids.max = (await json(["staff", "add", "--name", "Max Manager", "--email", "max@maple.test", "--role", "manager"])).id;
  ids.alice = (await json(["clients", "add", "--name", "Alice Client", "--email", "alice@client.test", "--state", "NY"])).id;
  await json(["staff", "enable", "tina@maple.test"]);
  const tok = await json(["staff", "token", "tina@maple.test"]);
  ids.tinaToken = tok.token;
  ids.tinaTokenId = tok.id;
  ids.maxToken = (await json(["staff", "token", "max@maple.test"])).token;
  // Ten minutes from now: the join window (15 minutes before the start) is open.
  const start = new Date(Date.now() + 10 * 60_000).toISOString();
  ids.apt = (await json(["appointments", "create", "--therapist", "tina@maple.test", "--client", "alice@client.test", "--start", start, "--duration", "50", "--telehealth"])).id;
}, 120_000);
afterAll(() => w?.close());

describe("tele staff deactivate / tokens against a real server", () => {
  it("lists tokens by id without the token; after deactivation the token exits 3, the browser is signed out, links answer 410", async () => {
    const listed = await as(["staff", "tokens", "list", "tina@maple.test", "--json"]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.json()).toEqual([expect.objectContaining({ id: ids.tinaTokenId, staffId: ids.tina, active: true, revokedAt: null })]);
    expect(listed.stdout).not.toContain(ids.tinaToken);

    const asTina = { TELE_TOKEN: ids.tinaToken! };
    expect((await as(["whoami"], asTina)).code).toBe(0);
    const first = await as(["sessions", "open", ids.apt!, "--print", "--json"], asTina);
    expect(first.code, first.stderr).toBe(0);
    const browser = await signInWith(first.json().url);
    expect(browser.status).toBe(303);
    const sessionPath = `/p/${w.slug}/appointments/${ids.apt}/session`;
    expect((await page(sessionPath, browser.cookie!)).status).toBe(200);
    const unused = (await as(["sessions", "open", ids.apt!, "--print", "--json"], asTina)).json().url;

    const cut = await as(["staff", "deactivate", "tina@maple.test", "--json"]);
    expect(cut.code, cut.stderr).toBe(0);
    expect(cut.json()).toMatchObject({ changed: true, staff: { id: ids.tina, active: false }, revokedTokens: [ids.tinaTokenId], endedWebSessions: 1, revokedLinks: 2 });

    const whoami = await as(["whoami", "--json"], asTina);
    expect(whoami.code).toBe(3);
    expect(errorJson(whoami.stderr).code).toBe("unauthenticated");
    expect((await page(sessionPath, browser.cookie!)).status).toBe(303);
    expect((await page(`/p/${w.slug}/staff`, browser.cookie!)).headers.get("location")).toBe(`/p/${w.slug}/staff/sign-in`);
    expect((await signInWith(unused)).status).toBe(410);

    const list = await as(["staff", "list", "--json"]);
    expect(list.json().find((s: { id: string }) => s.id === ids.tina)).toMatchObject({ active: false });
    const show = await as(["staff", "show", "tina@maple.test"]);
    expect(show.stdout).toMatch(/Status\s+deactivated/);
    expect((await as(["staff", "token", "tina@maple.test", "--json"])).code).toBe(6);
  }, 240_000);

  it("refuses the last owner with exit 6 and last_owner; a manager cannot deactivate the owner (exit 4)", async () => {
    const last = await as(["staff", "deactivate", "owner@maple.test", "--json"]);
    expect(last.code).toBe(6);
    expect(errorJson(last.stderr).code).toBe("last_owner");
    expect((await as(["staff", "deactivate", "owner@maple.test"], { TELE_TOKEN: ids.maxToken! })).code).toBe(4);
    expect((await as(["whoami"])).code).toBe(0);
  }, 240_000);

  it("tele staff tokens revoke TOKEN-ID: that token exits 3 at once, the staff member's other tokens keep working", async () => {
    const spare = (await as(["staff", "token", "max@maple.test", "--json"])).json();
    const revoke = await as(["staff", "tokens", "revoke", spare.id, "--json"]);
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(revoke.json()).toMatchObject({ changed: true, token: { id: spare.id, active: false } });
    expect((await as(["whoami"], { TELE_TOKEN: spare.token })).code).toBe(3);
    expect((await as(["whoami"], { TELE_TOKEN: ids.maxToken! })).code).toBe(0);
    const human = await as(["staff", "tokens", "list", "max@maple.test"]);
    expect(human.stdout).toMatch(/ID\s+CREATED\s+LAST USED\s+STATUS/);
    expect(human.stdout).toContain("revoked");
  }, 240_000);

  it("tele sessions open for a session that has completed exits 6 with session_completed", async () => {
    const link = (await as(["sessions", "open", ids.apt!, "--print", "--json"])).json().url;
    const owner = await signInWith(link);
    const html = await (await page(`/p/${w.slug}/appointments/${ids.apt}/session`, owner.cookie!)).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const end = await fetch(`${w.server.url}/p/${w.slug}/appointments/${ids.apt}/session/end`, {
      method: "POST", headers: { cookie: owner.cookie!, "x-csrf-token": csrf },
    });
    expect(end.status).toBe(200);
    const again = await as(["sessions", "open", ids.apt!, "--print", "--json"]);
    expect(again.code).toBe(6);
    expect(errorJson(again.stderr).code).toBe("session_completed");
  }, 240_000);
});
