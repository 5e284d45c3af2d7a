import { SqliteStore } from "../../src/server/db/sqlite/store.js";
import { PG_STORE, pgTestStore } from "./pg-store.js";
import type { StaffRow } from "../../src/server/db/types.js";
import type { Actor, Deps } from "../../src/server/domain/deps.js";
import { systemActor } from "../../src/server/domain/deps.js";
import { createPractice } from "../../src/server/domain/practice/service.js";
import { addStaff, enableTeletherapy } from "../../src/server/domain/staff/service.js";
import { addClient } from "../../src/server/domain/clients/service.js";
import type { Role } from "../../src/sdk/schemas/index.js";

export const T0 = Date.parse("2026-12-01T14:00:00Z");

/**
 * A fresh store: SQLite (in memory, or `file`), or with TELE_TEST_STORE=postgres a fresh
 * PostgreSQL database (the same one again for the same `file`). Typed as the SQLite store so that
 * tests keep reading `store.db`; on PostgreSQL that answers their SQL through tests/helpers/pg-sync.ts.
 */
export function makeStore(file = ":memory:"): SqliteStore {
  return PG_STORE ? (pgTestStore(file) as unknown as SqliteStore) : new SqliteStore(file);
}

/** Services over a fresh database with a clock the test moves by hand. */
export function makeDeps(file = ":memory:") {
  let now = T0;
  const store = makeStore(file);
  const queued: number[] = [];
  const deps: Deps = {
    store,
    clock: () => now,
    config: { publicUrl: "http://tele.test" },
    mailQueued: () => queued.push(now),
  };
  return { deps, store, queued, setNow: (t: number) => (now = t), advance: (ms: number) => (now += ms) };
}

export const asStaff = (s: StaffRow): Actor => ({ kind: "staff", practiceId: s.practiceId, staff: s, ip: "127.0.0.1", requestId: "req_test" });

/** A practice with an owner, a manager, two therapists (one with Teletherapy), a biller and clients. */
export async function makePractice(deps: Deps, name = "Maple Therapy") {
  const init = await createPractice(deps, { kind: "anonymous", ip: null, requestId: null }, {
    name, state: "NY", timeZone: "America/New_York", ownerName: "Olive Owner", ownerEmail: "owner@maple.test",
  });
  const practiceId = init.practice.id;
  const row = async (id: string) => (await deps.store.staff.byId(practiceId, id))!;
  const owner = asStaff(await row(init.owner.id));
  const add = async (n: string, email: string, roles: Role[]) => asStaff(await row((await addStaff(deps, owner, { name: n, email, roles })).id));
  const manager = await add("Max Manager", "manager@maple.test", ["manager"]);
  const tina = await add("Tina Therapist", "tina@maple.test", ["therapist"]);
  const theo = await add("Theo Therapist", "theo@maple.test", ["therapist"]);
  const biller = await add("Bill Biller", "biller@maple.test", ["biller"]);
  await enableTeletherapy(deps, owner, (tina as { staff: StaffRow }).staff.id);
  const refresh = async (a: Actor) => asStaff(await row((a as { staff: StaffRow }).staff.id));
  const client = (n: string, email: string | null, state: string | null) => addClient(deps, owner, { name: n, email, state });
  const alice = await client("Alice Client", "alice@client.test", "NY");
  const bruno = await client("Bruno Abroad", "bruno@client.test", null);
  const carla = await client("Carla NoEmail", null, "CA");
  return {
    init, practiceId, owner, manager, tina: await refresh(tina), theo, biller, alice, bruno, carla,
    system: systemActor(practiceId), token: init.token,
  };
}

export const idOf = (a: Actor) => (a as { staff: StaffRow }).staff.id;
