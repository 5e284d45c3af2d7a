/**
 * The practice's contact end to end: the real `tele` binary against the real server on a loopback
 * port, the SDK over HTTP, and a version-3 data dir served after migration 4.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidRequestError, PermissionDeniedError, Tele } from "../../src/sdk/index.js";
import { readServerConfig } from "../../src/server/config.js";
import { MIGRATIONS } from "../../src/server/db/migrations.js";
import { hashSecret } from "../../src/server/domain/shared/crypto.js";
import { startServer } from "../../src/server/main.js";
import { errorJson, startWorld, tele, tempDir, type E2eWorld } from "../helpers/e2e.js";

const PRACTICE_KEYS = ["autoCompleteMinutes", "contact", "id", "joinWindowMinutes", "licensure", "name", "portalUrl", "reminderMinutes", "slug", "state", "timeZone"];

describe("tele init --contact, tele practice set, tele whoami", () => {
  let w: E2eWorld;
  let therapistToken: string;
  beforeAll(async () => {
    w = await startWorld({ initArgs: ["--contact", "  (555) 010-0199 "] });
    await tele(["staff", "add", "--name", "Tia Therapist", "--email", "tia@maple.test", "--role", "therapist"], w.env);
    therapistToken = (await tele(["staff", "token", "tia@maple.test", "--json"], w.env)).json().token;
  });
  afterAll(async () => {
    await w?.close();
  });

  const contactNow = async () => (await tele(["whoami", "--json"], w.env)).json().practice.contact;
  const updates = async () => (await new Tele({ url: w.server.url, token: w.ownerToken }).audit.list({ action: "practice.update" })).items;

  it("init stores the contact trimmed, and the server shows it", async () => {
    expect(await contactNow()).toBe("(555) 010-0199");
    const who = await tele(["whoami"], w.env);
    expect(who.stdout).toMatch(/^Contact\s+\(555\) 010-0199$/m);
  });

  it("set --json prints the practice with the new contact; one audit row, by the owner, naming the field", async () => {
    const before = (await updates()).length;
    const r = await tele(["practice", "set", "--contact", "front-desk@maple.test", "--json"], w.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    const practice = r.json();
    expect(Object.keys(practice).sort()).toEqual(PRACTICE_KEYS);
    expect(practice).toMatchObject({ name: "Maple Therapy", slug: w.slug, contact: "front-desk@maple.test" });
    expect(await contactNow()).toBe("front-desk@maple.test");
    const rows = await updates();
    expect(rows).toHaveLength(before + 1);
    expect(rows[0]).toMatchObject({ action: "practice.update", actorType: "staff", recordType: "practice", recordId: practice.id, details: { fields: ["contact"] } });
  });

  it("set without --json says in one line what was set; --contact \"\" clears it", async () => {
    const set = await tele(["practice", "set", "--contact", "(555) 010-0123"], w.env);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toBe("Contact of Maple Therapy set to (555) 010-0123.\n");
    const cleared = await tele(["practice", "set", "--contact", "", "--json"], w.env);
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(cleared.json().contact).toBeNull();
    expect(await contactNow()).toBeNull();
    expect((await tele(["whoami"], w.env)).stdout).toMatch(/^Contact\s+none; set it with "tele practice set --contact TEXT"$/m);
    await tele(["practice", "set", "--contact", "(555) 010-0199"], w.env);
  });

  it("a therapist is refused with exit 4, and nothing changes", async () => {
    const before = (await updates()).length;
    const r = await tele(["practice", "set", "--contact", "(555) 010-0111", "--json"], { ...w.env, TELE_TOKEN: therapistToken });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe("");
    expect(errorJson(r.stderr).code).toBe("permission_denied");
    expect(await contactNow()).toBe("(555) 010-0199");
    expect(await updates()).toHaveLength(before);
  });

  it.each([
    ["201 characters", "5".repeat(201), /--contact must be at most 200 characters/],
    ["two lines", "(555) 010-0199\nask for Olive", /--contact must be one line/],
  ])("a contact of %s is a usage error (exit 2), and nothing changes", async (_what, contact, message) => {
    const r = await tele(["practice", "set", "--contact", contact, "--json"], w.env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(errorJson(r.stderr)).toMatchObject({ code: "invalid_request", message: expect.stringMatching(message) });
    expect(await contactNow()).toBe("(555) 010-0199");
  });

  it("set without --contact is a usage error; init with a bad --contact creates nothing", async () => {
    const r = await tele(["practice", "set"], w.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--contact ""');
    const dir = tempDir();
    const init = await tele(["init", "--practice", "Birch", "--state", "NY", "--timezone", "America/New_York", "--owner-name", "B",
      "--owner-email", "b@birch.test", "--data-dir", dir, "--contact", "a\nb"], { TELE_CONFIG_DIR: join(dir, "config") });
    rmSync(dir, { recursive: true, force: true });
    expect(init.code).toBe(2);
    expect(init.stderr).toMatch(/--contact must be one line/);
  });

  it("the SDK: tele.practices.update sets and clears, and its errors are typed", async () => {
    const owner = new Tele({ url: w.server.url, token: w.ownerToken });
    const set = await owner.practices.update({ contact: " (555) 010-0177 " });
    expect(set.contact).toBe("(555) 010-0177");
    expect((await owner.me()).practice.contact).toBe("(555) 010-0177");
    await expect(owner.practices.update({ contact: "a\nb" })).rejects.toBeInstanceOf(InvalidRequestError);
    const therapist = new Tele({ url: w.server.url, token: therapistToken });
    await expect(therapist.practices.update({ contact: null })).rejects.toBeInstanceOf(PermissionDeniedError);
    expect((await owner.practices.update({ contact: null })).contact).toBeNull();
    await owner.practices.update({ contact: "(555) 010-0199" });
  });
});

describe("a version-3 data dir", () => {
  it("is migrated when the server starts: the data is kept, and the contact can be set", async () => {
    const dataDir = tempDir();
    const token = "tele_version3_owner_token_0123456789";
    const db = new Database(join(dataDir, "tele.db"));
    for (let v = 0; v < 3; v++) {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }
    db.exec(`
      INSERT INTO practices (id, name, slug, state, time_zone, created_at) VALUES ('prc_old', 'Old Oak Therapy', 'old-oak', 'VT', 'America/New_York', 1700000000000);
      INSERT INTO staff (id, practice_id, name, email, roles, created_at) VALUES ('stf_old', 'prc_old', 'Opal Owner', 'opal@oak.test', 'owner', 1700000000000);
      INSERT INTO clients (id, practice_id, name, email, state, created_at) VALUES ('cli_old', 'prc_old', 'Cyd Client', 'cyd@client.test', 'VT', 1700000000000);
    `);
    db.prepare(`INSERT INTO api_tokens (id, practice_id, staff_id, token_hash, created_at) VALUES ('tok_old', 'prc_old', 'stf_old', ?, 1700000000000)`)
      .run(hashSecret(token));
    db.close();

    const server = await startServer(readServerConfig({ port: 0, dataDir }, {}), { logger: false });
    const env = { TELE_CONFIG_DIR: join(dataDir, "config"), TELE_URL: server.url, TELE_TOKEN: token };
    try {
      const who = await tele(["whoami", "--json"], env);
      expect(who.code, who.stderr).toBe(0);
      expect(who.json().practice).toMatchObject({ id: "prc_old", name: "Old Oak Therapy", state: "VT", contact: null });
      expect((await tele(["clients", "list", "--json"], env)).json().map((c: { id: string }) => c.id)).toEqual(["cli_old"]);
      const set = await tele(["practice", "set", "--contact", "(555) 010-0142", "--json"], env);
      expect(set.code, set.stderr).toBe(0);
      expect(set.json().contact).toBe("(555) 010-0142");
    } finally {
      await server.close();
    }
    const after = new Database(join(dataDir, "tele.db"), { readonly: true });
    try {
      expect(after.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length); // every migration applied (no fixed number: slices append theirs)
      expect(after.prepare("SELECT name, contact FROM practices").all()).toEqual([{ name: "Old Oak Therapy", contact: "(555) 010-0142" }]);
      expect(after.prepare("SELECT count(*) AS n FROM staff").get()).toEqual({ n: 1 });
    } finally {
      after.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
