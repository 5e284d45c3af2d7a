/**
 * Cancel, reschedule and set-status through the real `tele` binary against the real server on a
 * real SQLite file, with a real SMTP server for the join link (R22, R24; issue 11): cancelling
 * kills the sign-in link, the join link and the open session page's stream (which is told first);
 * rescheduling keeps the id and the session page address, revokes outstanding links, and refuses
 * a joined session and past, completed or cancelled appointments with exit 6.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorJson, startSmtp, startWorld, tele, type E2eWorld } from "../helpers/e2e.js";
import { events } from "../helpers/sse.js";

let w: E2eWorld;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let as: (args: string[], env?: Record<string, string>) => ReturnType<typeof tele>;
const ids: Record<string, string> = {};
const MIN = 60_000;

async function json(args: string[], env: Record<string, string> = {}) {
  const r = await as([...args, "--json"], env);
  expect(r.code, r.stderr).toBe(0);
  return r.json();
}

/** Follows a single-use sign-in link like a browser: the session cookie it sets and where it lands. */
async function signInWith(url: string): Promise<{ status: number; cookie?: string; location?: string }> {
  const res = await fetch(url, { redirect: "manual" });
  const set = res.headers.getSetCookie().find((c) => c.startsWith("tele_session="));
  return { status: res.status, cookie: set?.split(";")[0], location: res.headers.get("location") ?? undefined };
}

const sessionPath = (id: string) => `/p/${w.slug}/appointments/${id}/session`;
const at = (ms: number) => new Date(Date.now() + ms).toISOString();
const book = async (start: string, extra: string[] = []) =>
  (await json(["appointments", "create", "--therapist", "tina@maple.test", "--client", "alice@client.test", "--start", start, "--duration", "30", "--telehealth", "--allow-overlap", ...extra])).id as string;

/** Signs in as the owner through `tele sessions open --print` and opens the session page's event stream (the provider is present). */
async function openAsProvider(id: string) {
  const browser = await signInWith((await json(["sessions", "open", id, "--print"])).url);
  expect(browser.location).toBe(sessionPath(id));
  const res = await fetch(`${w.server.url}${sessionPath(id)}/events`, { headers: { cookie: browser.cookie!, accept: "text/event-stream" } });
  expect(res.status).toBe(200);
  return { cookie: browser.cookie!, stream: events(res) };
}

beforeAll(async () => {
  smtp = await startSmtp();
  w = await startWorld({ smtpUrl: smtp.url });
  as = (args, env = {}) => tele(args, { ...w.env, ...env });
  await json(["staff", "add", "--name", "Tina Therapist", "--email", "tina@maple.test", "--role", "therapist"]);
  await json(["clients", "add", "--name", "Alice Client", "--email", "alice@client.test", "--state", "NY"]);
  await json(["staff", "enable", "tina@maple.test"]);
  ids.tinaToken = (await json(["staff", "token", "tina@maple.test"])).token;
}, 120_000);
afterAll(async () => {
  await w?.close();
  await smtp?.close();
});

