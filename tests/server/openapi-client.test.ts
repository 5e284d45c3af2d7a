/**
 * A client generated from the served document (issue 8): openapi-typescript turns the real server's
 * OpenAPI document into `paths` types, a small program types real replies (staff list, a client, an
 * appointment, a problem) with them, and the project's TypeScript compiles it. The same replies are
 * checked at runtime against the document's schemas, and a reply that lies about a field's type does
 * not compile.
 */
import { spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import openapiTS, { astToString } from "openapi-typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Tele } from "../../src/sdk/index.js";
import { ROOT, startWorld, tempDir, type E2eWorld } from "../helpers/e2e.js";
import { replyChecker, type Doc } from "../helpers/openapi.js";

let w: E2eWorld;
let dir: string;
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");

/** `tsc --noEmit --strict` over files in `dir` (a temp dir: no project config, no @types). */
function tsc(files: string[]): Promise<{ code: number; out: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [TSC, "--noEmit", "--strict", "--target", "es2022", "--module", "esnext",
      "--moduleResolution", "bundler", "--lib", "es2022", ...files], { cwd: dir });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", fail);
    child.on("close", (code) => done({ code: code ?? -1, out }));
  });
}

/** The program a client author would write: the generated types on real replies, and a typed fetch. */
function program(r: { staff: unknown; client: unknown; appointment: unknown; notFound: unknown }) {
  return `import type { components, operations, paths } from "./api";

type StaffPage = paths["/api/v1/staff"]["get"]["responses"][200]["content"]["application/json"];
type OneClient = paths["/api/v1/clients/{ref}"]["get"]["responses"][200]["content"]["application/json"];
type OneAppointment = operations["getAppointment"]["responses"][200]["content"]["application/json"];
type NotFound = paths["/api/v1/clients/{ref}"]["get"]["responses"][404]["content"]["application/problem+json"];

export const page: StaffPage = ${JSON.stringify(r.staff)};
export const staff = page.items;
export const next: string | null = page.nextCursor;
export const client: OneClient = ${JSON.stringify(r.client)};
export const appointment: OneAppointment = ${JSON.stringify(r.appointment)};
export const notFound: NotFound = ${JSON.stringify(r.notFound)};

export const emails: string[] = staff.map((s) => s.email);
export const roles: components["schemas"]["Role"][] = staff.flatMap((s) => s.roles);
export const portal: "none" | "invited" | "active" = client.portal.status;
export const starts: string = appointment.start;
export const state: "not_open" | "open" | "waiting" | "live" | "completed" | "cancelled" | undefined = appointment.session?.state;
export const problem: components["schemas"]["Problem"] = notFound;
// The generated types are precise, not any: these must be errors.
// @ts-expect-error Staff has no password
export const password = staff[0]!.password;
// @ts-expect-error a problem's status is a number
export const status: string = notFound.status;

// The runtime's fetch, declared so the compiler need not load the DOM's types (they triple its time).
declare function fetch(url: string, init: { headers: Record<string, string> }): Promise<{ status: number; json(): Promise<unknown> }>;

/** A fetch typed by the generated operation, as a hand-written client would use it. */
export async function getAppointment(base: string, token: string, id: operations["getAppointment"]["parameters"]["path"]["id"]) {
  const res = await fetch(base + "/api/v1/appointments/" + encodeURIComponent(id), { headers: { authorization: "Bearer " + token } });
  if (res.status === 404) throw new Error(((await res.json()) as NotFound).code);
  return (await res.json()) as OneAppointment;
}
export const body: paths["/api/v1/staff"]["post"]["requestBody"]["content"]["application/json"] = { name: "Ana", email: "ana@example.com", roles: ["therapist"] };
`;
}

beforeAll(async () => {
  w = await startWorld();
  dir = tempDir("tele-openapi-client-");
}, 60_000);
afterAll(async () => {
  await w?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("a client generated with openapi-typescript from the served document", () => {
  it("compiles with the project's TypeScript and types real replies, which match the document at runtime", async () => {
    const sdk = new Tele({ url: w.server.url, token: w.ownerToken });
    await sdk.staff.add({ name: "Tess Therapist", email: "tess@maple.test", roles: ["therapist"] });
    await sdk.staff.enableTeletherapy("tess@maple.test");
    const made = await sdk.clients.add({ name: "Cleo Client", email: "cleo@client.test", state: "NY" });
    const booked = await sdk.appointments.create({
      therapist: "tess@maple.test", client: made.id, start: new Date(Date.now() + 86_400_000).toISOString(), durationMinutes: 50, telehealth: true,
    });

    const url = `${w.server.url}/api/v1/openapi.json`;
    writeFileSync(join(dir, "api.d.ts"), astToString(await openapiTS(new URL(url), { silent: true })));

    const doc = (await (await fetch(url)).json()) as Doc;
    const check = replyChecker(doc);
    const get = async (path: string, concrete: string, status: number) => {
      const res = await fetch(w.server.url + concrete, { headers: { authorization: `Bearer ${w.ownerToken}` } });
      expect(res.status, concrete).toBe(status);
      const body = await res.json();
      check(path, "get", status, res.headers.get("content-type")!, body);
      return body;
    };
    const replies = {
      staff: await get("/api/v1/staff", "/api/v1/staff", 200),
      client: await get("/api/v1/clients/{ref}", `/api/v1/clients/${made.id}`, 200),
      appointment: await get("/api/v1/appointments/{id}", `/api/v1/appointments/${booked.id}`, 200),
      notFound: await get("/api/v1/clients/{ref}", "/api/v1/clients/cli_nobody", 404),
    };
    expect(replies.staff.items.length).toBe(2);
    expect(replies.staff.nextCursor).toBeNull();
    expect(replies.appointment).toMatchObject({ id: booked.id, telehealth: true, session: { state: "not_open" } });
    expect(replies.notFound).toMatchObject({ status: 404, code: "not_found" });

    // One compiler run (it is the slow part): the honest program, and one whose replies lie about a field's
    // type and carry a field the document does not declare, which must not compile.
    writeFileSync(join(dir, "client.ts"), program(replies));
    const [first, ...rest] = replies.staff.items;
    writeFileSync(join(dir, "lying.ts"), program({ ...replies, staff: { ...replies.staff, items: [{ ...first, teletherapy: "yes" }, ...rest] }, client: { ...replies.client, nickname: "C" } }));
    const { code, out } = await tsc(["api.d.ts", "client.ts", "lying.ts"]);
    const errors = out.split("\n").filter(Boolean);
    expect(errors.filter((e) => !e.startsWith("lying.ts("))).toEqual([]);
    expect(code).not.toBe(0);
    expect(errors).toEqual([
      expect.stringMatching(/^lying\.ts\(\d+,\d+\): error TS2322: Type 'string' is not assignable to type 'boolean'/),
      expect.stringMatching(/^lying\.ts\(\d+,\d+\): error TS2353: Object literal may only specify known properties, and '"nickname"'/),
    ]);
  }, 90_000); // about 10 s alone; the compiler run is slow on a busy machine
});
