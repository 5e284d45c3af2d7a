/** Staff in the browser: the emailed invite (1 h, single use), password sign-in, and the CLI's sign-in link (2 min). */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Actor } from "../../src/server/domain/deps.js";
import { DomainError } from "../../src/server/domain/errors.js";
import { mintSignInLink, useSignInLink } from "../../src/server/domain/sessions/sign-in-link.js";
import { verifyPassword } from "../../src/server/domain/shared/crypto.js";
import { addStaff } from "../../src/server/domain/staff/service.js";
import { acceptStaffInvite, sendStaffInvite, staffInvite, staffSignIn } from "../../src/server/domain/staff/web.js";
import { auditRows, book, count, lastMailTo, makeWorld, refusal, rows, type World } from "../helpers/server.js";
import { idOf, T0 } from "../helpers/world.js";

const MINUTE = 60_000;
const visitor: Actor = { kind: "anonymous", ip: "198.51.100.23", requestId: "req_staff_web" };
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** The welcome link in a staff invite's text. */
function welcomeLink(text: string): { url: string; slug: string; token: string } {
  const m = /(http:\/\/tele\.test\/p\/([a-z0-9-]+)\/staff\/welcome\/([A-Za-z0-9_-]{43}))\n/.exec(text);
  if (!m) throw new Error(`no staff welcome link in: ${text}`);
  return { url: m[1]!, slug: m[2]!, token: m[3]! };
}

/** Adds Nina (a therapist) and returns the token of her invite. */
async function addNina(w: World, email = "nina@maple.test") {
  const woken = w.queued.length;
  const staff = await addStaff(w.deps, w.p.owner, { name: "Nina New", email, roles: ["therapist"] });
  const mail = lastMailTo(w.store, email)!;
  return { staff, mail, link: welcomeLink(mail.text_body), woke: w.queued.length - woken };
}

const passwordOf = (w: World, id: string) =>
  w.store.db.prepare(`SELECT password_hash FROM staff WHERE id = ?`).pluck().get(id) as string | null;

const accept = (w: World, slug: string, token: string, password = "a long new password", confirm = password) =>
  acceptStaffInvite(w.deps, visitor, { slug, token, password, confirm });

describe("staff invite: `tele staff add` emails a link to set a password", () => {
  it("queues the invite with the staff member, wakes the mail worker, and audits it with the addition", async () => {
    const w = await makeWorld();
    const { staff, mail, link, woke } = await addNina(w);
    expect(mail.subject).toBe("You have been added to Maple Therapy on tele");
    expect(mail.status).toBe("queued");
    expect(link.url).toBe(`http://tele.test/p/maple-therapy/staff/welcome/${link.token}`);
    expect(mail.text_body).toContain("expires in 1 hour");
    expect(woke).toBe(1);
    const [added] = auditRows(w.store, "staff.add").filter((r) => r.record_id === staff.id);
    expect(JSON.parse(added!.details!)).toMatchObject({ roles: ["therapist"], invite: { mailId: mail.id } });
    // Only the hash is kept.
    for (const row of [...rows(w.store, "links"), ...rows(w.store, "audit_log")]) expect(JSON.stringify(row)).not.toContain(link.token);
    expect(w.store.db.prepare(`SELECT kind FROM links WHERE token_hash = ?`).pluck().get(sha256(link.token))).toBe("staff_invite");
  });

  it("a refused addition queues no invite", async () => {
    const w = await makeWorld();
    const mail = count(w.store, "mail");
    await refusal(addStaff(w.deps, w.p.tina, { name: "Nina New", email: "nina@maple.test", roles: ["therapist"] }), "permission_denied", 403);
    await refusal(addStaff(w.deps, w.p.owner, { name: "Tina Again", email: "tina@maple.test", roles: ["therapist"] }), "already_exists", 409);
    expect(count(w.store, "mail")).toBe(mail);
  });

  it("sets the password once; the link then stops working and the password stays", async () => {
    const w = await makeWorld();
    const { staff, link } = await addNina(w);
    expect((await staffInvite(w.deps, "maple-therapy", link.token))?.staff.id).toBe(staff.id);
    expect((await accept(w, "maple-therapy", link.token)).staff.id).toBe(staff.id);
    expect(await verifyPassword("a long new password", passwordOf(w, staff.id)!)).toBe(true);
    expect(auditRows(w.store, "staff.password_set")).toMatchObject([{ actor_type: "staff", actor_id: staff.id, ip: "198.51.100.23" }]);
    const hash = passwordOf(w, staff.id);
    expect(await staffInvite(w.deps, "maple-therapy", link.token)).toBeUndefined();
    const err = await refusal(accept(w, "maple-therapy", link.token, "another password!"), "link_invalid", 410);
    expect(err.message).toContain("ask your practice's owner or manager to send a new invite");
    expect(passwordOf(w, staff.id)).toBe(hash);
    expect(auditRows(w.store, "staff.invite.refused")).toHaveLength(1);
  });

  it("works for 1 hour and not a millisecond longer", async () => {
    const w = await makeWorld();
    const early = await addNina(w, "nina@maple.test");
    const late = await addNina(w, "noah@maple.test");
    w.setNow(T0 + 60 * MINUTE - 1);
    expect((await accept(w, "maple-therapy", early.link.token)).staff.id).toBe(early.staff.id);
    w.setNow(T0 + 60 * MINUTE);
    expect(await staffInvite(w.deps, "maple-therapy", late.link.token)).toBeUndefined();
    await refusal(accept(w, "maple-therapy", late.link.token), "link_invalid", 410);
    expect(passwordOf(w, late.staff.id)).toBeNull();
  });

  it("refuses short and mismatched passwords (400) without using up the link", async () => {
    const w = await makeWorld();
    const { staff, link } = await addNina(w);
    await refusal(accept(w, "maple-therapy", link.token, "too short"), "invalid_request", 400);
    await refusal(accept(w, "maple-therapy", link.token, "a long new password", "a long new passwort"), "invalid_request", 400);
    await refusal(accept(w, "maple-therapy", link.token, "x".repeat(201)), "invalid_request", 400);
    expect(passwordOf(w, staff.id)).toBeNull();
    expect((await accept(w, "maple-therapy", link.token)).staff.id).toBe(staff.id);
  });

  it("another practice's address, an altered token or a non-token is refused", async () => {
    const w = await makeWorld();
    const { staff, link } = await addNina(w);
    const altered = link.token.slice(0, -1) + (link.token.endsWith("A") ? "B" : "A");
    for (const [slug, token] of [["birch-therapy", link.token], ["maple-therapy", altered], ["maple-therapy", "short"], ["maple-therapy", "../../x"]]) {
      expect(await staffInvite(w.deps, slug!, token!)).toBeUndefined();
      await refusal(accept(w, slug!, token!), "link_invalid", 410);
    }
    expect(passwordOf(w, staff.id)).toBeNull();
  });
});

