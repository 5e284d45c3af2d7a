/**
 * Consent (issue 12, R26) end to end: the real `tele` binary against the real server on a loopback
 * port, mail through a real SMTP server, and the client's side as plain HTTP form posts (no JS):
 * set, the same text again, show (human, --json, --version), refusals with their exit codes, and
 * the client JSON's consent going none → current → outdated as the client signs in the portal and
 * the practice changes its text.
 */
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Tele } from "../../src/sdk/index.js";
import { errorJson, startSmtp, startWorld, tele, type E2eWorld, type RunResult } from "../helpers/e2e.js";

// Each test runs the binary many times (a process each): room for a machine shared with other work.
const SLOW = 180_000;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let w: E2eWorld;
let as: (args: string[], env?: Record<string, string>) => Promise<RunResult>;
const ids: Record<string, string> = {};
const sha = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");
const TEXT = "Consent to telehealth\n\nI agree to receive therapy by secure video.\nIf the call drops, my therapist phones me.";

const json = async (args: string[], env?: Record<string, string>) => {
  const r = await as([...args, "--json"], env);
  expect(r.code, r.stderr).toBe(0);
  return r.json();
};
const file = (name: string, content: string | Buffer) => {
  const path = join(w.dataDir, name);
  writeFileSync(path, content);
  return path;
};

