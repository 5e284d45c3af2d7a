/**
 * Page tests through buildApp + inject: a browser stand-in that keeps cookies and reads the CSRF
 * token off the last page, the headers every page must carry, and staff with a browser password.
 */
import type { FastifyInstance } from "fastify";
import { expect } from "vitest";
import { acceptStaffInvite } from "../../src/server/domain/staff/web.js";
import { lastMailTo, type World } from "./server.js";

export type Res = Awaited<ReturnType<FastifyInstance["inject"]>>;

/** Security headers every page must carry, and no inline script or style. */
export function expectPageHeaders(res: Res): void {
  expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
  expect(res.headers["content-security-policy"]).toMatch(/default-src 'self'.*script-src 'self'.*frame-ancestors 'none'/);
  expect(res.headers["x-content-type-options"]).toBe("nosniff");
  expect(res.headers["referrer-policy"]).toBe("no-referrer");
  expect(res.headers["x-frame-options"]).toBe("DENY");
  expect(res.headers["cache-control"]).toBe("no-store");
  expect(res.body).not.toMatch(/<script>|style=/);
}

export interface PageBrowser {
  get(url: string): Promise<Res>;
  post(url: string, form?: Record<string, string>, o?: { csrf?: boolean }): Promise<Res>;
  jar: Map<string, string>;
}

/** Keeps cookies between calls and sends back the CSRF token of the last page that had one. */
export function pageBrowser(app: FastifyInstance): PageBrowser {
  const jar = new Map<string, string>();
  let csrf = "";
  const call = async (method: "GET" | "POST", url: string, form?: Record<string, string>, o: { csrf?: boolean } = {}) => {
    const payload = method === "POST" ? new URLSearchParams({ ...(o.csrf === false ? {} : { _csrf: csrf }), ...form }).toString() : undefined;
    const res = await app.inject({ method, url, payload, headers: {
      cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; "),
      ...(payload !== undefined ? { "content-type": "application/x-www-form-urlencoded" } : {}),
    } });
    for (const c of [res.headers["set-cookie"] ?? []].flat()) {
      const [pair] = c.split(";");
      const i = pair!.indexOf("=");
      const [k, v] = [pair!.slice(0, i), pair!.slice(i + 1)];
      if (v) jar.set(k, v);
      else jar.delete(k);
    }
    csrf = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1] ?? csrf;
    return res;
  };
  return { get: (url) => call("GET", url), post: (url, form, o) => call("POST", url, form, o), jar };
}

/** The token of the newest staff invite mailed to `email`. */
export function staffInviteToken(w: World, email: string): string {
  const text = lastMailTo(w.store, email)!.text_body;
  const m = /\/staff\/welcome\/([A-Za-z0-9_-]{43})\n/.exec(text);
  if (!m) throw new Error("no staff invite link in the mail");
  return m[1]!;
}

/** Sets a seeded staff member's browser password through their emailed invite. */
export async function givePassword(w: World, email: string, password = "staff password 1"): Promise<string> {
  const token = staffInviteToken(w, email);
  await acceptStaffInvite(w.deps, { kind: "anonymous", ip: null, requestId: null }, { slug: "maple-therapy", token, password, confirm: password });
  return password;
}

/** Signs a staff member in through the sign-in form. */
export async function signIn(b: PageBrowser, email: string, password: string): Promise<Res> {
  await b.get("/p/maple-therapy/staff/sign-in");
  return b.post("/p/maple-therapy/staff/sign-in", { email, password });
}
