/**
 * Cutting someone off (issue 8), at the service level over a real in-memory database: deactivation
 * revokes tokens, ends browser sessions and kills links in one audited transaction, keeps history,
 * and is refused for the last owner; tokens are listed without secrets and revoked one at a time.
 */
import { describe, expect, it } from "vitest";
import { mintSignInLink, useSignInLink } from "../../src/server/domain/sessions/sign-in-link.js";
import { hashSecret } from "../../src/server/domain/shared/crypto.js";
import { deactivateStaff, listTokens, revokeToken } from "../../src/server/domain/staff/deactivate.js";
import { addStaff, authenticateToken, createApiToken, enableTeletherapy, getStaff, listStaff, TOKEN_TOUCH_MS } from "../../src/server/domain/staff/service.js";
import { sendStaffInvite, staffSignIn } from "../../src/server/domain/staff/web.js";
import { auditRows, book, makeWorld, refusal, rows, type World } from "../helpers/server.js";
import { givePassword } from "../helpers/pages.js";
import { asStaff, idOf, makePractice } from "../helpers/world.js";
import { buildAppPerTest } from "../helpers/app.js";

const buildApp = buildAppPerTest();

const visitor = { kind: "anonymous" as const, ip: "198.51.100.7", requestId: "req_deact" };

/** Tina with two tokens, a browser session, a live sign-in link and a live invite. */
async function cutOffReady(w: World) {
  const tina = idOf(w.p.tina);
  const t1 = await createApiToken(w.deps, w.p.owner, tina);
  const t2 = await createApiToken(w.deps, w.p.manager, tina);
  await w.store.webSessions.insert({
    id: "ses_tina", practiceId: w.p.practiceId, subjectType: "staff", subjectId: tina, csrfToken: "c", createdAt: w.deps.clock(),
    expiresAt: w.deps.clock() + 3600_000, tokenHash: hashSecret("cookie-tina"),
  });
  const apt = await book(w, { client: w.p.alice, start: "2026-12-01T09:10", telehealth: true });
  const link = new URL((await mintSignInLink(w.deps, w.p.tina, apt.id)).url);
  await sendStaffInvite(w.deps, w.p.owner, tina);
  return { tina, t1, t2, apt, link };
}

describe("tele staff deactivate", () => {
  it("revokes every token, ends every browser session and kills every link in one audited change; history stays", async () => {
    const w = await makeWorld();
    const r = await cutOffReady(w);
    expect(await authenticateToken(w.deps, r.t1.token)).toBeDefined();
    const history = auditRows(w.store);
    const out = await deactivateStaff(w.deps, w.p.manager, "tina@maple.test");
    expect(out).toMatchObject({ changed: true, endedWebSessions: 1, staff: { id: r.tina, active: false } });
    expect(out.revokedTokens.sort()).toEqual([r.t1.id, r.t2.id].sort());
    expect(out.revokedLinks).toBe(2); // the sign-in link and the invite
    for (const t of [r.t1, r.t2]) expect(await authenticateToken(w.deps, t.token)).toBeUndefined();
    expect(await w.store.webSessions.live(hashSecret("cookie-tina"), w.deps.clock())).toBeUndefined();
    await refusal(useSignInLink(w.deps, visitor, r.link.pathname.slice(3), r.apt.id), "link_invalid", 410);
    // History kept: the record, her appointment, her audit rows.
    expect((await getStaff(w.deps, w.p.owner, r.tina)).deactivatedAt).toBe(new Date(w.deps.clock()).toISOString());
    expect(rows(w.store, "appointments").map((a) => a.therapist_id)).toContain(r.tina);
    expect(auditRows(w.store).slice(0, history.length)).toEqual(history);
    const [row] = auditRows(w.store, "staff.deactivate");
    expect(row).toMatchObject({ actor_id: idOf(w.p.manager), record_id: r.tina });
    expect(JSON.parse(row!.details!)).toMatchObject({ endedWebSessions: 1, revokedLinks: 2 });
  });

  it("is idempotent, and is shown in the staff list as active: false", async () => {
    const w = await makeWorld();
    await deactivateStaff(w.deps, w.p.owner, idOf(w.p.theo));
    expect((await deactivateStaff(w.deps, w.p.owner, idOf(w.p.theo))).changed).toBe(false);
    expect(auditRows(w.store, "staff.deactivate")).toHaveLength(1);
    const list = (await listStaff(w.deps, w.p.owner)).items;
    expect(list.filter((s) => !s.active).map((s) => s.id)).toEqual([idOf(w.p.theo)]);
  });

  it("a deactivated staff member cannot sign in, be given a token or an invite, or be scheduled", async () => {
    const w = await makeWorld();
    const password = await givePassword(w, "tina@maple.test");
    await deactivateStaff(w.deps, w.p.owner, idOf(w.p.tina));
    await refusal(createApiToken(w.deps, w.p.owner, idOf(w.p.tina)), "staff_deactivated", 409);
    await refusal(sendStaffInvite(w.deps, w.p.owner, idOf(w.p.tina)), "staff_deactivated", 409);
    await refusal(enableTeletherapy(w.deps, w.p.owner, idOf(w.p.tina)), "staff_deactivated", 409);
    await refusal(book(w, { client: w.p.alice, start: "2026-12-02T10:00" }), "staff_deactivated", 409);
    const practice = (await w.store.practices.byId(w.p.practiceId))!;
    expect(await staffSignIn(w.deps, visitor, practice, { email: "tina@maple.test", password })).toBeUndefined();
    expect(JSON.parse(auditRows(w.store, "staff.sign_in_failed").at(-1)!.details!)).toEqual({ reason: "deactivated" });
  });

  it("refuses the last active owner (409 last_owner) and lets a manager deactivate nobody who is an owner (403)", async () => {
    const w = await makeWorld();
    await refusal(deactivateStaff(w.deps, w.p.owner, idOf(w.p.owner)), "last_owner", 409);
    const second = asStaff((await w.store.staff.byId(w.p.practiceId, (await addStaff(w.deps, w.p.owner, { name: "Oona Owner", email: "oona@maple.test", roles: ["owner"] })).id))!);
    await refusal(deactivateStaff(w.deps, w.p.manager, idOf(second)), "permission_denied", 403);
    await refusal(deactivateStaff(w.deps, w.p.tina, idOf(w.p.theo)), "permission_denied", 403);
    await refusal(deactivateStaff(w.deps, w.p.biller, idOf(w.p.theo)), "permission_denied", 403);
    // With a second owner the first may go; then the second is the last.
    expect((await deactivateStaff(w.deps, second, idOf(w.p.owner))).changed).toBe(true);
    await refusal(deactivateStaff(w.deps, second, idOf(second)), "last_owner", 409);
    expect(auditRows(w.store, "staff.deactivate")).toHaveLength(1);
  });
});

