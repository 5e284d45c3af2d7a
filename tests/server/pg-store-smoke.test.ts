import { afterAll, beforeAll, expect, it } from "vitest";
import { PgStore } from "../../src/server/db/pg/store.js";
import { migratePg } from "../../src/server/db/pg/migrate.js";
import { describePg, freshAppRole, freshDatabase, pgClient, type FreshDatabase } from "../helpers/pg.js";
import { makePractice, T0 } from "../helpers/world.js";
import { createAppointment } from "../../src/server/domain/appointments/service.js";
import type { Deps } from "../../src/server/domain/deps.js";

describePg("PgStore smoke", () => {
  let db: FreshDatabase;
  let store: PgStore;
  beforeAll(async () => {
    db = await freshDatabase("smoke");
    const c = await pgClient(db.url);
    await migratePg(c);
    await c.end();
    const app = await freshAppRole(db);
    store = await PgStore.open(app.url, { migrate: false });
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });
  it("seeds a practice and books", async () => {
    const deps: Deps = { store, clock: () => T0, config: { publicUrl: "http://tele.test" } };
    const p = await makePractice(deps);
    const a = await createAppointment(deps, p.owner, { therapist: p.tina.staff.id, client: p.alice.id, start: "2026-12-03T10:00", durationMinutes: 50, telehealth: false, allowPast: false, allowOverlap: false } as never);
    const list = await store.appointments.list({ practiceId: p.practiceId, names: true });
    expect(list.map((r) => r.id)).toEqual([a.id]);
    expect(list[0]!.therapistName).toBe("Tina Therapist");
  });
});
