/**
 * Issue 12 end to end: the real `tele` binary against the real server on a loopback port, mail
 * through a real SMTP server. Licensed states and the practice's rule (R25) on create, convert and
 * import; the client's location posted from the session page's form (R27); the billing codes of
 * the completed session (R28) in `tele appointments show` and in the export, read back with an
 * independent CSV parser.
 */
import { parse } from "csv-parse/sync";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Tele } from "../../src/sdk/index.js";
import { errorJson, startSmtp, startWorld, tele, tempDir, type E2eWorld, type RunResult } from "../helpers/e2e.js";
import { addPortalClient, bookTelehealth, call, clientCookie, providerCookie } from "../helpers/video-session.js";

let w: E2eWorld;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let sdk: Tele;
let as: (args: string[]) => Promise<RunResult>;
const ids: Record<string, string> = {};
const json = async (args: string[]) => {
  const r = await as([...args, "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return r.json();
};
const later = (days: number, hour: number) => new Date(Date.now() + days * 86_400_000 + hour * 3_600_000).toISOString();

beforeAll(async () => {
  smtp = await startSmtp();
  w = await startWorld({ smtpUrl: smtp.url });
  as = (args) => tele(args, w.env);
  sdk = new Tele({ url: w.server.url, token: w.ownerToken });
  ids.tess = (await json(["staff", "add", "--name", "Tess Therapist", "--email", "tess@maple.test", "--role", "therapist"])).id;
  await json(["staff", "enable", "tess@maple.test"]);
  ids.bea = (await json(["staff", "add", "--name", "Bea Biller", "--email", "bea@maple.test", "--role", "biller"])).id;
  ids.ny = (await json(["clients", "add", "--name", "Nora York", "--email", "nora@client.test", "--state", "NY"])).id;
  ids.ca = (await json(["clients", "add", "--name", "Cal Ifornia", "--email", "cal@client.test", "--state", "CA"])).id;
}, 120_000);
afterAll(async () => {
  await w?.close();
  await smtp?.close();
});

describe("licensed states and the practice's rule (R25)", () => {
  it("tele staff set --licensed-in records them (any case), shown by staff show; a code that is no state is exit 2", async () => {
    const r = await as(["staff", "set", "tess@maple.test", "--licensed-in", "ny, nj"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Licensed in: NJ, NY.");
    expect((await json(["staff", "show", ids.tess])).licensedIn).toEqual(["NJ", "NY"]);
    expect((await as(["staff", "show", ids.tess])).stdout).toMatch(/Licensed in\s+NJ, NY/);
    const bad = await as(["staff", "set", ids.tess, "--licensed-in", "NY,XX", "--json"]);
    expect(bad.code).toBe(2);
    expect(errorJson(bad.stderr).code).toBe("invalid_request");
    expect((await sdk.audit.list({ action: "staff.update" })).items.at(0)?.details).toEqual({ fields: ["licensedIn"], licensedInBefore: [], licensedInAfter: ["NJ", "NY"] });
  });

  it("tele practice show says warn by default; tele practice set --licensure changes it; anything else is exit 2", async () => {
    expect((await as(["practice", "show"])).stdout).toMatch(/Licensure\s+warn:/);
    expect((await json(["practice", "show"])).licensure).toBe("warn");
    const bad = await as(["practice", "set", "--licensure", "strict"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--licensure");
  });

  it("under warn a telehealth appointment in an unlicensed state is scheduled, says so in --json, and warns on the terminal", async () => {
    const r = await as(["appointments", "create", "--therapist", "tess@maple.test", "--client", "cal@client.test", "--start", later(3, 1), "--duration", "50", "--telehealth"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`therapist ${ids.tess} is not licensed in CA: 1 telehealth appointment went ahead (R25`);
    const j = await json(["appointments", "create", "--therapist", "tess@maple.test", "--client", "nora@client.test", "--start", later(3, 3), "--duration", "50", "--telehealth"]);
    expect(j.licensure).toBe("ok");
  });

  it("under refuse it is exit 6, not_licensed_in_state, and nothing is scheduled", async () => {
    expect((await json(["practice", "set", "--licensure", "refuse"])).licensure).toBe("refuse");
    const before = (await json(["appointments", "list"])).length;
    const r = await as(["appointments", "create", "--therapist", "tess@maple.test", "--client", "cal@client.test", "--start", later(4, 1), "--duration", "50", "--telehealth", "--json"]);
    expect(r.code).toBe(6);
    expect(errorJson(r.stderr)).toMatchObject({ code: "not_licensed_in_state", details: { therapistId: ids.tess, state: "CA" } });
    expect((await json(["appointments", "list"])).length).toBe(before);
    await json(["practice", "set", "--licensure", "warn"]);
  });

  it("bulk conversion under warn prints one warning line per therapist, lists every one in --json; under refuse skips them", async () => {
    for (const day of [5, 6, 7]) await json(["appointments", "create", "--therapist", ids.tess, "--client", ids.ca, "--start", later(day, 2), "--duration", "50"]);
    const dry = await json(["appointments", "convert", "--client", ids.ca, "--dry-run"]);
    expect(dry.warnings).toHaveLength(3);
    expect(dry.warnings[0]).toEqual({ id: expect.any(String), code: "unlicensed_state", therapistId: ids.tess, state: "CA" });
    const r = await as(["appointments", "convert", "--client", ids.ca, "--dry-run"]);
    const lines = r.stderr.split("\n").filter((l) => l.includes("not licensed in"));
    expect(lines).toEqual([`Warning: therapist ${ids.tess} is not licensed in CA: 3 telehealth appointments would be converted (R25; the practice's licensure setting is warn).`]);
    await json(["practice", "set", "--licensure", "refuse"]);
    const refused = await json(["appointments", "convert", "--client", ids.ca, "--yes"]);
    expect({ converted: refused.converted, reasons: [...new Set(refused.skipped.map((s: { reason: string }) => s.reason))] })
      .toEqual({ converted: [], reasons: expect.arrayContaining(["not_licensed_in_state"]) });
    const human = await as(["appointments", "convert", "--client", ids.ca, "--dry-run"]);
    expect(human.stdout).toContain("therapist is not licensed in the client's state (R25) (3)");
    await json(["practice", "set", "--licensure", "warn"]);
  });

  it("importing under warn imports and warns once per therapist", async () => {
    const dir = tempDir();
    const file = join(dir, "apts.csv");
    writeFileSync(file, `therapist,client,start,duration_minutes,telehealth\ntess@maple.test,cal@client.test,${later(9, 1)},50,yes\ntess@maple.test,cal@client.test,${later(9, 3)},50,yes\n`);
    const r = await as(["appointments", "import", file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.split("\n").filter((l) => l.includes("not licensed in"))).toEqual([
      `Warning: therapist ${ids.tess} is not licensed in CA: 2 telehealth appointments imported (R25; the practice's licensure setting is warn).`,
    ]);
  });
});

describe("the location at the session (R27) and the billing codes (R28)", () => {
  it("the client's answer from the form, the provider ending the session, then show and the export have the codes", async () => {
    // Dana lives in NJ (addPortalClient); Tess is licensed in NJ and NY.
    const dana = await addPortalClient(w, sdk, smtp, "Dana Client", "dana@client.test");
    const appt = await bookTelehealth(sdk, dana.id, 5);
    const cookie = await clientCookie(w, "dana@client.test");
    const page = await (await call(w, `/p/${w.slug}/appointments/${appt.id}/session`, { cookie })).text();
    expect(page).toContain("Where are you right now?");
    expect(page).toContain('<option value="NJ" selected>New Jersey</option>');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    const bad = await call(w, `/p/${w.slug}/appointments/${appt.id}/session/location`, { cookie, form: { _csrf: csrf, state: "NY", place: "", phone: "x" } });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('aria-describedby="loc-phone-hint loc-phone-error" aria-invalid="true"');
    const ok = await call(w, `/p/${w.slug}/appointments/${appt.id}/session/location`, { cookie, form: { _csrf: csrf, state: "NY", place: "elsewhere", phone: "555 010 0142" } });
    expect(ok.status).toBe(303);
    expect(await (await call(w, `/p/${w.slug}/appointments/${appt.id}/session`, { cookie })).text()).toContain("You told us you are in New York (NY), not at home.");
    const shown = await as(["appointments", "show", appt.id]);
    expect(shown.stdout).toContain("Client's location: New York (NY), elsewhere; callback 555 010 0142");
    const provider = await providerCookie(w, w.ownerToken, appt.id);
    const providerPage = await (await call(w, `/p/${w.slug}/appointments/${appt.id}/session`, { cookie: provider })).text();
    expect(providerPage).toContain("Somewhere else (place of service 02)");
    const providerCsrf = /name="_csrf" value="([^"]+)"/.exec(providerPage)![1]!;
    expect((await call(w, `/p/${w.slug}/appointments/${appt.id}/session/end`, { cookie: provider, form: { _csrf: providerCsrf } })).status).toBe(303);
    const done = await json(["appointments", "show", appt.id]);
    expect({ status: done.status, billing: done.billing, at: done.session.location.state }).toEqual({ status: "completed", billing: { placeOfService: "02", modifier: "95" }, at: "NY" });
    expect((await as(["appointments", "show", appt.id])).stdout).toContain("Billing: place of service 02, modifier 95");

    // The biller's export: their own token, the CSV on stdout, read back with csv-parse.
    const biller = (await json(["staff", "token", "bea@maple.test"])).token;
    const day = new Date(Date.parse(appt.start)).toLocaleDateString("en-CA", { timeZone: "America/New_York" });
    const exp = await tele(["appointments", "export", "--from", day, "--to", day], { ...w.env, TELE_TOKEN: biller });
    expect(exp.code, exp.stderr).toBe(0);
    const rows = parse(exp.stdout, { columns: true }) as Record<string, string>[];
    expect(rows.find((r) => r.appointment_id === appt.id)).toEqual({
      appointment_id: appt.id, date: day, start_time: expect.stringMatching(/^\d\d:\d\d$/), therapist_id: ids.tess, therapist_name: "Tess Therapist",
      client_id: dana.id, scheduled_minutes: "50", actual_minutes: "", status: "completed", telehealth: "true",
      place_of_service: "02", modifier: "95", client_state: "NY",
    });
    expect(exp.stdout).not.toContain("Dana");
    const asJson = await tele(["appointments", "export", "--from", day, "--to", day, "--json"], { ...w.env, TELE_TOKEN: biller });
    expect(JSON.parse(asJson.stdout).find((r: { appointmentId: string }) => r.appointmentId === appt.id)).toMatchObject({ placeOfService: "02", modifier: "95" });
    const tooLong = await tele(["appointments", "export", "--from", "2026-01-01", "--to", "2027-06-01"], { ...w.env, TELE_TOKEN: biller });
    expect(tooLong.code).toBe(2);
  });
});