describe("tele staff invite: a fresh invite", () => {
  it("an owner or manager re-sends it (the earlier link stops working); the owner from tele init can get one too", async () => {
    const w = await makeWorld();
    const first = await addNina(w);
    w.advance(1000);
    const woken = w.queued.length;
    const res = await sendStaffInvite(w.deps, w.p.manager, "Nina@Maple.test");
    expect(res).toMatchObject({ staffId: first.staff.id, expiresAt: new Date(T0 + 1000 + 60 * MINUTE).toISOString() });
    expect(w.queued.length).toBe(woken + 1);
    const second = welcomeLink(lastMailTo(w.store, "nina@maple.test")!.text_body);
    expect(second.token).not.toBe(first.link.token);
    await refusal(accept(w, "maple-therapy", first.link.token), "link_invalid", 410);
    expect((await accept(w, "maple-therapy", second.token)).staff.id).toBe(first.staff.id);
    expect(auditRows(w.store, "staff.invite")).toMatchObject([{ actor_id: idOf(w.p.manager), record_id: first.staff.id }]);
    await sendStaffInvite(w.deps, w.p.owner, idOf(w.p.owner));
    const owner = welcomeLink(lastMailTo(w.store, "owner@maple.test")!.text_body);
    expect((await accept(w, "maple-therapy", owner.token)).staff.id).toBe(idOf(w.p.owner));
  });

  it("therapists and billers may not send one (403), and nothing is queued", async () => {
    const w = await makeWorld();
    const mail = count(w.store, "mail");
    await refusal(sendStaffInvite(w.deps, w.p.tina, idOf(w.p.tina)), "permission_denied", 403);
    await refusal(sendStaffInvite(w.deps, w.p.biller, idOf(w.p.tina)), "permission_denied", 403);
    await refusal(sendStaffInvite(w.deps, w.p.owner, "nobody@maple.test"), "not_found", 404);
    expect(count(w.store, "mail")).toBe(mail);
  });
});

describe("staff sign-in with email and password", () => {
  it("signs in with the password set through the invite, and audits it", async () => {
    const w = await makeWorld();
    const { staff, link } = await addNina(w);
    await accept(w, "maple-therapy", link.token);
    const practice = (await w.store.practices.bySlug("maple-therapy"))!;
    expect((await staffSignIn(w.deps, visitor, practice, { email: " Nina@Maple.test ", password: "a long new password" }))?.id).toBe(staff.id);
    expect(auditRows(w.store, "staff.sign_in")).toMatchObject([{ actor_type: "staff", actor_id: staff.id, ip: "198.51.100.23" }]);
  });

  it("a wrong password, an unknown email and an account without a password all fail alike, audited without the email", async () => {
    const w = await makeWorld();
    const { link } = await addNina(w);
    await accept(w, "maple-therapy", link.token);
    const practice = (await w.store.practices.bySlug("maple-therapy"))!;
    for (const [email, password] of [["nina@maple.test", "not the password"], ["nobody@maple.test", "a long new password"], ["tina@maple.test", "anything at all"], ["nina@maple.test", ""]]) {
      expect(await staffSignIn(w.deps, visitor, practice, { email, password })).toBeUndefined();
    }
    const failed = auditRows(w.store, "staff.sign_in_failed");
    expect(failed.map((r) => JSON.parse(r.details!).reason)).toEqual(["wrong_password", "unknown_account", "no_password", "wrong_password"]);
    expect(JSON.stringify(failed)).not.toMatch(/nobody@|nina@|tina@/);
    expect(auditRows(w.store, "staff.sign_in")).toHaveLength(0);
  });
});

