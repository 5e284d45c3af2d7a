/**
 * The practice the access matrix runs against, built once into a real SQLite file and copied for
 * every cell (so each request meets the same state and no cell depends on another): every actor of
 * the matrix with a real API token and a real browser session, Tina's telehealth appointments, and
 * a second practice.
 */
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import type { SqliteStore } from "../../src/server/db/sqlite/store.js";
import { SqliteStore as Store } from "../../src/server/db/sqlite/store.js";
import type { WebSessionRow } from "../../src/server/db/types.js";
import type { Deps } from "../../src/server/domain/deps.js";
import { hashSecret, newSecret } from "../../src/server/domain/shared/crypto.js";
import { deactivateStaff, revokeToken } from "../../src/server/domain/staff/deactivate.js";
import { addStaff, createApiToken } from "../../src/server/domain/staff/service.js";
import type { Role } from "../../src/sdk/schemas/index.js";
import type { ActorName, FixtureIds } from "../server/access-rules.js";
import { book, tempDir } from "./server.js";
import { PG_STORE, pgTestStore, testDatabase } from "./pg-store.js";
import { asStaff, idOf, makeDeps, makePractice } from "./world.js";

/** How one actor calls: a Bearer token and/or a browser cookie with its CSRF token. */
export interface Credentials {
  token?: string;
  cookie?: string;
  csrf?: string;
}

export interface AccessFixture {
  ids: FixtureIds & { later: string; otherPractice: string };
  creds: Record<ActorName | "clientOther", Credentials>;
  /** A fresh copy of the fixture's database. */
  copy(): SqliteStore;
  cleanup(): void;
}

/** A browser session row for someone, as sign-in would make it; returns its cookie and CSRF token. */
async function session(deps: Deps, practiceId: string, subjectType: WebSessionRow["subjectType"], subjectId: string): Promise<Credentials> {
  const token = newSecret();
  // A signed-in browser's CSRF token is derived from its cookie, as src/server/web/session.ts does; nothing is stored.
  const csrf = hashSecret(`csrf\n${token}`);
  const now = deps.clock();
  await deps.store.webSessions.insert({
    id: `ses_${subjectId}`, practiceId, subjectType, subjectId, csrfToken: "derived", createdAt: now, expiresAt: now + 3600_000, tokenHash: hashSecret(token),
  });
  return { cookie: `tele_session=${token}`, csrf };
}

/** Builds the fixture once. */
export async function buildAccessFixture(): Promise<AccessFixture> {
  const { dir, cleanup } = tempDir("tele-access-");
  const file = join(dir, "fixture.db");
  const env = makeDeps(file);
  const deps = env.deps;
  const p = await makePractice(deps);
  const other = await makePractice(deps, "Birch Therapy");
  const add = async (name: string, email: string, roles: Role[]) =>
    asStaff((await deps.store.staff.byId(p.practiceId, (await addStaff(deps, p.owner, { name, email, roles })).id))!);
  const bea = await add("Bea Both", "bea@maple.test", ["biller", "therapist"]);
  const mia = await add("Mia Both", "mia@maple.test", ["manager", "therapist"]);
  const rita = await add("Rita Revoked", "rita@maple.test", ["manager"]);
  const dora = await add("Dora Deactivated", "dora@maple.test", ["manager"]);
  const staff = { owner: p.owner, manager: p.manager, therapistOwn: p.tina, therapistOther: p.theo, biller: p.biller, billerTherapist: bea, managerTherapist: mia, revoked: rita, deactivated: dora };
  const creds = {} as AccessFixture["creds"];
  for (const [name, actor] of Object.entries(staff)) {
    const token = name === "owner" ? p.token : (await createApiToken(deps, p.owner, idOf(actor))).token;
    creds[name as ActorName] = { token, ...(await session(deps, p.practiceId, "staff", idOf(actor))) };
  }
  creds.otherOwner = { token: other.token, ...(await session(deps, other.practiceId, "staff", idOf(other.owner))) };
  creds.client = await session(deps, p.practiceId, "client", p.alice.id);
  creds.clientOther = await session(deps, p.practiceId, "client", p.bruno.id);
  creds.signedOut = {};
  const ritaToken = (await deps.store.tokens.listFor(p.practiceId, idOf(rita)))[0]!;
  await revokeToken(deps, p.owner, ritaToken.id);
  await deps.store.webSessions.revokeAllFor(p.practiceId, "staff", idOf(rita), deps.clock());
  await deactivateStaff(deps, p.owner, idOf(dora));
  // Tina's appointment with Alice, its window open (T0 is 09:00 in New York); and one next week, window closed.
  const appointment = await book({ ...env, p }, { client: p.alice, start: "2026-12-01T09:10", telehealth: true });
  const later = await book({ ...env, p }, { client: p.alice, start: "2026-12-08T09:10", telehealth: true });
  const tinaToken = (await createApiToken(deps, p.owner, idOf(p.tina))).id;
  const mail = (await deps.store.mail.list(p.practiceId, { status: "queued", limit: 1 }))[0]!.id;
  await env.store.close();
  let n = 0;
  return {
    ids: { practiceId: p.practiceId, tina: idOf(p.tina), alice: p.alice.id, appointment: appointment.id, later: later.id, tinaToken, mail, otherPractice: other.practiceId },
    creds,
    copy: () => {
      // On PostgreSQL the fixture is a database, and each copy a database made from it as a template.
      if (PG_STORE) return pgTestStore(":memory:", testDatabase(file)) as unknown as SqliteStore;
      const target = join(dir, `cell-${n++}.db`);
      copyFileSync(file, target);
      return new Store(target);
    },
    cleanup,
  };
}

/** The rows of this practice that a request could change (audit rows and "last used" aside): equal before and after a refusal. */
export function practiceState(store: SqliteStore, practiceId: string): string {
  const q = (sql: string) => store.db.prepare(sql).all(practiceId);
  return JSON.stringify({
    practice: q(`SELECT * FROM practices WHERE id = ?`),
    staff: q(`SELECT * FROM staff WHERE practice_id = ? ORDER BY id`),
    clients: q(`SELECT * FROM clients WHERE practice_id = ? ORDER BY id`),
    appointments: q(`SELECT * FROM appointments WHERE practice_id = ? ORDER BY id`),
    links: q(`SELECT * FROM links WHERE practice_id = ? ORDER BY id`),
    tokens: q(`SELECT id, staff_id, revoked_at FROM api_tokens WHERE practice_id = ? ORDER BY id`),
    mail: q(`SELECT * FROM mail WHERE practice_id = ? ORDER BY id`),
    sessions: q(`SELECT * FROM telehealth_sessions WHERE practice_id = ? ORDER BY appointment_id`),
    consent: q(`SELECT * FROM consent_versions WHERE practice_id = ? ORDER BY version`),
    consentAcceptances: q(`SELECT * FROM consent_acceptances WHERE practice_id = ? ORDER BY client_id, version`),
  });
}

/**
 * The limits for the matrix apps: every actor tries the same account and link there, and the
 * limits themselves are tested in limits.test.ts, not in the matrices.
 */
export const MATRIX_LIMITS = { accountAttempts: 10_000, addressAttempts: 10_000, windowMs: 60_000 };
