import type { ChildProcess } from "node:child_process";
import { rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { errorJson, exited, startTele, tele, tempDir } from "../helpers/e2e.js";

describe("tele server start and tele demo as processes", () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("serves the data dir made by init, and stops cleanly on SIGTERM with the database closed", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const env = { TELE_CONFIG_DIR: join(dir, "config"), TELE_LOG_LEVEL: "warn" };
    const init = await tele(["init", "--practice", "Birch Clinic", "--state", "CA", "--timezone", "America/Los_Angeles",
      "--owner-name", "Bo Owner", "--owner-email", "bo@birch.test", "--data-dir", join(dir, "data"), "--json"], env);
    expect(init.code, init.stderr).toBe(0);
    const { token, practice } = init.json();
    expect(practice).toMatchObject({ slug: "birch-clinic", timeZone: "America/Los_Angeles" });
    expect(statSync(join(dir, "config", "credentials.json")).mode & 0o777).toBe(0o600);

    const server = await startTele(["server", "start", "--data-dir", join(dir, "data"), "--port", "0", "--json"], env);
    children.push(server.child);
    const { url } = JSON.parse(server.firstLine);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const who = await tele(["whoami", "--json", "--url", url, "--token", token], env);
    expect(who.code, who.stderr).toBe(0);
    expect(who.json().practice.name).toBe("Birch Clinic");

    const done = exited(server.child);
    server.child.kill("SIGTERM");
    expect(await done).toBe(0);
    const db = new Database(join(dir, "data", "tele.db"), { readonly: true });
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(db.prepare("SELECT count(*) AS n FROM practices").get()).toEqual({ n: 1 });
    db.close();
  });

  it("demo: a seeded practice, signed in through the saved profile", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const env = { TELE_CONFIG_DIR: join(dir, "config"), TELE_LOG_LEVEL: "warn" };
    const demo = await startTele(["demo", "--port", "0", "--json"], env);
    children.push(demo.child);
    const info = JSON.parse(demo.firstLine);
    dirs.push(info.dataDir);
    expect(info.practice.contact).toBe("(555) 010-0199"); // a fictional 555-01xx number
    // The session to see (issue 10): both people, their demo passwords and where to sign in, one appointment open now.
    expect(info.home).toBe(`${info.url}/`);
    expect(info.session.client).toMatchObject({ url: info.portalUrl, email: "avery@client.example", password: "demo-client-2026" });
    expect(info.session.therapist).toMatchObject({ email: "tara@lakeside.example", password: "demo-therapist-2026" });
    expect(info.session.therapist.url).toMatch(/^http:\/\/localhost:\d+\/p\/lakeside-demo\/staff\/sign-in$/);
    expect(info.session.client.appointment).toBe(info.session.therapist.appointment);
    const staff = await tele(["staff", "list", "--json"], env); // the default profile, saved by demo
    expect(staff.code, staff.stderr).toBe(0);
    const roles = staff.json().flatMap((s: { roles: string[] }) => s.roles);
    expect(roles).toEqual(expect.arrayContaining(["owner", "manager", "therapist", "biller"]));
    const appts = (await tele(["appointments", "list", "--json"], env)).json();
    expect(appts.length).toBeGreaterThanOrEqual(20);
    const telehealth = appts.filter((a: { telehealth: boolean }) => a.telehealth);
    expect(telehealth.length).toBeGreaterThan(0);
    // One window open now (15 minutes before its start), one that opens within the next ten minutes.
    const startOf = (id: string) => Date.parse(appts.find((a: { id: string }) => a.id === id).start);
    const opensIn = (id: string) => startOf(id) - 15 * 60_000 - Date.now();
    expect(opensIn(info.session.client.appointment)).toBeLessThan(0);
    expect(opensIn(info.session.joinSoon)).toBeGreaterThan(0);
    expect(opensIn(info.session.joinSoon)).toBeLessThan(10 * 60_000);
    const twoWeeks = Date.now() + 15 * 86_400_000;
    expect(appts.every((a: { start: string }) => Date.parse(a.start) > Date.now() && Date.parse(a.start) < twoWeeks)).toBe(true);
    const done = exited(demo.child);
    demo.child.kill("SIGINT");
    expect(await done).toBe(0);
  });

  it("imports a CSV through the binary: every bad row reported by line, nothing written, then all of it", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const env = { TELE_CONFIG_DIR: join(dir, "config"), TELE_LOG_LEVEL: "warn" };
    const { token } = (await tele(["init", "--practice", "Cedar", "--state", "NY", "--timezone", "America/New_York", "--owner-name", "C O",
      "--owner-email", "co@cedar.test", "--data-dir", join(dir, "data"), "--json"], env)).json();
    const server = await startTele(["server", "start", "--data-dir", join(dir, "data"), "--port", "0", "--json"], env);
    children.push(server.child);
    const { url } = JSON.parse(server.firstLine);
    const as = (args: string[]) => tele([...args, "--url", url, "--token", token], env);
    const file = join(dir, "clients.csv");
    writeFileSync(file, 'state,name,email\nNY,"Ann, Smith",ann@x.test\nZZ,Bad State,bad@x.test\n,Abroad,\n"NJ","Multi\nLine",not-an-email\n');
    const bad = await as(["clients", "import", file, "--json"]);
    expect(bad.code).toBe(6);
    expect(bad.json().errors.map((e: { line: number }) => e.line)).toEqual([3, 5]);
    expect(bad.stderr).not.toContain("bad@x.test");
    expect((await as(["clients", "list", "--json"])).json()).toEqual([]);
    writeFileSync(file, 'state,name,email\nNY,"Ann, Smith",ann@x.test\n,Abroad,\n');
    const ok = await as(["clients", "import", file, "--json"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json()).toEqual({ dryRun: false, rows: 2, created: 2, errors: [] });
    const names = (await as(["clients", "list", "--json"])).json().map((c: { name: string }) => c.name).sort();
    expect(names).toEqual(["Abroad", "Ann, Smith"]);
    const unknownCol = join(dir, "appts.csv");
    writeFileSync(unknownCol, "therapist,client,start,duration_minutes,room\n");
    const col = await as(["appointments", "import", unknownCol, "--json"]);
    expect(col.code).toBe(6);
    expect(col.json().errors[0]).toMatchObject({ line: 1 });
    expect(errorJson(col.stderr).code).toBe("import_invalid");
  });
});
