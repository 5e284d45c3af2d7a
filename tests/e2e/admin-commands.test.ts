/**
 * Issue 10's admin commands end to end: the real `tele` binary against the real server on a loopback
 * port over a real SQLite file, mail through a real SMTP server on loopback that can be told to refuse.
 * `tele clients archive`, `clients show` with upcoming appointments, `clients invite` for several
 * clients and selections, `tele audit list`, `tele mail show` and `tele mail retry`: each one's output
 * as the user reads it, its --json document, and its refusals with their exit codes and messages.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Tele } from "../../src/sdk/index.js";
import { errorJson, openWorldDb, startWorld, tele, type E2eWorld, type RunResult } from "../helpers/e2e.js";
import { toggleSmtp, until } from "../helpers/smtp-toggle.js";

let w: E2eWorld;
let smtp: Awaited<ReturnType<typeof toggleSmtp>>;
let sdk: Tele;
const ids: Record<string, string> = {};
const as = (args: string[], env: Record<string, string> = {}): Promise<RunResult> => tele(args, { ...w.env, ...env });
const json = async (args: string[]) => {
  const r = await as([...args, "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return r.json();
};
const inDays = (days: number, hour = 10) => {
  const d = new Date(Date.now() + days * 86_400_000);
  return `${d.toISOString().slice(0, 10)}T${String(hour).padStart(2, "0")}:00`;
};
beforeAll(async () => {
  smtp = await toggleSmtp();
  // Failed mail waits its backoff (15 minutes) instead of the harness's 100 ms: only `tele mail retry` brings it back sooner.
  w = await startWorld({ smtpUrl: smtp.url, serverEnv: { TELE_MAIL_RETRY_MS: "86400000" } });
  sdk = new Tele({ url: w.server.url, token: w.ownerToken });
  ids.owner = (await json(["whoami"])).staff.id;
  ids.tina = (await json(["staff", "add", "--name", "Tina Therapist", "--email", "tina@maple.test", "--role", "therapist"])).id;
  await json(["staff", "enable", "tina@maple.test"]);
  ids.tinaToken = (await json(["staff", "token", "tina@maple.test"])).token;
  for (const [key, name, email] of [["alice", "Alice Client", "alice@client.test"], ["bruno", "Bruno Client", "bruno@client.test"],
    ["dora", "Dora Client", "dora@client.test"], ["erin", "Erin Client", "erin@client.test"], ["fred", "Fred Client", "fred@client.test"],
    ["gina", "Gina Client", "gina@client.test"]] as const) {
    ids[key] = (await json(["clients", "add", "--name", name, "--email", email, "--state", "NY"])).id;
  }
  ids.carla = (await json(["clients", "add", "--name", "Carla NoEmail", "--state", "CA"])).id;
}, 120_000);
afterAll(async () => {
  await w?.close();
  await smtp?.close();
});

describe("tele clients archive", () => {
  it("is refused while appointments are upcoming: exit 6, how many, and the flag that goes on; --json has the ids", async () => {
    const book = (start: string, telehealth: boolean) => sdk.appointments.create({ therapist: ids.tina!, client: ids.bruno!, start, durationMinutes: 50, telehealth });
    ids.brunoTele = (await book(inDays(3), true)).id;
    ids.brunoOffice = (await book(inDays(4), false)).id;
    const r = await as(["clients", "archive", "bruno@client.test"]);
    expect(r.code).toBe(6);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `Error: client ${ids.bruno} has 2 upcoming appointments; nothing was changed. Archive with --cancel-upcoming to cancel them too (links for their sessions stop working)\n` +
        `Hint: "tele clients show ${ids.bruno}" lists them; "tele clients archive ${ids.bruno} --cancel-upcoming" cancels them and archives the client\n`,
    );
    const j = await as(["clients", "archive", ids.bruno!, "--json"]);
    expect(j.code).toBe(6);
    expect(errorJson(j.stderr)).toMatchObject({ code: "has_upcoming_appointments", details: { clientId: ids.bruno, count: 2, appointments: [ids.brunoTele, ids.brunoOffice] } });
    const noYes = await as(["clients", "archive", ids.bruno!, "--cancel-upcoming"]);
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain(`Error: archiving client ${ids.bruno} cancels 2 upcoming appointments; without a terminal that needs --yes\n`);
    expect((await json(["clients", "show", ids.bruno!])).archivedAt).toBeUndefined();
  });

  it("--cancel-upcoming --yes cancels them and their session links die; hidden from lists, shown by id; --json prints the record", async () => {
    // Bruno has a portal account, and a sign-in link into his telehealth session is waiting.
    await json(["clients", "invite", ids.bruno!]);
    const mail = await until(async () => smtp.received.find((m) => m.to === "bruno@client.test" && /\/invite\//.test(m.text)), Boolean, "Bruno's invite");
    const token = /\/invite\/([A-Za-z0-9_-]{43})/.exec(mail!.text)![1]!;
    await sdk.portal.signup({ token, password: "correct horse battery" });
    const link = (await json(["sessions", "open", ids.brunoTele!, "--print"])).url as string;
    expect((await portalSignIn("bruno@client.test")).status).toBe(303);

    const out = await json(["clients", "archive", ids.bruno!, "--cancel-upcoming", "--yes"]);
    expect(out).toMatchObject({ changed: true, cancelled: [ids.brunoTele, ids.brunoOffice], client: { id: ids.bruno, archivedAt: expect.any(String) } });
    expect(out.revokedLinks).toBeGreaterThanOrEqual(1);
    for (const id of [ids.brunoTele, ids.brunoOffice]) expect((await json(["appointments", "show", id!])).status).toBe("cancelled");
    expect((await fetch(link, { redirect: "manual" })).status).toBe(410);
    expect((await portalSignIn("bruno@client.test")).status).toBe(401); // the same answer as a wrong password
    expect((await json(["clients", "list"])).map((c: { id: string }) => c.id)).not.toContain(ids.bruno);
    expect(await json(["clients", "show", ids.bruno!])).toMatchObject({ id: ids.bruno, archivedAt: out.client.archivedAt, upcoming: [], upcomingMore: false });
    const shown = await as(["clients", "show", ids.bruno!]);
    expect(shown.stdout).toMatch(/^Archived  \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(America\/New_York\): hidden from lists, no portal, no booking$/m);
    expect(shown.stdout).toContain("\nNo upcoming appointments.\n");
  });

  it("an archived client cannot be invited or booked (exit 6, client_archived); archiving again says so", async () => {
    const inv = await as(["clients", "invite", ids.bruno!]);
    expect(inv.code).toBe(6);
    expect(inv.stderr).toBe(
      `Error: client ${ids.bruno} is archived; an archived client cannot be invited to the portal or booked\n` +
        `Hint: the client is archived (hidden from lists, history kept); "tele clients show CLIENT" shows when\n`,
    );
    const booked = await as(["appointments", "create", "--therapist", "tina@maple.test", "--client", ids.bruno!, "--start", inDays(5), "--duration", "50", "--json"]);
    expect(booked.code).toBe(6);
    expect(errorJson(booked.stderr).code).toBe("client_archived");
    const again = await as(["clients", "archive", "bruno@client.test"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^Client Bruno Client \\(${ids.bruno}\\) was already archived on \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} \\(America/New_York\\)\\.\\n$`));
  });

  it("a client with nothing upcoming is archived at once, no question asked; a therapist is refused (exit 4)", async () => {
    const denied = await as(["clients", "archive", ids.erin!], { TELE_TOKEN: ids.tinaToken! });
    expect(denied.code).toBe(4);
    expect(denied.stderr).toContain("Error: you do not have permission to do this\n");
    const r = await as(["clients", "archive", "erin@client.test"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`Archived client Erin Client (${ids.erin}): hidden from lists, history kept.\n`);
    expect(r.stderr).toBe("Their portal is closed: pending links stopped working (0 links) and they cannot sign in.\n");
  });
});

/** Signs in on the portal's form like a browser: 303 with a session, or 401 with the form again. */
async function portalSignIn(email: string): Promise<Response> {
  const form = await fetch(`${w.server.url}/p/${w.slug}`);
  const cookie = form.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? "";
  return fetch(`${w.server.url}/p/${w.slug}/sign-in`, {
    method: "POST", redirect: "manual",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: csrf, email, password: "correct horse battery" }).toString(),
  });
}

