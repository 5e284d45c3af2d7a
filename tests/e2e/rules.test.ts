import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorJson, startWorld, tele, type E2eWorld } from "../helpers/e2e.js";

/** The rules through the real binary against the real server (R2–R8). */
describe("tele staff / appointments against a real server", () => {
  let w: E2eWorld;
  let as: (args: string[], env?: Record<string, string>) => ReturnType<typeof tele>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    w = await startWorld();
    as = (args, env = {}) => tele(args, { ...w.env, ...env });
    const add = async (key: string, args: string[]) => {
      const r = await as([...args, "--json"]);
      expect(r.code, r.stderr).toBe(0);
      ids[key] = r.json().id;
    };
    await add("tina", ["staff", "add", "--name", "Tina Therapist", "--email", "tina@maple.test", "--role", "therapist"]);
    await add("theo", ["staff", "add", "--name", "Theo Therapist", "--email", "theo@maple.test", "--role", "therapist"]);
    await add("biller", ["staff", "add", "--name", "Bill Biller", "--email", "bill@maple.test", "--role", "biller"]);
    await add("alice", ["clients", "add", "--name", "Alice Client", "--email", "alice@client.test", "--state", "NY"]);
    await add("bruno", ["clients", "add", "--name", "Bruno Abroad", "--email", "bruno@client.test"]);
    const tok = await as(["staff", "token", "tina@maple.test", "--json"]);
    ids.tinaToken = tok.json().token;
    ids.billerToken = (await as(["staff", "token", "bill@maple.test", "--json"])).json().token;
  });
  afterAll(() => w?.close());

  it("R2: an owner enables Teletherapy; a therapist or biller is refused with exit 4; a non-therapist with exit 6", async () => {
    const byTherapist = await as(["staff", "enable", "theo@maple.test"], { TELE_TOKEN: ids.tinaToken! });
    expect(byTherapist.code).toBe(4);
    expect(byTherapist.stderr).toMatch(/^Error: /m);
    expect((await as(["staff", "enable", "theo@maple.test"], { TELE_TOKEN: ids.billerToken! })).code).toBe(4);
    const notTherapist = await as(["staff", "enable", "bill@maple.test", "--json"]);
    expect(notTherapist.code).toBe(6);
    expect(errorJson(notTherapist.stderr).code).toBe("not_a_therapist");
    const ok = await as(["staff", "enable", "tina@maple.test", "--json"]);
    expect(ok.code).toBe(0);
    expect(ok.json()).toMatchObject({ staff: { id: ids.tina, teletherapy: true, roles: ["therapist"] }, changed: true });
  });

  it("R4, R5, R6: telehealth needs a U.S. resident and a Teletherapy therapist; a client without a portal account is flagged", async () => {
    await as(["staff", "enable", "tina@maple.test"]);
    const start = "2027-01-05T10:00";
    const noTeletherapy = await as(["appointments", "create", "--therapist", "theo@maple.test", "--client", "alice@client.test", "--start", start, "--duration", "50", "--telehealth", "--json"]);
    expect(noTeletherapy.code).toBe(6);
    expect(errorJson(noTeletherapy.stderr).code).toBe("teletherapy_not_enabled");
    const abroad = await as(["appointments", "create", "--therapist", "tina@maple.test", "--client", "bruno@client.test", "--start", start, "--duration", "50", "--telehealth", "--json"]);
    expect(abroad.code).toBe(6);
    expect(errorJson(abroad.stderr).code).toBe("not_us_resident");
    const ok = await as(["appointments", "create", "--therapist", "tina@maple.test", "--client", "alice@client.test", "--start", start, "--duration", "50", "--telehealth", "--json"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json()).toMatchObject({ telehealth: true, clientReady: false, start: "2027-01-05T15:00:00.000Z", end: "2027-01-05T15:50:00.000Z", status: "scheduled" });
    const human = await as(["appointments", "create", "--therapist", "tina@maple.test", "--client", "alice@client.test", "--start", "2027-01-06T10:00", "--duration", "50", "--telehealth"]);
    expect(human.code).toBe(0);
    expect(human.stderr).toMatch(/warning/i);
    expect(human.stderr).toContain(ids.alice);
  });

  it("R7: one appointment converts to telehealth and back; a past one is refused with exit 6", async () => {
    const created = (await as(["appointments", "create", "--therapist", "tina@maple.test", "--client", "alice@client.test", "--start", "2027-02-01T09:00", "--duration", "45", "--json"])).json();
    const to = await as(["appointments", "convert", created.id, "--json"]);
    expect(to.code, to.stderr).toBe(0);
    const back = await as(["appointments", "convert", created.id, "--in-person", "--json"]);
    expect(back.code, back.stderr).toBe(0);
    const list = (await as(["appointments", "list", "--from", "2027-02-01", "--to", "2027-02-01", "--json"])).json();
    expect(list.map((a: { id: string }) => a.id)).toEqual([created.id]);
    expect(list[0].telehealth).toBe(false);
    const past = (await as(["appointments", "create", "--therapist", "tina@maple.test", "--client", "alice@client.test", "--start", "2020-02-01T09:00", "--duration", "45", "--allow-past", "--json"])).json();
    const refused = await as(["appointments", "convert", past.id, "--json"]);
    expect(refused.code).toBe(6);
    expect(errorJson(refused.stderr).code).toBe("not_convertible");
  });

  it("R8: a bulk dry run changes nothing, applying converts every eligible one, and a second run converts nothing more", async () => {
    for (const day of ["03", "04", "05"]) {
      const r = await as(["appointments", "create", "--therapist", "tina@maple.test", "--client", "alice@client.test", "--start", `2027-03-${day}T11:00`, "--duration", "50", "--json"]);
      expect(r.code, r.stderr).toBe(0);
    }
    await as(["appointments", "create", "--therapist", "tina@maple.test", "--client", "bruno@client.test", "--start", "2027-03-04T15:00", "--duration", "50"]);
    const sel = ["--from", "2027-03-01", "--to", "2027-03-31"];
    const dry = await as(["appointments", "convert", ...sel, "--dry-run", "--json"]);
    expect(dry.code, dry.stderr).toBe(0);
    const d = dry.json();
    expect(d).toMatchObject({ dryRun: true, matched: 4 });
    expect(d.converted).toHaveLength(3);
    expect(d.skipped).toEqual([{ id: expect.any(String), reason: "not_us_resident" }]);
    expect(d.clientsNotReady).toEqual([ids.alice]);
    const still = (await as(["appointments", "list", ...sel, "--telehealth", "--json"])).json();
    expect(still).toEqual([]);
    const applied = await as(["appointments", "convert", ...sel, "--json", "--yes"]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.json().converted.sort()).toEqual(d.converted.sort());
    expect((await as(["appointments", "list", ...sel, "--telehealth", "--json"])).json()).toHaveLength(3);
    const again = (await as(["appointments", "convert", ...sel, "--json", "--yes"])).json();
    expect(again.converted).toEqual([]);
    expect(again.skipped.filter((s: { reason: string }) => s.reason === "already_telehealth")).toHaveLength(3);
  });

  it("R3: disabling Teletherapy with upcoming telehealth refuses (exit 6, naming them) until asked to convert them back", async () => {
    const upcoming = (await as(["appointments", "list", "--therapist", "tina@maple.test", "--telehealth", "--from", "2026-12-01", "--json"])).json();
    expect(upcoming.length).toBeGreaterThan(0);
    const refused = await as(["staff", "disable", "tina@maple.test", "--json"]);
    expect(refused.code).toBe(6);
    const err = errorJson(refused.stderr);
    expect(err.code).toBe("upcoming_telehealth");
    expect(err.details.appointments).toEqual(expect.arrayContaining(upcoming.map((a: { id: string }) => a.id)));
    expect((await as(["staff", "list", "--json"])).json().find((s: { id: string }) => s.id === ids.tina).teletherapy).toBe(true);
    const ok = await as(["staff", "disable", "tina@maple.test", "--convert-to-in-person", "--json"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect((await as(["appointments", "list", "--therapist", "tina@maple.test", "--telehealth", "--from", "2026-12-01", "--json"])).json()).toEqual([]);
  });

  it("R1: a therapist sees only their own appointments", async () => {
    await as(["appointments", "create", "--therapist", "theo@maple.test", "--client", "alice@client.test", "--start", "2027-04-01T09:00", "--duration", "50"]);
    const mine = (await as(["appointments", "list", "--json"], { TELE_TOKEN: ids.tinaToken! })).json();
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((a: { therapistId: string }) => a.therapistId === ids.tina)).toBe(true);
    const theirs = await as(["appointments", "list", "--therapist", "theo@maple.test", "--json"], { TELE_TOKEN: ids.tinaToken! });
    expect(theirs.code, theirs.stderr).toBe(4);
  });
});