describe("tele appointments cancel", () => {
  it("kills the sign-in link and the join link, and the open session page is told before its stream ends", async () => {
    const id = await book(at(10 * MIN)); // its join window is open
    const unused = (await json(["sessions", "open", id, "--print"])).url;
    const { cookie, stream } = await openAsProvider(id);
    await stream.next((e) => e.state === "waiting" && e.present.provider);
    const mail = await smtp.waitFor((m) => m.to === "alice@client.test" && m.text.includes("/j/"));
    const joinUrl = /(http\S+\/j\/[A-Za-z0-9_-]{43})/.exec(mail.text)![1]!.replace(/^https?:\/\/[^/]+/, w.server.url);
    expect((await fetch(joinUrl, { redirect: "manual" })).status).toBe(303); // works (sign in first) before the cancel

    const out = await as(["appointments", "cancel", id, "--reason", "client asked to stop", "--json"]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.json()).toMatchObject({ id, status: "cancelled", cancelReason: "client asked to stop", session: { state: "cancelled" } });
    expect(await stream.next((e) => e.state === "cancelled")).toMatchObject({ present: { provider: false, client: false } });
    expect(await stream.closed()).toBe(true);

    expect((await signInWith(unused)).status).toBe(410);
    expect((await fetch(joinUrl, { redirect: "manual" })).status).toBe(410);
    const reopen = await as(["sessions", "open", id, "--print", "--json"]);
    expect(reopen.code).toBe(6);
    const html = await (await fetch(`${w.server.url}${sessionPath(id)}`, { headers: { cookie } })).text();
    expect(html).toContain("This appointment was cancelled.");
    expect(html).not.toContain("data-session-events");

    const again = await as(["appointments", "cancel", id, "--json"]);
    expect(again.code).toBe(6);
    expect(errorJson(again.stderr).code).toBe("already_cancelled");
    const shown = await json(["appointments", "show", id]);
    expect(shown).toMatchObject({ status: "cancelled", cancelReason: "client asked to stop" });
  }, 240_000);

  it("several ids: without a terminal they need --yes (exit 2, nothing cancelled); with it each is cancelled, --json an array", async () => {
    const a = await book(at(3 * 24 * 60 * MIN));
    const b = await book(at(3 * 24 * 60 * MIN + 60 * MIN));
    const refused = await as(["appointments", "cancel", a, b]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--yes");
    expect((await json(["appointments", "show", a])).status).toBe("scheduled");
    const done = await as(["appointments", "cancel", a, b, "--yes", "--no-notify", "--json"]);
    expect(done.code, done.stderr).toBe(0);
    expect(done.json().map((x: { id: string; status: string }) => [x.id, x.status])).toEqual([[a, "cancelled"], [b, "cancelled"]]);
    const human = await as(["appointments", "cancel", a]);
    expect(human.code).toBe(6);
  }, 240_000);
});

describe("tele appointments reschedule", () => {
  it("keeps the id and the session page address, revokes outstanding links, prints the practice's time zone", async () => {
    const id = await book(at(2 * 24 * 60 * MIN));
    const old = (await json(["sessions", "open", id, "--print"])).url;
    const human = await as(["appointments", "reschedule", id, "--start", "2031-03-04T15:30", "--duration", "45"]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(`Rescheduled ${id}: 2031-03-04 15:30 (America/New_York), 45 min`);
    expect((await signInWith(old)).status).toBe(410);
    const moved = await json(["appointments", "show", id]);
    expect(moved).toMatchObject({ id, start: "2031-03-04T20:30:00.000Z", end: "2031-03-04T21:15:00.000Z", status: "scheduled" });
    const fresh = await signInWith((await json(["sessions", "open", id, "--print"])).url);
    expect(fresh.location).toBe(sessionPath(id));
    const again = await json(["appointments", "reschedule", id, "--start", "2031-03-05T09:00"]);
    expect(again).toMatchObject({ id, start: "2031-03-05T14:00:00.000Z", end: "2031-03-05T14:45:00.000Z" });
  }, 240_000);

  it("refuses a joined session, and past, completed and cancelled appointments: exit 6, not_reschedulable", async () => {
    const to = ["--start", "2031-04-01T10:00"];
    const joined = await book(at(12 * MIN));
    const { stream } = await openAsProvider(joined);
    await stream.next((e) => e.state === "waiting");
    const past = await book(at(-2 * 24 * 60 * MIN), ["--allow-past"]);
    const done = await book(at(5 * 24 * 60 * MIN));
    const setDone = await as(["appointments", "set-status", done, "completed", "--json"]);
    expect(setDone.code, setDone.stderr).toBe(0);
    const gone = await book(at(6 * 24 * 60 * MIN));
    await json(["appointments", "cancel", gone]);
    for (const id of [joined, past, done, gone]) {
      const r = await as(["appointments", "reschedule", id, ...to, "--json"]);
      expect(r.code, `${id}: ${r.stderr}`).toBe(6);
      expect(errorJson(r.stderr).code).toBe("not_reschedulable");
    }
    await stream.cancel();
  }, 240_000);
});

describe("tele appointments set-status", () => {
  it("is for owners and managers (a therapist exits 4); the same status again exits 6", async () => {
    const id = await book(at(-3 * 24 * 60 * MIN), ["--allow-past"]);
    expect((await as(["appointments", "set-status", id, "no_show"], { TELE_TOKEN: ids.tinaToken! })).code).toBe(4);
    const human = await as(["appointments", "set-status", id, "no_show"]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain("no_show");
    const same = await as(["appointments", "set-status", id, "no_show", "--json"]);
    expect(same.code).toBe(6);
    expect(errorJson(same.stderr).code).toBe("status_unchanged");
    expect((await as(["appointments", "set-status", id, "lost"])).code).toBe(2);
  }, 240_000);
});
