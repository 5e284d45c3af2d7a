/**
 * The consent page and the gate (R26) through buildApp + inject, with a fixed clock: no text, no
 * step; with one, the session page sends the client to sign and back, and the session's live
 * endpoints refuse them until they have; what is kept (time, version, address, browser); a text
 * changed mid-read; no open redirect through `next`; signed-out visitors go to sign in first.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { setConsentText } from "../../src/server/domain/consent/versions.js";
import { buildApp } from "../../src/server/http/app.js";
import { expectPageHeaders, pageBrowser, type PageBrowser } from "../helpers/pages.js";
import { activatePortal, auditRows, book, makeWorld, rows, type World } from "../helpers/server.js";
import { T0 } from "../helpers/world.js";

const P = "/p/maple-therapy";
let w: World;
let app: FastifyInstance;
let b: PageBrowser;
let session = "";

beforeEach(async () => {
  w = await makeWorld();
  app = buildApp(w.deps);
  await app.ready();
  const apt = await book(w, { client: w.p.alice, start: "2026-12-01T09:05", telehealth: true }); // T0 is 09:00 in New York: the window is open
  session = `${P}/appointments/${apt.id}/session`;
  await activatePortal(w, w.p.alice, "correct horse battery");
  b = pageBrowser(app);
  await b.get(P);
  expect((await b.post(`${P}/sign-in`, { email: "alice@client.test", password: "correct horse battery" })).statusCode).toBe(303);
});
afterEach(() => app.close());

const consentTo = (next: string) => `${P}/consent?next=${encodeURIComponent(next)}`;

describe("the consent gate in the portal", () => {
  it("no text: no step; the consent page says there is nothing to sign, and I agree goes on", async () => {
    expect((await b.get(session)).statusCode).toBe(200);
    const page = await b.get(`${P}/consent`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Maple Therapy has no telehealth consent form for you to sign.");
    const agreed = await b.post(`${P}/consent`, { version: "1", typedName: "Alice", next: session });
    expect(agreed.statusCode).toBe(303);
    expect(agreed.headers.location).toBe(session);
    expect(rows(w.store, "consent_acceptances")).toEqual([]);
  });

  it("with a text: the session page sends the client to sign and back; the live endpoints refuse until then", async () => {
    await setConsentText(w.deps, w.p.owner, { text: "I agree to telehealth." });
    const gate = await b.get(session);
    expect(gate.statusCode).toBe(303);
    expect(gate.headers.location).toBe(consentTo(session));
    for (const res of [await b.get(`${session}/events`), await b.post(`${session}/video`)]) {
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: "consent_required" });
    }
    const page = await b.get(consentTo(session));
    expectPageHeaders(page);
    expect(page.body).toContain('<div class="consent-body">I agree to telehealth.</div>');
    w.advance(30_000);
    const agreed = await b.post(`${P}/consent`, { version: "1", typedName: "Alice Client", next: session });
    expect(agreed.statusCode).toBe(303);
    expect(agreed.headers.location).toBe(session);
    expect(rows(w.store, "consent_acceptances")).toEqual([{
      practice_id: w.p.practiceId, client_id: w.p.alice.id, version: 1, typed_name: "Alice Client", accepted_at: T0 + 30_000,
      address: "127.0.0.1", user_agent: "lightMyRequest",
    }]);
    expect(auditRows(w.store, "client.consent.accept")).toHaveLength(1);
    expect(auditRows(w.store, "portal.consent.view").length).toBeGreaterThanOrEqual(1);
    expect((await b.get(session)).statusCode).toBe(200);
    const signed = await b.get(`${P}/consent`);
    expect(signed.body).toContain("You signed version 1 of this consent on Tue 1 Dec 2026, 09:00 EST.");
    expect(signed.body).not.toContain("I agree</button>");
  });

  it("a text changed while the client read it: 409, the new text shown, nothing kept", async () => {
    await setConsentText(w.deps, w.p.owner, { text: "Version one." });
    await b.get(consentTo(session));
    await setConsentText(w.deps, w.p.owner, { text: "Version two." });
    const stale = await b.post(`${P}/consent`, { version: "1", typedName: "Alice Client", next: session });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain("The consent text changed while you were reading it.");
    expect(stale.body).toContain("Version two.");
    expect(stale.body).toContain('name="version" value="2"');
    expect(rows(w.store, "consent_acceptances")).toEqual([]);
  });

  it("an empty name: 422 with the error tied to the field; a forged form: 403; nothing kept", async () => {
    await setConsentText(w.deps, w.p.owner, { text: "I agree." });
    await b.get(`${P}/consent`);
    const empty = await b.post(`${P}/consent`, { version: "1", typedName: " " });
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toMatch(/aria-describedby="f-typedName-error f-typedName-hint" aria-invalid="true" autofocus/);
    expect(empty.body).toContain('<p class="field-error" id="f-typedName-error">Type your full name to sign.</p>');
    expect((await b.post(`${P}/consent`, { version: "1", typedName: "Alice" }, { csrf: false })).statusCode).toBe(403);
    expect(rows(w.store, "consent_acceptances")).toEqual([]);
  });

  it("next never leads off the practice's pages (no open redirect)", async () => {
    await setConsentText(w.deps, w.p.owner, { text: "I agree." });
    await b.get(`${P}/consent?next=https%3A%2F%2Fevil.test%2F`);
    const page = await b.get(`${P}/consent?next=%2F%2Fevil.test`);
    expect(page.body).toContain(`name="next" value="${P}/dashboard"`);
    const agreed = await b.post(`${P}/consent`, { version: "1", typedName: "Alice", next: "https://evil.test/" });
    expect(agreed.headers.location).toBe(`${P}/dashboard`);
  });

  it("signed out: the consent page sends to sign in first; I agree does nothing", async () => {
    const visitor = pageBrowser(app);
    const res = await visitor.get(`${P}/consent`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${P}?next=${encodeURIComponent(`${P}/consent`)}`);
    expect((await visitor.post(`${P}/consent`, { version: "1", typedName: "Alice" })).statusCode).toBe(303);
    expect(rows(w.store, "consent_acceptances")).toEqual([]);
  });
});