describe("the CLI's sign-in link to an appointment's session page", () => {
  async function telehealthAppointment(w: World) {
    return book(w, { client: w.p.alice, start: "2026-12-01T09:10", telehealth: true });
  }

  it("the appointment's therapist, an owner and a manager may mint it; another therapist and a biller may not", async () => {
    const w = await makeWorld();
    const apt = await telehealthAppointment(w);
    for (const who of [w.p.tina, w.p.owner, w.p.manager]) {
      const link = await mintSignInLink(w.deps, who, apt.id);
      expect(link.url).toMatch(new RegExp(`^http://tele\\.test/s/[A-Za-z0-9_-]{43}\\?a=${apt.id}$`));
      expect(link.expiresAt).toBe(new Date(T0 + 2 * MINUTE).toISOString());
    }
    const linksBefore = count(w.store, "links");
    await refusal(mintSignInLink(w.deps, w.p.theo, apt.id), "permission_denied", 403);
    await refusal(mintSignInLink(w.deps, w.p.biller, apt.id), "permission_denied", 403);
    await refusal(mintSignInLink(w.deps, w.p.tina, "apt_missing"), "not_found", 404);
    expect(count(w.store, "links")).toBe(linksBefore);
    expect(auditRows(w.store, "session.sign_in_link").map((r) => r.actor_id)).toEqual([idOf(w.p.tina), idOf(w.p.owner), idOf(w.p.manager)]);
  });

  it("signs in the staff member who minted it, for that appointment, once", async () => {
    const w = await makeWorld();
    const apt = await telehealthAppointment(w);
    const url = new URL((await mintSignInLink(w.deps, w.p.tina, apt.id)).url);
    const token = url.pathname.slice(3);
    for (const row of [...rows(w.store, "links"), ...rows(w.store, "audit_log")]) expect(JSON.stringify(row)).not.toContain(token);
    const used = await useSignInLink(w.deps, visitor, token, url.searchParams.get("a"));
    expect({ staff: used.staff.id, appointment: used.appointmentId, slug: used.practice.slug }).toEqual({ staff: idOf(w.p.tina), appointment: apt.id, slug: "maple-therapy" });
    expect(auditRows(w.store, "staff.sign_in")).toMatchObject([{ actor_id: idOf(w.p.tina), ip: "198.51.100.23" }]);
    const again = await refusal(useSignInLink(w.deps, visitor, token, apt.id), "link_invalid", 410);
    expect(again.message).toContain("tele sessions open");
    expect(auditRows(w.store, "staff.sign_in")).toHaveLength(1);
  });

  it("works for 2 minutes and not a millisecond longer", async () => {
    const w = await makeWorld();
    const apt = await telehealthAppointment(w);
    const a = new URL((await mintSignInLink(w.deps, w.p.tina, apt.id)).url);
    const b = new URL((await mintSignInLink(w.deps, w.p.tina, apt.id)).url);
    w.setNow(T0 + 2 * MINUTE - 1);
    expect((await useSignInLink(w.deps, visitor, a.pathname.slice(3), apt.id)).appointmentId).toBe(apt.id);
    w.setNow(T0 + 2 * MINUTE);
    await refusal(useSignInLink(w.deps, visitor, b.pathname.slice(3), apt.id), "link_invalid", 410);
  });

  it("an altered appointment id or token, or a portal invite token, matches nothing (404)", async () => {
    const w = await makeWorld();
    const apt = await telehealthAppointment(w);
    const other = await book(w, { client: w.p.alice, start: "2026-12-01T10:10", telehealth: true });
    const url = new URL((await mintSignInLink(w.deps, w.p.tina, apt.id)).url);
    const token = url.pathname.slice(3);
    const altered = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    const invite = welcomeLink((await addNina(w)).mail.text_body).token;
    for (const [t, a] of [[token, other.id], [altered, apt.id], [invite, apt.id], [token, undefined], [token, ["x"]], ["short", apt.id]] as const) {
      const err = await useSignInLink(w.deps, visitor, t, a).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).status).toBe(404);
    }
    // The real link still works after all that.
    expect((await useSignInLink(w.deps, visitor, token, apt.id)).staff.id).toBe(idOf(w.p.tina));
  });
});
