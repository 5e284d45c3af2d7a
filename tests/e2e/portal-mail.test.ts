import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Tele } from "../../src/sdk/index.js";
import { errorJson, startSmtp, startWorld, tele, type E2eWorld } from "../helpers/e2e.js";

type Smtp = Awaited<ReturnType<typeof startSmtp>>;

/** R10, R11, R20 through the binary, with mail delivered to a real SMTP server on loopback. */
describe("portal invites by email", () => {
  let w: E2eWorld;
  let smtp: Smtp;
  let sdk: Tele;
  beforeAll(async () => {
    smtp = await startSmtp();
    w = await startWorld({ smtpUrl: smtp.url });
    sdk = new Tele({ url: w.server.url, token: w.ownerToken });
  });
  afterAll(async () => {
    await w?.close();
    await smtp?.close();
  });

  const linkIn = (text: string, kind: "invite" | "reset") => {
    const m = new RegExp(`(http://\\S+/p/${w.slug}/${kind}/([A-Za-z0-9_-]+))`).exec(text);
    if (!m) throw new Error(`no ${kind} link in the mail`);
    return { url: m[1]!, token: m[2]! };
  };

  it("R10: the invite arrives over SMTP with a single-use link; a new invite revokes the old link", async () => {
    const added = await tele(["clients", "add", "--name", "Dana Client", "--email", "dana@client.test", "--state", "NJ", "--json"], w.env);
    expect(added.code, added.stderr).toBe(0);
    const first = await tele(["clients", "invite", "dana@client.test", "--json"], w.env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.json()).toMatchObject({ kind: "invite" });
    const mail1 = await smtp.waitFor((m) => m.to === "dana@client.test");
    const link1 = linkIn(mail1.text, "invite");
    const shown = (await tele(["clients", "show", "dana@client.test", "--json"], w.env)).json();
    expect(shown.portal.status).toBe("invited");
    expect(Date.parse(shown.portal.inviteExpiresAt) - Date.now()).toBeGreaterThan(47.9 * 3600_000);

    const second = await tele(["clients", "invite", "dana@client.test", "--json"], w.env);
    expect(second.code).toBe(0);
    await smtp.waitFor((m) => m.to === "dana@client.test" && m.text.includes("/invite/") && !m.text.includes(link1.token));
    const mails = smtp.received.filter((m) => m.to === "dana@client.test");
    const link2 = linkIn(mails[mails.length - 1]!.text, "invite");
    await expect(sdk.portal.signup({ token: link1.token, password: "correct horse battery" })).rejects.toMatchObject({ code: "link_invalid" });
    const account = await sdk.portal.signup({ token: link2.token, password: "correct horse battery" });
    expect(account).toMatchObject({ clientId: added.json().id, status: "active" });
    await expect(sdk.portal.signup({ token: link2.token, password: "another good password" })).rejects.toMatchObject({ code: "link_invalid" });
    expect((await tele(["clients", "show", "dana@client.test", "--json"], w.env)).json().portal.status).toBe("active");

    const list = (await tele(["mail", "list", "--to", "dana@client.test", "--json"], w.env)).json();
    expect(list).toHaveLength(2);
    expect(list.every((m: { status: string; sentAt?: string }) => m.status === "sent" && m.sentAt)).toBe(true);
  });

  it("R11: a client who already has an account gets a reset link instead, usable once", async () => {
    const added = (await tele(["clients", "add", "--name", "Eli Client", "--email", "eli@client.test", "--state", "TX", "--json"], w.env)).json();
    await tele(["clients", "invite", added.id], w.env);
    const invite = linkIn((await smtp.waitFor((m) => m.to === "eli@client.test")).text, "invite");
    await sdk.portal.signup({ token: invite.token, password: "first password 1" });
    const again = await tele(["clients", "invite", added.id, "--json"], w.env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json().kind).toBe("reset");
    const reset = linkIn((await smtp.waitFor((m) => m.to === "eli@client.test" && m.text.includes("/reset/"))).text, "reset");
    await expect(sdk.portal.reset({ token: reset.token, password: "second password 2" })).resolves.toMatchObject({ status: "active" });
    await expect(sdk.portal.reset({ token: reset.token, password: "third password 3" })).rejects.toMatchObject({ code: "link_invalid" });
  });

  it("R6 + R8: --invite-missing sends the invites the conversion needs, and the client without email is reported", async () => {
    await tele(["staff", "add", "--name", "Tess Therapist", "--email", "tess@maple.test", "--role", "therapist"], w.env);
    await tele(["staff", "enable", "tess@maple.test"], w.env);
    const fay = (await tele(["clients", "add", "--name", "Fay Client", "--email", "fay@client.test", "--state", "OH", "--json"], w.env)).json();
    const gus = (await tele(["clients", "add", "--name", "Gus NoEmail", "--state", "OH", "--json"], w.env)).json();
    for (const c of [fay.id, gus.id]) {
      const r = await tele(["appointments", "create", "--therapist", "tess@maple.test", "--client", c, "--start", "2027-05-03T10:00", "--duration", "50", "--allow-overlap"], w.env); // a group session
      expect(r.code, r.stderr).toBe(0);
    }
    const res = await tele(["appointments", "convert", "--therapist", "tess@maple.test", "--invite-missing", "--json", "--yes"], w.env);
    expect(res.code, res.stderr).toBe(0);
    const out = res.json();
    expect(out.converted).toHaveLength(2);
    expect(out.clientsNotReady.sort()).toEqual([fay.id, gus.id].sort());
    expect(out.invitesSent).toEqual([fay.id]);
    await smtp.waitFor((m) => m.to === "fay@client.test" && m.text.includes("/invite/"));
  });

  it("R20: the audit log holds the changes and the reads of client records, with who and from where", async () => {
    const c = (await tele(["clients", "add", "--name", "Hal Client", "--email", "hal@client.test", "--state", "WA", "--json"], w.env)).json();
    await tele(["clients", "show", c.id], w.env);
    const entries = (await sdk.audit.list({ recordId: c.id })).items;
    const actions = entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["client.add", "client.read"]));
    const me = await sdk.me();
    for (const e of entries) {
      expect(e.actorId).toBe(me.staff.id);
      expect(e.ip).toMatch(/127\.0\.0\.1/);
    }
    const bad = await tele(["clients", "invite", "nobody@client.test", "--json"], w.env);
    expect(bad.code).toBe(5);
    expect(errorJson(bad.stderr).message).not.toContain("nobody@client.test");
  });
});