describe("a deactivated staff member's open session page", () => {
  it("its live stream ends at once, and reconnecting is refused (401)", async () => {
    const w = await makeWorld();
    const app = buildApp(w.deps);
    const url = await app.listen({ port: 0, host: "127.0.0.1" });
    const r = await cutOffReady(w);
    const events = `${url}/p/maple-therapy/appointments/${r.apt.id}/session/events`;
    const res = await fetch(events, { headers: { cookie: "tele_session=cookie-tina" } });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = "";
    while (!text.includes("event: state")) text += new TextDecoder().decode((await reader.read()).value);
    await deactivateStaff(w.deps, w.p.owner, r.tina);
    for (;;) if ((await reader.read()).done) break;
    expect((await fetch(events, { headers: { cookie: "tele_session=cookie-tina" } })).status).toBe(401);
  });
});

describe("tele staff tokens list / revoke", () => {
  it("lists ids and times, never a token or its hash; the id reveals nothing of the token", async () => {
    const w = await makeWorld();
    const t = await createApiToken(w.deps, w.p.owner, idOf(w.p.tina));
    w.advance(TOKEN_TOUCH_MS);
    await authenticateToken(w.deps, t.token);
    const [listed] = await listTokens(w.deps, w.p.manager, idOf(w.p.tina));
    expect(listed).toEqual({
      id: t.id, staffId: idOf(w.p.tina), createdAt: t.createdAt, createdBy: idOf(w.p.owner),
      lastUsedAt: new Date(w.deps.clock()).toISOString(), revokedAt: null, active: true,
    });
    const text = JSON.stringify(listed);
    expect(text).not.toContain(t.token);
    expect(text).not.toContain(hashSecret(t.token));
    expect(t.token).not.toContain(t.id.slice(4));
    await refusal(listTokens(w.deps, w.p.biller, idOf(w.p.tina)), "permission_denied", 403);
    await refusal(listTokens(w.deps, w.p.manager, idOf(w.p.owner)), "permission_denied", 403);
  });

  it("revokes one token at once (audited, idempotent); a manager cannot revoke an owner's; unknown ids are 404", async () => {
    const w = await makeWorld();
    const keep = await createApiToken(w.deps, w.p.owner, idOf(w.p.tina));
    const drop = await createApiToken(w.deps, w.p.owner, idOf(w.p.tina));
    const out = await revokeToken(w.deps, w.p.manager, drop.id);
    expect(out).toMatchObject({ changed: true, token: { id: drop.id, active: false } });
    expect(await authenticateToken(w.deps, drop.token)).toBeUndefined();
    expect(await authenticateToken(w.deps, keep.token)).toBeDefined();
    expect((await revokeToken(w.deps, w.p.manager, drop.id)).changed).toBe(false);
    expect(auditRows(w.store, "staff.token.revoke").map((r) => JSON.parse(r.details!).tokenId)).toEqual([drop.id]);
    const ownerToken = (await listTokens(w.deps, w.p.owner, idOf(w.p.owner)))[0]!;
    await refusal(revokeToken(w.deps, w.p.manager, ownerToken.id), "permission_denied", 403);
    await refusal(revokeToken(w.deps, w.p.owner, "tok_nope"), "not_found", 404);
    const other = await makePractice(w.deps, "Birch Therapy");
    await refusal(revokeToken(w.deps, other.owner, keep.id), "not_found", 404);
  });
});
