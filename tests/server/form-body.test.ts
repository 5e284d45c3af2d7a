/**
 * Form bodies are decoded strictly (issue 13; they were decoded leniently before): a broken
 * %-escape or bytes that are not UTF-8 are a 400 page before any handler acts, where they used to
 * arrive as literal "%ZZ" or U+FFFD. Through buildApp and inject, then the decoder on its own.
 */
import { describe, expect, it } from "vitest";
import { parseForm } from "../../src/server/web/form-body.js";
import { buildAppPerTest } from "../helpers/app.js";
import { auditRows, makeWorld } from "../helpers/server.js";

const buildApp = buildAppPerTest();

describe("urlencoded form bodies", () => {
  it("a malformed body is a clear 400 page and nothing is attempted; a well-formed one reaches the handler", async () => {
    const w = await makeWorld();
    const app = buildApp(w.deps);
    const page = await app.inject({ method: "GET", url: "/p/maple-therapy/staff/sign-in" });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const post = (payload: string) => app.inject({
      method: "POST", url: "/p/maple-therapy/staff/sign-in", payload,
      headers: { cookie: `tele_csrf=${csrf}`, "content-type": "application/x-www-form-urlencoded" },
    });
    const before = auditRows(w.store, "staff.sign_in_failed").length;
    for (const bad of [`_csrf=${csrf}&email=tina%ZZ@maple.test&password=x`, `_csrf=${csrf}&email=tina@maple.test&password=%E0%A4%A`, `_csrf=${csrf}&email=%FF&password=x`]) {
      const res = await post(bad);
      expect(res.statusCode, bad).toBe(400);
      expect(res.headers["content-type"]).toMatch(/^text\/html/);
      expect(res.body).toContain("The form could not be read");
      expect(res.body).not.toContain("tina");
    }
    expect(auditRows(w.store, "staff.sign_in_failed").length).toBe(before);
    const ok = await post(new URLSearchParams({ _csrf: csrf, email: "tina@maple.test", password: "wrong password é" }).toString());
    expect(ok.statusCode).toBe(401);
    expect(auditRows(w.store, "staff.sign_in_failed").length).toBe(before + 1);
  });

  it("decodes + and %-escapes, keeps a repeated field's first value, and refuses what is not UTF-8", () => {
    expect(parseForm("a=1&b=x+y&c=%C3%A9&a=2&&flag")).toEqual({ a: "1", b: "x y", c: "é", flag: "" });
    expect(parseForm("")).toEqual({});
    expect(Object.getPrototypeOf(parseForm("__proto__=x"))).toBeNull();
    for (const bad of ["a=%", "a=%2", "a=%ZZ", "a=%C3", "%ZZ=1", "a=%ED%A0%80"]) expect(() => parseForm(bad), bad).toThrow(/not valid application\/x-www-form-urlencoded/);
  });
});
