import { describe, expect, it } from "vitest";
import type { Stub } from "../sdk/stub-server.js";
import { staffAna } from "../sdk/fixtures.js";
import { cleanUpAfterEach, errorJson, problemReply, stubApi, tele, type Routes } from "./harness.js";

let stub: Stub | undefined;
cleanUpAfterEach();

const DISABLE = "POST /api/v1/staff/ana%40example.com/teletherapy/disable";
const off = { staff: { ...staffAna, teletherapy: false }, changed: true, convertedToInPerson: ["apt_1", "apt_2"] };

/** R3: refuses while asked to refuse, converts when asked to convert. */
function disableRoutes(): Routes {
  return {
    [DISABLE]: (req) =>
      JSON.parse(req.body).upcoming === "convert_to_in_person"
        ? { json: off }
        : problemReply(409, "upcoming_telehealth", "2 upcoming telehealth appointments", { appointments: ["apt_1", "apt_2"] }),
  };
}

describe("tele staff add", () => {
  it("sends every repeated --role", async () => {
    stub = await stubApi({ "POST /api/v1/staff": { status: 201, json: { ...staffAna, roles: ["therapist", "biller"] } } });
    const r = await tele(["staff", "add", "--name", "Ana Ruiz", "--email", "Ana@Example.com", "--role", "therapist", "--role", "biller"], { stub });
    expect(r.code).toBe(0);
    expect(JSON.parse(stub.requests[0].body)).toEqual({ name: "Ana Ruiz", email: "ana@example.com", roles: ["therapist", "biller"] });
    expect(stub.requests[0].headers["idempotency-key"]).toBeTruthy();
    expect(r.stdout).toBe("Added Ana Ruiz <ana@example.com> (stf_ana) as therapist, biller.\n");
  });
});

describe("tele staff disable (R3)", () => {
  it("without a terminal lists the upcoming appointments and exits 6", async () => {
    stub = await stubApi(disableRoutes());
    const r = await tele(["staff", "disable", "ana@example.com"], { stub });
    expect(r.code).toBe(6);
    expect(r.stderr).toContain("  apt_1\n  apt_2\n");
    expect(r.stderr).toContain("--convert-to-in-person");
    const json = await tele(["staff", "disable", "ana@example.com", "--json"], { stub });
    expect(json.code).toBe(6);
    expect(json.stderr.split("\n")).toHaveLength(2); // the JSON document alone: the ids are in its details
    expect(errorJson(json.stderr).error).toMatchObject({ code: "upcoming_telehealth", details: { appointments: ["apt_1", "apt_2"] } });
    expect(stub.requests).toHaveLength(2);
  });

  it("on a terminal asks, and converts when the answer is yes", async () => {
    stub = await stubApi(disableRoutes());
    const r = await tele(["staff", "disable", "ana@example.com"], { stub, tty: true, answers: [true] });
    expect(r.code).toBe(0);
    expect(r.io.questions[0]).toContain("Convert 2 appointments to in-person");
    expect(stub.requests.map((q) => JSON.parse(q.body).upcoming)).toEqual(["refuse", "convert_to_in_person"]);
    expect(r.stdout).toContain("Converted 2 upcoming appointments to in-person: apt_1, apt_2");
  });

  it("on a terminal, a no leaves Teletherapy on and exits 6", async () => {
    stub = await stubApi(disableRoutes());
    const r = await tele(["staff", "disable", "ana@example.com"], { stub, tty: true, answers: [false] });
    expect(r.code).toBe(6);
    expect(stub.requests).toHaveLength(1);
    expect(r.stderr).toContain("Teletherapy is still on");
  });

  it("--convert-to-in-person chooses directly, in one request", async () => {
    stub = await stubApi(disableRoutes());
    const r = await tele(["staff", "disable", "ana@example.com", "--convert-to-in-person", "--json"], { stub });
    expect(r.code).toBe(0);
    expect(stub.requests).toHaveLength(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ changed: true, convertedToInPerson: ["apt_1", "apt_2"], staff: { teletherapy: false } });
  });
});

describe("tele staff enable and token", () => {
  it("enable reports a refusal for a non-therapist as exit 6 with a hint", async () => {
    stub = await stubApi({ "POST /api/v1/staff/stf_ola/teletherapy/enable": problemReply(422, "not_a_therapist", "stf_ola is not a therapist") });
    const r = await tele(["staff", "enable", "stf_ola"], { stub });
    expect(r.code).toBe(6);
    expect(r.stderr).toContain("Hint: Teletherapy is a permission of the therapist role");
  });

  it("token prints only the token on stdout, and {token} with --json", async () => {
    const minted = { token: "tele_abc123", id: "tok_1", staffId: "stf_ana", createdAt: "2026-01-01T00:00:00Z" };
    stub = await stubApi({ "POST /api/v1/staff/stf_ana/tokens": { status: 201, json: minted } });
    const human = await tele(["staff", "token", "stf_ana"], { stub });
    expect(human.stdout).toBe("tele_abc123\n");
    expect(human.stderr).toContain("shown only once");
    const json = await tele(["staff", "token", "stf_ana", "--json"], { stub });
    expect(JSON.parse(json.stdout).token).toBe("tele_abc123");
  });
});
