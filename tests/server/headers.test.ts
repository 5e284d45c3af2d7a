/**
 * Every response carries the page security headers (issue 8): pages, their redirects (302/303)
 * and error pages, API replies and problems, framework errors, the webhook, assets, /healthz.
 * Where a response sets its own (an asset's caching), that choice is kept.
 */
import { describe, expect, it } from "vitest";
import { PAGE_HEADERS } from "../../src/server/web/security.js";
import { assetUrl } from "../../src/server/web/assets.js";
import { registerZoomWebhook } from "../../src/server/http/routes/zoom-webhook.js";
import { buildAppPerTest } from "../helpers/app.js";
import { makeWorld } from "../helpers/server.js";

const buildApp = buildAppPerTest();
const SECURITY = ["content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options", "cross-origin-opener-policy", "permissions-policy"];

describe("security headers on every response", () => {
  it("pages, redirects, error pages, 429s, API replies and problems, framework errors, the webhook and assets all carry them", async () => {
    const w = await makeWorld();
    const app = buildApp(w.deps, { limits: { accountAttempts: 1, addressAttempts: 100, windowMs: 60_000 } });
    registerZoomWebhook(app, w.deps, { secret: undefined, onEvent: () => undefined });
    const form = { "content-type": "application/x-www-form-urlencoded" };
    const token = { authorization: `Bearer ${w.p.token}` };
    const asset = assetUrl("tele.css");
    const requests: [string, Parameters<typeof app.inject>[0], number][] = [
      ["the server's / page", { method: "GET", url: "/" }, 200],
      ["portal sign-in page", { method: "GET", url: "/p/maple-therapy" }, 200],
      ["dashboard, signed out: redirect", { method: "GET", url: "/p/maple-therapy/dashboard" }, 303],
      ["portal sign-out, signed out: redirect", { method: "POST", url: "/p/maple-therapy/sign-out", headers: form, payload: "" }, 303],
      ["staff sign-out, signed out: redirect", { method: "POST", url: "/p/maple-therapy/staff/sign-out", headers: form, payload: "" }, 303],
      ["staff dashboard, signed out: redirect", { method: "GET", url: "/p/maple-therapy/staff" }, 303],
      ["session page, signed out: redirect", { method: "GET", url: "/p/maple-therapy/appointments/apt_x/session" }, 303],
      ["unknown portal: 404 page", { method: "GET", url: "/p/no-such-practice" }, 404],
      ["form without CSRF: 403 page", { method: "POST", url: "/p/maple-therapy/sign-in", headers: form, payload: "email=a" }, 403],
      ["dead invite link: 410 page", { method: "GET", url: `/p/maple-therapy/invite/${"A".repeat(43)}` }, 410],
      ["unknown join link: 404 page", { method: "GET", url: `/j/${"A".repeat(43)}` }, 404],
      ["API reply", { method: "GET", url: "/api/v1/me", headers: token }, 200],
      ["API 401", { method: "GET", url: "/api/v1/me" }, 401],
      ["API 404", { method: "GET", url: "/api/v1/nothing-here" }, 404],
      ["API 415", { method: "POST", url: "/api/v1/clients", headers: { ...token, "content-type": "application/xml" }, payload: "<a/>" }, 415],
      ["API 415 (malformed JSON)", { method: "POST", url: "/api/v1/clients", headers: { ...token, "content-type": "application/json" }, payload: "{" }, 415],
      ["malformed URL", { method: "GET", url: "/p/%E0%A4%A" }, 400],
      ["webhook 503", { method: "POST", url: "/webhooks/zoom", payload: "{}" }, 503],
      ["healthz", { method: "GET", url: "/healthz" }, 200],
      ["OpenAPI document", { method: "GET", url: "/api/v1/openapi.json" }, 200],
      ["asset", { method: "GET", url: asset }, 200],
    ];
    for (const [name, req, status] of requests) {
      const res = await app.inject(req);
      expect(res.statusCode, name).toBe(status);
      for (const h of SECURITY) expect(res.headers[h], `${name}: ${h}`).toBe(PAGE_HEADERS[h]);
      expect(res.headers["x-request-id"], name).toMatch(/^req_/);
    }
    // An asset keeps its own caching; everything else is no-store.
    expect((await app.inject({ method: "GET", url: asset })).headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect((await app.inject({ method: "GET", url: "/p/maple-therapy/dashboard" })).headers["cache-control"]).toBe("no-store");
  });

  it("a 429, page or API, has Retry-After and the page headers", async () => {
    const w = await makeWorld();
    const app = buildApp(w.deps, { limits: { accountAttempts: 1, addressAttempts: 1, windowMs: 60_000 } });
    const me = () => app.inject({ method: "GET", url: "/api/v1/me", headers: { authorization: "Bearer wrong" } });
    expect((await me()).statusCode).toBe(401);
    const api = await me();
    const page = await app.inject({ method: "GET", url: `/j/${"B".repeat(43)}` });
    const pageAgain = await app.inject({ method: "GET", url: `/j/${"B".repeat(43)}` });
    expect([api.statusCode, page.statusCode, pageAgain.statusCode]).toEqual([429, 404, 429]);
    for (const res of [api, pageAgain]) {
      expect(res.headers["retry-after"]).toBe("60");
      for (const h of SECURITY) expect(res.headers[h], h).toBe(PAGE_HEADERS[h]);
    }
  });
});
