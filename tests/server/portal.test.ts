/** R10, R11: portal invites and password resets; secrets are stored only as hashes. */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Actor } from "../../src/server/domain/deps.js";
import { portalReset, portalSignup, sendPortalInvite } from "../../src/server/domain/clients/portal.js";
import { getClient } from "../../src/server/domain/clients/service.js";
import { verifyPassword } from "../../src/server/domain/shared/crypto.js";
import { authenticateToken, createApiToken } from "../../src/server/domain/staff/service.js";
import { auditRows, book, count, lastMailTo, linkIn, makeWorld, refusal, rows, type World } from "../helpers/server.js";
import { idOf, T0 } from "../helpers/world.js";

const HOUR = 3_600_000;
const visitor: Actor = { kind: "anonymous", ip: "198.51.100.7", requestId: "req_portal" };
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** Invites alice and returns the token from the mail that was queued. */
async function inviteAlice(w: World, as: Actor = w.p.owner) {
  const res = await sendPortalInvite(w.deps, as, w.p.alice.id);
  const mail = lastMailTo(w.store, "alice@client.test")!;
  return { res, mail, link: linkIn(mail.text_body) };
}

/** Mail queued to one address (the seeded staff's invites are in the outbox too). */
const mailTo = (w: World, to: string) => w.store.db.prepare(`SELECT count(*) FROM mail WHERE to_address = ?`).pluck().get(to) as number;

const passwordHash = (w: World, id: string) =>
  (w.store.db.prepare(`SELECT password_hash FROM clients WHERE id = ?`).get(id) as { password_hash: string | null }).password_hash;

/** No cell of any row of `table` contains `secret`. */
function expectNowhere(w: World, table: string, secret: string) {
  for (const row of rows(w.store, table)) {
    for (const [col, v] of Object.entries(row)) expect(String(v), `${table}.${col}`).not.toContain(secret);
  }
}

describe("R10: portal invites", () => {
  it("queues a mail whose text holds the sign-up link, and wakes the mail worker", async () => {
    const w = await makeWorld();
    const woken = w.queued.length; // adding the seeded staff queued their own invites
    const { res, mail, link } = await inviteAlice(w);
    expect(res).toMatchObject({ clientId: w.p.alice.id, kind: "invite", mailId: mail.id, expiresAt: new Date(T0 + 48 * HOUR).toISOString() });
    expect(link.url).toBe(`http://tele.test/p/maple-therapy/invite/${link.token}`);
    expect(link.token.length).toBeGreaterThanOrEqual(40);
    expect(mail.status).toBe("queued");
    expect(w.queued.slice(woken)).toEqual([T0]);
  });

  it("stores the token only as its SHA-256 hash", async () => {
    const w = await makeWorld();
    const { link } = await inviteAlice(w);
    expectNowhere(w, "links", link.token);
    expectNowhere(w, "audit_log", link.token);
    const stored = w.store.db.prepare(`SELECT token_hash FROM links WHERE subject_id = ?`).pluck().all(w.p.alice.id);
    expect(stored).toEqual([sha256(link.token)]);
  });

  it("moves the client's portal status from none to invited to active", async () => {
    const w = await makeWorld();
    expect((await getClient(w.deps, w.p.owner, w.p.alice.id)).portal).toEqual({ status: "none" });
    const { link } = await inviteAlice(w);
    expect((await getClient(w.deps, w.p.owner, w.p.alice.id)).portal).toEqual({
      status: "invited", inviteExpiresAt: new Date(T0 + 48 * HOUR).toISOString(),
    });
    const account = await portalSignup(w.deps, visitor, { token: link.token, password: "first password!" });
    expect(account).toEqual({ clientId: w.p.alice.id, practiceSlug: "maple-therapy", status: "active" });
    expect((await getClient(w.deps, w.p.owner, w.p.alice.id)).portal).toEqual({ status: "active" });
    expect(await verifyPassword("first password!", passwordHash(w, w.p.alice.id)!)).toBe(true);
    const signup = auditRows(w.store, "portal.signup");
    expect(signup).toMatchObject([{ actor_type: "client", actor_id: w.p.alice.id, record_id: w.p.alice.id, ip: "198.51.100.7" }]);
  });

  it("works until 48 hours have passed, and not a millisecond longer", async () => {
    const w = await makeWorld();
    const first = await inviteAlice(w);
    w.advance(48 * HOUR + 1);
    await refusal(portalSignup(w.deps, visitor, { token: first.link.token, password: "too late pass" }), "link_invalid", 422);
    expect(passwordHash(w, w.p.alice.id)).toBeNull();
    expect((await getClient(w.deps, w.p.owner, w.p.alice.id)).portal.status).toBe("none"); // R11: a new one can be sent
    const second = await inviteAlice(w);
    w.advance(48 * HOUR - 1);
    expect((await portalSignup(w.deps, visitor, { token: second.link.token, password: "just in time" })).status).toBe("active");
  });

  it("is usable once", async () => {
    const w = await makeWorld();
    const { link } = await inviteAlice(w);
    await portalSignup(w.deps, visitor, { token: link.token, password: "first password!" });
    const hash = passwordHash(w, w.p.alice.id);
    await refusal(portalSignup(w.deps, visitor, { token: link.token, password: "second password" }), "link_invalid", 422);
    expect(passwordHash(w, w.p.alice.id)).toBe(hash);
  });

  it("a new invite invalidates the earlier link", async () => {
    const w = await makeWorld();
    const first = await inviteAlice(w);
    w.advance(1000);
    const second = await inviteAlice(w);
    expect(second.link.token).not.toBe(first.link.token);
    await refusal(portalSignup(w.deps, visitor, { token: first.link.token, password: "old link pass" }), "link_invalid", 422);
    expect((await portalSignup(w.deps, visitor, { token: second.link.token, password: "new link pass" })).status).toBe("active");
    expect(mailTo(w, "alice@client.test")).toBe(2);
  });

  it("an unknown or malformed token is refused", async () => {
    const w = await makeWorld();
    await refusal(portalSignup(w.deps, visitor, { token: "A".repeat(43), password: "whatever123" }), "link_invalid", 422);
    await expect(portalSignup(w.deps, visitor, { token: "short", password: "whatever123" })).rejects.toThrow();
  });

  it("a client without an email is 422 no_email, and nothing is queued", async () => {
    const w = await makeWorld();
    const [mail, links] = [count(w.store, "mail"), count(w.store, "links")]; // the seeded staff's invites
    await refusal(sendPortalInvite(w.deps, w.p.owner, w.p.carla.id), "no_email", 422);
    expect(count(w.store, "mail")).toBe(mail);
    expect(count(w.store, "links")).toBe(links);
  });

  it("the client's own therapist may invite; another therapist and the biller may not", async () => {
    const w = await makeWorld();
    await refusal(sendPortalInvite(w.deps, w.p.tina, w.p.alice.id), "permission_denied", 403);
    await book(w, { client: w.p.alice, start: "2026-12-10T09:00" });
    expect((await inviteAlice(w, w.p.tina)).res.kind).toBe("invite");
    await refusal(sendPortalInvite(w.deps, w.p.theo, w.p.alice.id), "permission_denied", 403);
    await refusal(sendPortalInvite(w.deps, w.p.biller, w.p.alice.id), "permission_denied", 403);
    expect(mailTo(w, "alice@client.test")).toBe(1);
  });
});

