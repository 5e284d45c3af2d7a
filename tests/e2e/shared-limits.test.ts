/**
 * Rate limits are shared by every server process on one database (issue 13): two real
 * `tele server start` processes on one data dir. What one process counted, the other refuses: wrong
 * API tokens tried on the first make the second answer 429 with Retry-After, and an account's
 * sign-in attempts on the first make the second's sign-in form a 429 page. Both processes' refusals
 * end up counted in the one database.
 */
import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { exited, startTele, tele, tempDir } from "../helpers/e2e.js";

describe("two server processes on one data dir", () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("share their rate limits: the second refuses once the first used the allowance", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const dataDir = join(dir, "data");
    const env = { TELE_CONFIG_DIR: join(dir, "config"), TELE_LOG_LEVEL: "warn", TELE_RATE_LIMIT_ADDRESS: "3", TELE_RATE_LIMIT_ACCOUNT: "2", TELE_RATE_LIMIT_WINDOW_MS: "600000" };
    const init = await tele(["init", "--practice", "Cedar Clinic", "--state", "NY", "--timezone", "America/New_York",
      "--owner-name", "Cy Owner", "--owner-email", "cy@cedar.test", "--data-dir", dataDir, "--json"], env);
    expect(init.code, init.stderr).toBe(0);
    const start = async () => {
      const s = await startTele(["server", "start", "--data-dir", dataDir, "--port", "0", "--json"], env);
      children.push(s.child);
      return { child: s.child, url: JSON.parse(s.firstLine).url as string };
    };
    const [first, second] = [await start(), await start()];
    expect(first.url).not.toBe(second.url);

    // Wrong API tokens: limited by failures per address; three on the first process use them up.
    const me = (url: string) => fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer tele_${"x".repeat(40)}` } });
    for (let i = 0; i < 3; i++) expect((await me(first.url)).status).toBe(401);
    const refused = await me(second.url);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(590);
    expect(await refused.json()).toMatchObject({ status: 429, code: "rate_limited" });
    expect((await me(first.url)).status).toBe(429);

    // The staff sign-in form: two attempts for one account on the first, the third on the second is a 429 page.
    const signIn = async (url: string) => {
      const page = await fetch(`${url}/p/cedar-clinic/staff/sign-in`);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
      const cookie = page.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
      return fetch(`${url}/p/cedar-clinic/staff/sign-in`, {
        method: "POST", redirect: "manual",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: csrf, email: "cy@cedar.test", password: "not the password" }).toString(),
      });
    };
    for (let i = 0; i < 2; i++) expect((await signIn(first.url)).status).toBe(401);
    const limited = await signIn(second.url);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await limited.text()).toContain("Please wait 10 minutes");

    // Each process counts its own refusals and writes them to the one database when it stops.
    for (const p of [first, second]) {
      const done = exited(p.child);
      p.child.kill("SIGTERM");
      expect(await done).toBe(0);
    }
    const db = new Database(join(dataDir, "tele.db"), { readonly: true });
    const counted = (kind: string) => (db.prepare("SELECT coalesce(sum(count), 0) AS n FROM refusal_counts WHERE kind = ?").get(kind) as { n: number }).n;
    expect([counted("rate_limited.api_token"), counted("rate_limited.staff_sign_in")]).toEqual([2, 1]);
    // The table holds addresses and hashes, never the email.
    const keys = (db.prepare("SELECT key FROM rate_limits").all() as { key: string }[]).map((r) => r.key);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.join(" ")).not.toContain("cedar.test");
    db.close();
  }, 60_000);
});
