/**
 * State changes valid for the state the session is in (issue 8): no sign-in link into a session
 * that is over (or never was), and no ending of a session nobody joined outside its window. At the
 * service level, and through the real app (API and the End session form).
 */
import { describe, expect, it } from "vitest";
import { arrive, complete } from "../../src/server/domain/sessions/lifecycle.js";
import { useJoinLink } from "../../src/server/domain/sessions/join-link.js";
import { mintSignInLink, useSignInLink } from "../../src/server/domain/sessions/sign-in-link.js";
import { createApiToken } from "../../src/server/domain/staff/service.js";
import { buildAppPerTest } from "../helpers/app.js";
import { hashSecret } from "../../src/server/domain/shared/crypto.js";
import { book, count, lastMailTo, makeWorld, refusal, rows, setStatus, type World } from "../helpers/server.js";
import { idOf } from "../helpers/world.js";

const buildApp = buildAppPerTest();
const MIN = 60_000;

/** Tina's telehealth appointments: one whose window is open at T0 (09:00 New York), one next week. */
async function setup() {
  const w = await makeWorld();
  const now = await book(w, { client: w.p.alice, start: "2026-12-01T09:10", telehealth: true });
  const later = await book(w, { client: w.p.alice, start: "2026-12-08T09:10", telehealth: true });
  return { w, now, later };
}

const statusOf = (w: World, id: string) => rows(w.store, "appointments").find((a) => a.id === id)!.status;

describe("sign-in links only into a session that can still happen", () => {
  it("a completed session gets 409 session_completed, and no link is minted", async () => {
    const { w, now } = await setup();
    await complete(w.deps, w.p.tina, w.p.practiceId, now.id, "ended_by_provider");
    const links = count(w.store, "links");
    const err = await refusal(mintSignInLink(w.deps, w.p.tina, now.id), "session_completed", 409);
    expect(err.message).toContain(now.id);
    expect(count(w.store, "links")).toBe(links);
  });

  it("cancelled, no-show and in-person appointments get 409 session_not_active", async () => {
    const { w, later } = await setup();
    const inPerson = await book(w, { client: w.p.alice, start: "2026-12-02T09:10" });
    await refusal(mintSignInLink(w.deps, w.p.owner, inPerson.id), "session_not_active", 409);
    for (const status of ["cancelled", "no_show", "completed"] as const) {
      setStatus(w.store, later.id, status);
      await refusal(mintSignInLink(w.deps, w.p.owner, later.id), status === "completed" ? "session_completed" : "session_not_active", 409);
    }
  });

  it("over the API the refusal is a 409 problem with its code", async () => {
    const { w, now } = await setup();
    const app = buildApp(w.deps);
    await complete(w.deps, w.p.tina, w.p.practiceId, now.id, "ended_by_provider");
    const { token } = await createApiToken(w.deps, w.p.owner, idOf(w.p.tina));
    const res = await app.inject({ method: "POST", url: `/api/v1/appointments/${now.id}/sign-in-link`, headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: "session_completed" });
  });
});

describe("links die with the appointment, however it stopped", () => {
  const visitor = { kind: "anonymous" as const, ip: "198.51.100.9", requestId: "req_state" };

  it("a sign-in link minted before the appointment was completed answers 410", async () => {
    const { w, now } = await setup();
    const url = new URL((await mintSignInLink(w.deps, w.p.tina, now.id)).url);
    setStatus(w.store, now.id, "completed");
    await refusal(useSignInLink(w.deps, visitor, url.pathname.slice(3), now.id), "link_invalid", 410);
  });

  it("a join link for an appointment since cancelled answers 410 and is not used up", async () => {
    const { w, now } = await setup();
    await arrive(w.deps, w.p.tina, w.p.practiceId, now.id, "provider", null);
    const token = /\/j\/([A-Za-z0-9_-]{43})/.exec(lastMailTo(w.store, "alice@client.test")!.text_body)![1]!;
    setStatus(w.store, now.id, "cancelled");
    const alice = { kind: "client" as const, practiceId: w.p.practiceId, clientId: w.p.alice.id, ip: null, requestId: null };
    await refusal(useJoinLink(w.deps, visitor, alice, token), "link_invalid", 410);
    expect(rows(w.store, "links").filter((l) => l.kind === "join").map((l) => l.used_at)).toEqual([null]);
  });
});

describe("ending a session", () => {
  it("nobody joined and the window is not open: 409 session_not_started, the appointment stays scheduled", async () => {
    const { w, later } = await setup();
    await refusal(complete(w.deps, w.p.tina, w.p.practiceId, later.id, "ended_by_provider"), "session_not_started", 409);
    expect(statusOf(w, later.id)).toBe("scheduled");
    expect(count(w.store, "telehealth_sessions")).toBe(0);
    // After its end, too: the window has closed and nobody came.
    w.setNow(Date.parse("2026-12-08T16:00:00Z"));
    await refusal(complete(w.deps, w.p.tina, w.p.practiceId, later.id, "ended_by_provider"), "session_not_started", 409);
  });

  it("inside the window the provider may end it even before anyone joined", async () => {
    const { w, now } = await setup();
    expect((await complete(w.deps, w.p.tina, w.p.practiceId, now.id, "ended_by_provider")).completed).toBe(true);
    expect(statusOf(w, now.id)).toBe("completed");
  });

  it("the End session form answers 409 with the code for a session that has not begun", async () => {
    const { w, later } = await setup();
    const app = buildApp(w.deps);
    const cookie = "cookie-of-tina";
    await w.store.webSessions.insert({
      id: "ses_t", practiceId: w.p.practiceId, subjectType: "staff", subjectId: idOf(w.p.tina), csrfToken: "derived",
      createdAt: w.deps.clock(), expiresAt: w.deps.clock() + 60 * MIN, tokenHash: hashSecret(cookie),
    });
    const res = await app.inject({
      method: "POST", url: `/p/maple-therapy/appointments/${later.id}/session/end`,
      // A signed-in browser's CSRF token is derived from its cookie (src/server/web/session.ts).
      headers: { cookie: `tele_session=${cookie}`, "x-csrf-token": hashSecret(`csrf\n${cookie}`) },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: "session_not_started" });
    expect(statusOf(w, later.id)).toBe("scheduled");
  });
});
