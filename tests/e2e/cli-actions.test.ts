/**
 * Commands that must not mislead, through the real binary against a real server (issue 10): a bulk
 * conversion without a terminal needs --yes; `sessions open` never claims a browser it could not
 * open; `--invite-missing` of create and import sends the invites R6 asks for, over real SMTP.
 */
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmtp, startWorld, tele, tempDir, type E2eWorld } from "../helpers/e2e.js";

describe("bulk changes, the browser and invites", () => {
  let w: E2eWorld;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let apt: string;
  beforeAll(async () => {
    smtp = await startSmtp();
    w = await startWorld({ smtpUrl: smtp.url });
    await tele(["staff", "add", "--name", "Tess Therapist", "--email", "tess@maple.test", "--role", "therapist"], w.env);
    await tele(["staff", "enable", "tess@maple.test"], w.env);
    await tele(["clients", "add", "--name", "Bo Client", "--email", "bo@client.test", "--state", "NY"], w.env);
    const created = await tele(["appointments", "create", "--therapist", "tess@maple.test", "--client", "bo@client.test",
      "--start", "2027-02-01T10:00", "--duration", "50", "--json"], w.env);
    expect(created.code, created.stderr).toBe(0);
    apt = created.json().id;
  });
  afterAll(async () => {
    await w?.close();
    await smtp?.close();
  });

  it("without a terminal a bulk conversion needs --yes: exit 2 naming --yes, and nothing changes", async () => {
    const r = await tele(["appointments", "convert", "--therapist", "tess@maple.test"], w.env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "Error: a bulk conversion changes many appointments at once: without a terminal to confirm it, add --yes\n" +
        `Hint: check what would change with "tele appointments convert … --dry-run", then run it again with --yes\n`,
    );
    expect((await tele(["appointments", "show", apt, "--json"], w.env)).json().telehealth).toBe(false);
    const dry = await tele(["appointments", "convert", "--therapist", "tess@maple.test", "--dry-run", "--json"], w.env);
    expect(dry.code).toBe(0); // a dry run changes nothing, so it needs no --yes
    expect(dry.json().converted).toEqual([apt]);
    const yes = await tele(["appointments", "convert", "--therapist", "tess@maple.test", "--yes", "--json"], w.env);
    expect(yes.json().converted).toEqual([apt]);
  });

  /** A directory to use as PATH, holding an `xdg-open` with this body (or none). */
  function pathWith(opener?: string): string {
    const dir = tempDir("tele-path-");
    if (opener !== undefined) {
      writeFileSync(join(dir, "xdg-open"), `#!/bin/sh\n${opener}\n`);
      chmodSync(join(dir, "xdg-open"), 0o755);
    }
    return dir;
  }

  it.each([
    ["no xdg-open on PATH", undefined, { DISPLAY: ":99" }, "xdg-open was not found on PATH"],
    ["an xdg-open that fails", "exit 3", { DISPLAY: ":99" }, "xdg-open failed (exit code 3)"],
    ["no display at all", "exit 0", {}, "there is no graphical display (DISPLAY and WAYLAND_DISPLAY are not set)"],
  ])("sessions open with %s prints the link instead and never claims to have opened one", async (_what, opener, display, reason) => {
    const r = await tele(["sessions", "open", apt], { ...w.env, PATH: pathWith(opener), ...display });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\S+\n$/);
    expect(r.stderr).toBe(
      `No browser was opened: ${reason}. Open the session page of appointment ${apt} with this link:\n` +
        "The link signs the browser in as you; it works once, within 2 minutes.\n",
    );
    expect(r.stdout + r.stderr).not.toMatch(/opened the session page|in your browser/i);
    const json = await tele(["sessions", "open", apt, "--json"], { ...w.env, PATH: pathWith(opener), ...display });
    expect(json.json()).toMatchObject({ appointmentId: apt, opened: false, reason, url: expect.stringMatching(/^http/) });
  });

  it("sessions open with an opener that works says it opened, and the opener got the link", async () => {
    const dir = tempDir("tele-opened-");
    const path = pathWith(`printf '%s' "$1" > ${join(dir, "url")}`);
    const r = await tele(["sessions", "open", apt], { ...w.env, PATH: path, DISPLAY: ":99" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`Opened the session page of appointment ${apt} in your browser.\n`);
    expect(readFileSync(join(dir, "url"), "utf8")).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  });

  it("appointments create --invite-missing sends the portal invite the telehealth client needs (R6)", async () => {
    const cy = (await tele(["clients", "add", "--name", "Cy Client", "--email", "cy@client.test", "--state", "NY", "--json"], w.env)).json();
    const r = await tele(["appointments", "create", "--therapist", "tess@maple.test", "--client", cy.id, "--start", "2027-02-02T10:00",
      "--duration", "50", "--telehealth", "--invite-missing"], w.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`Sent portal invites to 1 client, who can join once they sign up: ${cy.id}\n`);
    await smtp.waitFor((m) => m.to === "cy@client.test" && m.text.includes("/invite/"));
    const di = (await tele(["clients", "add", "--name", "Di NoEmail", "--state", "NY", "--json"], w.env)).json();
    const json = await tele(["appointments", "create", "--therapist", "tess@maple.test", "--client", di.id, "--start", "2027-02-03T10:00",
      "--duration", "50", "--telehealth", "--invite-missing", "--json"], w.env);
    expect(json.json()).toMatchObject({ clientId: di.id, clientReady: false, invitesSent: [] });
    const human = await tele(["appointments", "create", "--therapist", "tess@maple.test", "--client", di.id, "--start", "2027-02-04T10:00",
      "--duration", "50", "--telehealth", "--invite-missing"], w.env);
    expect(human.stderr).toContain(`Warning: client ${di.id} has no email address, so no invite was sent (R6); add one with "tele clients set ${di.id} --email EMAIL"`);
  });

  it("appointments import --invite-missing invites the telehealth rows' clients who cannot join yet", async () => {
    await tele(["clients", "add", "--name", "Ed Client", "--email", "ed@client.test", "--state", "NY"], w.env);
    const file = join(tempDir(), "appointments.csv");
    writeFileSync(file, "therapist,client,start,duration_minutes,telehealth\ntess@maple.test,ed@client.test,2027-03-01T10:00,50,yes\n" +
      "tess@maple.test,bo@client.test,2027-03-02T10:00,50,no\n");
    const r = await tele(["appointments", "import", file, "--invite-missing", "--json"], w.env);
    expect(r.code, r.stderr).toBe(0);
    const out = r.json();
    expect(out).toMatchObject({ dryRun: false, rows: 2, created: 2, invitesSent: [expect.stringMatching(/^cli_/)] });
    await smtp.waitFor((m) => m.to === "ed@client.test" && m.text.includes("/invite/"));
    expect(smtp.received.filter((m) => m.to === "bo@client.test")).toEqual([]);
  });

  it("appointments show warns about a client who cannot join and names only commands that take the fix", async () => {
    const fi = (await tele(["clients", "add", "--name", "Fi Client", "--email", "fi@client.test", "--state", "NY", "--json"], w.env)).json();
    const made = await tele(["appointments", "create", "--therapist", "tess@maple.test", "--client", fi.id, "--start", "2027-02-05T10:00",
      "--duration", "50", "--telehealth", "--json"], w.env);
    const r = await tele(["appointments", "show", made.json().id], w.env);
    expect(r.stderr).toBe(`Warning: client ${fi.id} has no email or no active portal account yet, so cannot join (R6). Invites: send them with "tele clients invite ${fi.id}".\n`);
  });
});