describe("R11: password reset for a client with an account", () => {
  async function signedUp() {
    const w = await makeWorld();
    const { link } = await inviteAlice(w);
    await portalSignup(w.deps, visitor, { token: link.token, password: "first password!" });
    return w;
  }

  it("inviting again sends a one-hour reset link instead", async () => {
    const w = await signedUp();
    const { res, mail, link } = await inviteAlice(w);
    expect(res).toMatchObject({ kind: "reset", expiresAt: new Date(T0 + HOUR).toISOString() });
    expect(mail.subject).toMatch(/reset/i);
    expect(link.url).toBe(`http://tele.test/p/maple-therapy/reset/${link.token}`);
    expectNowhere(w, "links", link.token);
  });

  it("sets a new password once", async () => {
    const w = await signedUp();
    const { link } = await inviteAlice(w);
    await refusal(portalSignup(w.deps, visitor, { token: link.token, password: "wrong endpoint" }), "link_invalid", 422);
    expect((await portalReset(w.deps, visitor, { token: link.token, password: "second password" })).status).toBe("active");
    expect(await verifyPassword("second password", passwordHash(w, w.p.alice.id)!)).toBe(true);
    expect(await verifyPassword("first password!", passwordHash(w, w.p.alice.id)!)).toBe(false);
    await refusal(portalReset(w.deps, visitor, { token: link.token, password: "third password" }), "link_invalid", 422);
    expect(await verifyPassword("second password", passwordHash(w, w.p.alice.id)!)).toBe(true);
  });

  it("expires after an hour", async () => {
    const w = await signedUp();
    const { link } = await inviteAlice(w);
    w.advance(HOUR + 1);
    await refusal(portalReset(w.deps, visitor, { token: link.token, password: "second password" }), "link_invalid", 422);
    expect(await verifyPassword("first password!", passwordHash(w, w.p.alice.id)!)).toBe(true);
  });

  it("an invite link cannot be used as a reset link", async () => {
    const w = await makeWorld();
    const { link } = await inviteAlice(w);
    await refusal(portalReset(w.deps, visitor, { token: link.token, password: "sneaky password" }), "link_invalid", 422);
    expect(passwordHash(w, w.p.alice.id)).toBeNull();
  });
});

describe("API tokens", () => {
  it("are stored only as hashes and authenticate their staff member", async () => {
    const w = await makeWorld();
    const minted = await createApiToken(w.deps, w.p.manager, idOf(w.p.tina));
    for (const token of [w.p.token, minted.token]) {
      expectNowhere(w, "api_tokens", token);
      expectNowhere(w, "audit_log", token);
    }
    const hashes = w.store.db.prepare(`SELECT token_hash FROM api_tokens ORDER BY rowid`).pluck().all();
    expect(hashes).toEqual([sha256(w.p.token), sha256(minted.token)]);
    expect((await authenticateToken(w.deps, minted.token))?.id).toBe(idOf(w.p.tina));
    expect(await authenticateToken(w.deps, sha256(minted.token))).toBeUndefined();
  });

  it("only owners and managers mint them", async () => {
    const w = await makeWorld();
    await refusal(createApiToken(w.deps, w.p.tina, idOf(w.p.tina)), "permission_denied", 403);
    await refusal(createApiToken(w.deps, w.p.biller, idOf(w.p.biller)), "permission_denied", 403);
    expect(count(w.store, "api_tokens")).toBe(1);
  });
});