/** A browser without JavaScript: a cookie jar, forms posted as application/x-www-form-urlencoded, redirects not followed. */
class FormBrowser {
  private jar = new Map<string, string>();
  constructor(private readonly base: string) {}
  async request(path: string, form?: Record<string, string>): Promise<{ status: number; location: string | null; body: string }> {
    const headers: Record<string, string> = { cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join("; "), "user-agent": "FormBrowser/1.0 (e2e)" };
    if (form) headers["content-type"] = "application/x-www-form-urlencoded";
    const res = await fetch(this.base + path, { method: form ? "POST" : "GET", headers, body: form ? new URLSearchParams(form).toString() : undefined, redirect: "manual" });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair!.indexOf("=");
      this.jar.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    return { status: res.status, location: res.headers.get("location"), body: await res.text() };
  }
}
const hidden = (body: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(body)?.[1] ?? "";

beforeAll(async () => {
  smtp = await startSmtp();
  w = await startWorld({ smtpUrl: smtp.url });
  as = (args, env) => tele(args, { ...w.env, ...env });
  ids.tina = (await json(["staff", "add", "--name", "Tina Therapist", "--email", "tina@maple.test", "--role", "therapist"])).id;
  await json(["staff", "enable", "tina@maple.test"]);
  ids.alice = (await json(["clients", "add", "--name", "Alice Client", "--email", "alice@client.test", "--state", "NY"])).id;
  const start = new Date(Date.now() + 5 * 60_000).toISOString();
  ids.apt = (await json(["appointments", "create", "--therapist", "tina@maple.test", "--client", ids.alice, "--start", start, "--duration", "50", "--telehealth"])).id;
}, 120_000);
afterAll(async () => {
  await w?.close();
  await smtp?.close();
});

describe("tele practice consent", () => {
  it("show without a text: exit 5, no_consent_text", async () => {
    const r = await as(["practice", "consent", "show"]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain("the practice has no telehealth consent text yet");
    expect(r.stderr).toContain(`set one with "tele practice consent set FILE" (R26)`);
    const j = await as(["practice", "consent", "show", "--json"]);
    expect(j.code).toBe(5);
    expect(errorJson(j.stderr).code).toBe("no_consent_text");
  }, SLOW);

  it("set makes version 1 (--json {version, hash, createdAt, created}); the same text again, saved with CRLF, makes none and says so", async () => {
    const made = await json(["practice", "consent", "set", file("consent.txt", `${TEXT}\n`)]);
    expect(made).toMatchObject({ version: 1, hash: sha(TEXT), created: true });
    expect(Math.abs(Date.parse(made.createdAt) - Date.now())).toBeLessThan(60_000);
    const same = await as(["practice", "consent", "set", file("consent-crlf.txt", `\uFEFF${TEXT.replace(/\n/g, "\r\n")}\r\n`)]);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toContain("No new version:");
    expect(same.stdout).toContain(`is the current consent text already (version 1`);
    expect(await json(["practice", "consent", "set", file("consent.txt", TEXT)])).toEqual({ ...made, created: false });
  }, SLOW);

  it("show prints the version, time, hash and the text with its lines; --json the whole version", async () => {
    const r = await as(["practice", "consent", "show"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Version +1 \(current\)\n/);
    expect(r.stdout).toContain(`SHA-256  ${sha(TEXT)}\n`);
    expect(r.stdout.endsWith(`\n\n${TEXT}\n`)).toBe(true);
    // A therapist may read what clients agree to.
    const tinaToken = (await json(["staff", "token", "tina@maple.test"])).token;
    const shown = await json(["practice", "consent", "show"], { TELE_TOKEN: tinaToken });
    expect(shown).toMatchObject({ version: 1, hash: sha(TEXT), text: TEXT, current: true });
    const refused = await as(["practice", "consent", "set", file("mine.txt", "Mine.")], { TELE_TOKEN: tinaToken });
    expect(refused.code).toBe(4);
  }, SLOW);

  it("refuses a missing file, an empty one, one not UTF-8 (exit 2), and one over 64 KB (exit 2, consent_text_too_large)", async () => {
    expect((await as(["practice", "consent", "set", join(w.dataDir, "nope.txt")])).code).toBe(2);
    const empty = await as(["practice", "consent", "set", file("empty.txt", "\n \n")]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("must not be empty");
    expect((await as(["practice", "consent", "set", file("latin1.txt", Buffer.from([0x43, 0x61, 0x66, 0xe9]))])).code).toBe(2);
    const big = await as(["practice", "consent", "set", file("big.txt", "x".repeat(64 * 1024 + 1)), "--json"]);
    expect(big.code).toBe(2);
    expect(errorJson(big.stderr)).toMatchObject({ code: "consent_text_too_large" });
    expect((await json(["practice", "consent", "show"])).version).toBe(1);
  }, SLOW);
});

describe("the client JSON's consent as the client signs in the portal", () => {
  it("none → current (after the portal's form) → outdated (after a new text), in show and list alike", async () => {
    expect((await json(["clients", "show", ids.alice])).consent).toEqual({ status: "none" });

    // The client: invite → sign-up → sign-in, without JavaScript.
    await json(["clients", "invite", ids.alice]);
    const mail = await smtp.waitFor((m) => m.to === "alice@client.test" && m.text.includes("/invite/"));
    const token = /\/invite\/([A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
    const b = new FormBrowser(w.server.url);
    const signPage = await b.request(`/p/${w.slug}/invite/${token}`);
    const signed = await b.request(`/p/${w.slug}/invite/${token}`, { _csrf: hidden(signPage.body, "_csrf"), password: "correct horse battery", confirm: "correct horse battery" });
    expect(signed.status).toBe(303);

    // Entering the session, the client is sent to sign the consent first, and back afterwards.
    const session = `/p/${w.slug}/appointments/${ids.apt}/session`;
    const gate = await b.request(session);
    expect(gate).toMatchObject({ status: 303, location: `/p/${w.slug}/consent?next=${encodeURIComponent(session)}` });
    const page = await b.request(gate.location!);
    expect(page.status).toBe(200);
    expect(page.body).toContain("I agree to receive therapy by secure video.");
    const form = { _csrf: hidden(page.body, "_csrf"), version: hidden(page.body, "version"), next: hidden(page.body, "next") };
    expect(form).toEqual({ _csrf: expect.any(String), version: "1", next: session });
    const bad = await b.request(`/p/${w.slug}/consent`, { ...form, typedName: "  " });
    expect(bad.status).toBe(422);
    expect(bad.body).toContain('aria-describedby="f-typedName-error f-typedName-hint"');
    expect((await b.request(`/p/${w.slug}/consent`, { ...form, _csrf: "forged", typedName: "Alice Client" })).status).toBe(403);
    const agreed = await b.request(`/p/${w.slug}/consent`, { ...form, typedName: "alice client" });
    expect(agreed).toMatchObject({ status: 303, location: session });
    expect((await b.request(session)).status).toBe(200);

    const current = (await json(["clients", "show", ids.alice])).consent;
    expect(current).toMatchObject({ status: "current", version: 1 });
    expect(Math.abs(Date.parse(current.acceptedAt) - Date.now())).toBeLessThan(60_000);
    const human = await as(["clients", "show", ids.alice]);
    expect(human.stdout).toMatch(/Consent +version 1, accepted .* \(current\)/);
    const accepted = await new Tele({ url: w.server.url, token: w.ownerToken }).audit.list({ recordId: ids.alice, action: "client.consent.accept" }).then((page) => page.items);
    expect(accepted).toHaveLength(1);
    expect(accepted[0]).toMatchObject({ actorType: "client", actorId: ids.alice, details: { version: 1, hash: sha(TEXT) } });

    expect((await json(["practice", "consent", "set", file("consent-2.txt", `${TEXT}\nRecordings are never made.`)])).version).toBe(2);
    expect((await json(["clients", "show", ids.alice])).consent).toEqual({ ...current, status: "outdated" });
    const listed = (await json(["clients", "list"])) as { id: string; consent: unknown }[];
    expect(listed.find((c) => c.id === ids.alice)!.consent).toEqual({ ...current, status: "outdated" });
    const old = await as(["practice", "consent", "show", "1"]);
    expect(old.code, old.stderr).toBe(0);
    expect(old.stdout).toMatch(/^Version +1 \(not current\)\n/);
    expect(old.stdout.endsWith(`\n\n${TEXT}\n`)).toBe(true);
    expect((await as(["practice", "consent", "show", "two"])).code).toBe(2);
    expect((await as(["practice", "consent", "show", "9"])).code).toBe(5);
    // Asked again: the session sends the client to the consent page, which says the text changed.
    const again = await b.request(session);
    expect(again.status).toBe(303);
    expect((await b.request(again.location!)).body).toContain("has changed its telehealth consent since you signed it");
  }, SLOW);
});
