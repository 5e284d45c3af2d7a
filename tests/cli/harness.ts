import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { run } from "../../src/cli/index.js";
import { fakeIo, type FakeIo } from "../../src/cli/io.js";
import { startStub, type Recorded, type Stub, type StubReply } from "../sdk/stub-server.js";

/** Routes of the stub API: "GET /api/v1/staff" → reply (or a function of the request). */
export type Routes = Record<string, StubReply | ((req: Recorded) => StubReply)>;

const stubs: Stub[] = [];

/** A stub tele server on loopback answering from `routes`; anything else is a 404 problem. */
export async function stubApi(routes: Routes): Promise<Stub> {
  const stub = await startStub((req) => {
    const path = req.url.split("?")[0];
    const route = routes[`${req.method} ${path}`];
    if (!route) return { status: 404, json: { title: "not found", status: 404, code: "not_found", detail: `no route ${req.method} ${path}` } };
    return typeof route === "function" ? route(req) : route;
  });
  stubs.push(stub);
  return stub;
}

/** What one `tele` run left behind. */
export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  io: FakeIo;
}

/** Options of one run. */
export interface RunOptions {
  stub?: Stub;
  env?: Record<string, string | undefined>;
  tty?: boolean;
  answers?: Array<string | boolean>;
}

const configDirs: string[] = [];

/** A fresh config directory (TELE_CONFIG_DIR) that `cleanConfigDirs` removes. */
export function configDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "tele-cli-test-"));
  configDirs.push(dir);
  return dir;
}

/** Removes the config directories made by the tests. */
export function cleanConfigDirs(): void {
  for (const dir of configDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Registers an afterEach that closes every stub API the test started and removes its config directories. */
export function cleanUpAfterEach(): void {
  afterEach(async () => {
    // A stub the test already closed closes again harmlessly: server.close reports "not running".
    await Promise.all(stubs.splice(0).map((stub) => stub.close()));
    cleanConfigDirs();
  });
}

/** Runs `tele argv` through run() with a fake Io; by default signed in to the stub by env. */
export async function tele(argv: string[], options: RunOptions = {}): Promise<Ran> {
  const env: Record<string, string | undefined> = { TELE_CONFIG_DIR: configDir() };
  if (options.stub) Object.assign(env, { TELE_URL: options.stub.url, TELE_TOKEN: "tok_secret_value" });
  Object.assign(env, options.env);
  const io = fakeIo({ env, tty: options.tty, answers: options.answers });
  const code = await run(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr, io };
}

/** The JSON error object printed on stderr with --json. */
export function errorJson(stderr: string): { error: { code: string; message: string; details?: unknown } } {
  const line = stderr.split("\n").find((l) => l.startsWith('{"error"'));
  if (!line) throw new Error(`no JSON error on stderr:\n${stderr}`);
  return JSON.parse(line);
}

/** A problem reply as the tele server sends it. */
export function problemReply(status: number, code: string, detail: string, details?: unknown): StubReply {
  return { status, json: { title: code, status, code, detail, requestId: "req_42", details } };
}