describe("tele clients show", () => {
  it("lists upcoming appointments: start in the practice's zone, the therapist's name, telehealth yes/no; past ones not", async () => {
    await sdk.appointments.create({ therapist: ids.tina!, client: ids.alice!, start: inDays(-2), durationMinutes: 50, allowPast: true });
    const tele1 = await sdk.appointments.create({ therapist: ids.tina!, client: ids.alice!, start: inDays(2, 9), durationMinutes: 50, telehealth: true });
    const office = await sdk.appointments.create({ therapist: ids.tina!, client: ids.alice!, start: inDays(6, 14), durationMinutes: 45 });
    const r = await as(["clients", "show", "alice@client.test"]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split("\n");
    const at = lines.indexOf("Upcoming appointments:");
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toMatch(/^ID\s+START \(America\/New_York\)\s+MIN\s+THERAPIST\s+TELEHEALTH$/);
    expect(lines[at + 2]).toMatch(new RegExp(`^${tele1.id}\\s+${inDays(2, 9).replace("T", " ")}\\s+50\\s+Tina Therapist \\(${ids.tina}\\)\\s+yes$`));
    expect(lines[at + 3]).toMatch(new RegExp(`^${office.id}\\s+${inDays(6, 14).replace("T", " ")}\\s+45\\s+Tina Therapist \\(${ids.tina}\\)\\s+no$`));
    expect(lines[at + 4]).toBe("");
    const j = await json(["clients", "show", ids.alice!]);
    expect(j.upcoming.map((a: { id: string }) => a.id)).toEqual([tele1.id, office.id]);
    expect(j.upcomingMore).toBe(false);
  });

  it("shows the next 20 and says there are more; --json has 20 and upcomingMore", async () => {
    for (let d = 0; d < 21; d++) await sdk.appointments.create({ therapist: ids.tina!, client: ids.carla!, start: inDays(10 + d, 16), durationMinutes: 30 });
    const r = await as(["clients", "show", ids.carla!]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("\nUpcoming appointments (the next 20):\n");
    expect(r.stderr).toContain(`More are scheduled; "tele appointments list --client ${ids.carla} --from `);
    const j = await json(["clients", "show", ids.carla!]);
    expect(j.upcoming).toHaveLength(20);
    expect(j.upcomingMore).toBe(true);
  });
});

describe("tele clients invite, several or a selection", () => {
  it("several clients: a summary of who was invited and who was skipped and why; exit 6 when any was skipped", async () => {
    const r = await as(["clients", "invite", ids.alice!, "dora@client.test", ids.carla!]);
    expect(r.code).toBe(6);
    expect(r.stdout).toBe(`Invited 2 clients; skipped 1.\n  skipped ${ids.carla}: no_email: client ${ids.carla} has no email address; add one before inviting\n`);
    const j = await as(["clients", "invite", ids.carla!, "nobody@client.test", "--json"]);
    expect(j.code).toBe(6); // two different refusals (6 and 5): a mix is 6
    expect(j.json()).toEqual({ invited: [], skipped: [
      { client: ids.carla, reason: "no_email", message: `client ${ids.carla} has no email address; add one before inviting` },
      { client: "nobody@client.test", reason: "not_found", message: "client (by email) was not found" },
    ] });
  });

  it("--not-invited picks clients with an email and no account, invite or expired invite; needs --yes without a terminal", async () => {
    const refused = await as(["clients", "invite", "--not-invited"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      "Error: this selects 2 clients to invite; without a terminal that needs --yes\n" +
        `Hint: add --yes to send them, or see who they are with "tele clients list"\n`,
    );
    const r = await json(["clients", "invite", "--not-invited", "--yes"]);
    expect(r.invited.map((i: { clientId: string }) => i.clientId).sort()).toEqual([ids.fred, ids.gina].sort());
    expect(r.skipped).toEqual([]);
    const none = await as(["clients", "invite", "--not-invited", "--yes"]);
    expect(none.code).toBe(0);
    expect(none.stderr).toBe("No clients match; nobody was invited.\n");
  });

  it("--expired picks the clients whose invite ran out unused, and sends each a fresh one", async () => {
    // Fred's invite has run out (48 hours in the database's terms), as it would two days later.
    const db = openWorldDb(w);
    db.prepare(`UPDATE links SET expires_at = ? WHERE subject_id = ? AND kind = 'portal_invite'`).run(Date.now() - 1000, ids.fred);
    db.close();
    const fred = await json(["clients", "show", ids.fred!]);
    expect(fred.portal).toEqual({ status: "none", inviteExpiredAt: expect.any(String) });
    const r = await as(["clients", "invite", "--expired", "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("Invited 1 client; skipped 0.\n");
    expect((await json(["clients", "show", ids.fred!])).portal.status).toBe("invited");
  });
});

describe("tele audit list", () => {
  it("shows time in the practice's zone, the actor's name beside the id, the action and the record", async () => {
    const r = await as(["audit", "list", "--record", ids.bruno!, "--action", "client.archive"]);
    expect(r.code, r.stderr).toBe(0);
    const [head, row, end] = r.stdout.split("\n");
    expect(head).toMatch(/^TIME \(America\/New_York\)\s+ACTOR\s+ACTION\s+RECORD$/);
    expect(row).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}\\s+Olive Owner \\(${ids.owner}\\)\\s+client\\.archive\\s+client ${ids.bruno}$`));
    expect(end).toBe("");
  });

  it("--actor (id or email), --since and --limit filter on the server; --json prints the entries", async () => {
    const since = new Date(Date.now() - 60_000).toISOString();
    expect((await as(["clients", "show", ids.alice!], { TELE_TOKEN: ids.tinaToken! })).code).toBe(0); // her read of her client, audited
    const mine = await json(["audit", "list", "--actor", "tina@maple.test", "--since", since]);
    expect(mine.map((e: { action: string; recordId: string }) => [e.action, e.recordId])).toContainEqual(["client.read", ids.alice]);
    for (const e of mine) expect(e).toMatchObject({ actorType: "staff", actorId: ids.tina });
    for (const e of mine) expect(Date.parse(e.at)).toBeGreaterThanOrEqual(Date.parse(since));
    const owner = await json(["audit", "list", "--actor", ids.owner!, "--limit", "3"]);
    expect(owner).toHaveLength(3);
    expect(owner.every((e: { actorId: string }) => e.actorId === ids.owner)).toBe(true);
    expect(await json(["audit", "list", "--since", new Date(Date.now() + 3600_000).toISOString()])).toEqual([]);
  });

  it("refuses a bad --since (exit 2), an unknown actor (exit 5) and a therapist (exit 4)", async () => {
    const bad = await as(["audit", "list", "--since", "yesterday"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Error: --since must be an ISO 8601 date or date-time, such as 2026-12-01 or 2026-12-01T15:00\n");
    const nobody = await as(["audit", "list", "--actor", "nobody@maple.test"]);
    expect(nobody.code).toBe(5);
    expect(nobody.stderr).toContain("Error: staff member (by email) was not found\n");
    const denied = await as(["audit", "list"], { TELE_TOKEN: ids.tinaToken! });
    expect(denied.code).toBe(4);
    expect(denied.stderr).toContain("Error: you do not have permission to do this\n");
  });
});

describe("tele mail show / retry", () => {
  const mailTo = async (to: string) => (await json(["mail", "list", "--to", to]))[0] as { id: string; status: string; attempts: number };

  it("a failed mail: show prints the headers and the text with its link whole; retry tries again now and says how it went", async () => {
    smtp.state.refuse = true;
    try {
      await refusedThenRetried();
    } finally {
      smtp.state.refuse = false;
    }
  });

  async function refusedThenRetried() {
    await json(["clients", "invite", ids.gina!]); // a fresh invite: the earlier one stops working
    const failed = await until(() => mailTo("gina@client.test"), (m) => m.status === "failed", "the refused delivery");
    const shown = await as(["mail", "show", failed.id]);
    expect(shown.code, shown.stderr).toBe(0);
    const gap = shown.stdout.indexOf("\n\n");
    const [headers, body] = [shown.stdout.slice(0, gap), shown.stdout.slice(gap + 2)];
    expect(headers).toMatch(new RegExp(`^ID: +${failed.id}\nTo: +gina@client.test\nSubject: +Your Maple Therapy client portal invitation\nStatus: +failed\nAttempts: +1\n` +
      `Created: +\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} \\(America/New_York\\)\nNext try: +.+\nLast error: +.*mailbox full, try again later`));
    const link = body!.split("\n").find((l) => l.includes("/invite/"))!;
    expect(link).toMatch(new RegExp(`^${w.server.url.replace("127.0.0.1", "(?:127\\.0\\.0\\.1|localhost)")}/p/${w.slug}/invite/[A-Za-z0-9_-]{43}$`));
    expect((await json(["mail", "show", failed.id])).text).toContain(link);

    const again = await as(["mail", "retry", failed.id]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^Mail ${failed.id} failed again: .*mailbox full, try again later; next try .+ \\(America/New_York\\)\\.\\n$`));
    smtp.state.refuse = false;
    const sent = await json(["mail", "retry", failed.id]);
    expect(sent).toMatchObject({ id: failed.id, status: "sent", attempts: 3 });
    const delivered = await until(async () => smtp.received.find((m) => m.to === "gina@client.test" && m.text.includes(link)), Boolean, "the retried mail");
    expect(delivered!.text).toContain(link);
  }

  it("a sent mail: show says its body was removed; retry is refused (exit 6); an unknown id is exit 5", async () => {
    const sent = await until(() => mailTo("gina@client.test"), (m) => m.status === "sent", "the sent mail");
    const shown = await as(["mail", "show", sent.id]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/^Sent: +\d{4}-\d{2}-\d{2} \d{2}:\d{2} \(America\/New_York\)$/m);
    expect(shown.stdout.endsWith("\n\n(body removed after delivery: mail can hold single-use links, so its text is not kept once sent)\n")).toBe(true);
    expect((await json(["mail", "show", sent.id])).text).toBeNull();
    const retry = await as(["mail", "retry", sent.id]);
    expect(retry.code).toBe(6);
    expect(retry.stderr).toMatch(new RegExp(`^Error: mail ${sent.id} was already sent at \\S+; there is nothing to retry\nHint: it went out; "tele mail show ID" shows when\n$`));
    const missing = await as(["mail", "show", "mail_nope"]);
    expect(missing.code).toBe(5);
    expect(missing.stderr).toBe(`Error: mail mail_nope was not found\nHint: "tele mail list" shows what exists\n`);
    const denied = await as(["mail", "show", sent.id], { TELE_TOKEN: ids.tinaToken! });
    expect(denied.code).toBe(4);
  });
});
