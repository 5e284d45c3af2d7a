/**
 * `npm run bench -- postgres [--rows N]` (needs TELE_BENCH_PG_URL or TELE_TEST_PG_URL: a role that may
 * create databases and roles): what the PostgreSQL store costs beside bare `pg` in the same run, on a
 * fresh database reached as the app role (row-level security in force):
 * - one indexed read: bare (one named statement, the scope set once per session) against the store
 *   (BEGIN, scope, statement, COMMIT pipelined in one round trip) and against the same four sent one
 *   after another;
 * - a bulk insert of `rows` appointments (store: one INSERT … SELECT FROM unnest) against bare
 *   multi-row VALUES inserts of 1,000 rows each, and a set-based conversion of all of them against
 *   the bare UPDATE.
 */
import { bareClient, benchDatabase } from "./pg-db.js";
import { PgStore } from "../server/db/pg/store.js";
import type { NewAppointment } from "../server/db/types.js";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

async function time(n: number, f: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 50; i++) await f(); // warm: statements parsed, connections open
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await f();
    xs.push(ms(t0));
  }
  return median(xs);
}

/** The store beside bare `pg`, as lines of text; `rows` appointments for the bulk half. */
export async function pgStoreFigures(rows = 100_000): Promise<{ text: string; ok: boolean }> {
  const db = await benchDatabase("store", true);
  const appUrl = db.appUrl;
  const store = await PgStore.open(appUrl, { migrate: false, poolSize: 4 });
  const out: string[] = [];
  try {
    const practiceId = "prc_bench";
    const now = Date.now();
    await store.tx(async (r) => {
      await r.practices.insert({ id: practiceId, name: "Bench", slug: "bench", state: "NY", timeZone: "America/New_York", joinWindowMinutes: 15, autoCompleteMinutes: 60, contact: null, reminderMinutes: [], createdAt: now });
      await r.staff.insert({ id: "stf_t", practiceId, name: "T", email: "t@b.test", roles: ["therapist"], teletherapy: true, createdAt: now, deactivatedAt: null });
      await r.clients.insert({ id: "cli_c", practiceId, name: "C", email: null, state: "NY", phone: null, dateOfBirth: null, createdAt: now });
    });

    // One indexed read.
    const bare = await bareClient(appUrl, practiceId);
    const cols = `id, practice_id AS "practiceId", name, email, roles, teletherapy, licensed_in AS "licensedIn", created_at AS "createdAt", deactivated_at AS "deactivatedAt"`;
    const read = { name: "bench_read", text: `SELECT ${cols} FROM staff WHERE practice_id = $1 AND id = $2`, values: [practiceId, "stf_t"] };
    const n = 2_000;
    const tBare = await time(n, () => bare.query(read));
    const tStore = await time(n, () => store.staff.byId(practiceId, "stf_t"));
    const tSerial = await time(n, async () => {
      await bare.query("BEGIN");
      await bare.query({ name: "bench_scope", text: "SELECT set_config('tele.practice_id', $1, true), set_config('tele.scope', '', true)", values: [practiceId] });
      await bare.query(read);
      await bare.query("COMMIT");
    });
    out.push(`one indexed read (median of ${n}): bare pg ${tBare.toFixed(3)} ms; store ${tStore.toFixed(3)} ms (${(tStore / tBare).toFixed(2)}×);` +
      ` the store's four statements sent one after another ${tSerial.toFixed(3)} ms (${(tSerial / tBare).toFixed(2)}×)`);

    // Bulk insert and set-based update.
    const mk = (prefix: string): NewAppointment[] => Array.from({ length: rows }, (_, i) => ({
      id: `${prefix}${i}`, practiceId, therapistId: "stf_t", clientId: "cli_c", startAt: now + i * 3_600_000, endAt: now + i * 3_600_000 + 3_000_000, telehealth: false, createdAt: now,
    }));
    const step = (what: string) => process.stderr.write(`bench: ${what}…\n`);
    step("bare insert");
    const bareRows = mk("apt_bare_");
    let t0 = process.hrtime.bigint();
    await bare.query("BEGIN");
    for (let i = 0; i < bareRows.length; i += 1000) {
      const chunk = bareRows.slice(i, i + 1000);
      const values: unknown[] = [];
      const tuples = chunk.map((r, j) => {
        values.push(r.id, r.practiceId, r.therapistId, r.clientId, r.startAt, r.endAt, 0, r.createdAt, r.createdAt);
        const b = j * 9;
        return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}, 'scheduled', $${b + 8}, $${b + 9})`;
      });
      await bare.query(`INSERT INTO appointments (id, practice_id, therapist_id, client_id, start_at, end_at, telehealth, status, created_at, updated_at) VALUES ${tuples.join(", ")}`, values);
    }
    await bare.query("COMMIT");
    const tBareInsert = ms(t0);
    step("store insert");
    const storeRows = mk("apt_store_");
    t0 = process.hrtime.bigint();
    await store.tx((r) => r.appointments.insertMany(storeRows));
    const tStoreInsert = ms(t0);
    out.push(`insert ${rows} appointments: bare multi-row VALUES ${tBareInsert.toFixed(0)} ms; store (unnest) ${tStoreInsert.toFixed(0)} ms (${(tStoreInsert / tBareInsert).toFixed(2)}×)`);

    step("bare update");
    t0 = process.hrtime.bigint();
    await bare.query("UPDATE appointments SET telehealth = 1, updated_at = $1 WHERE practice_id = $2 AND id = ANY($3::text[])", [now, practiceId, bareRows.map((r) => r.id)]);
    const tBareUpdate = ms(t0);
    step("store update");
    t0 = process.hrtime.bigint();
    await store.tx((r) => r.appointments.setTelehealth(practiceId, storeRows.map((r) => r.id), true, now));
    const tStoreUpdate = ms(t0);
    out.push(`convert ${rows} (one set-based UPDATE): bare ${tBareUpdate.toFixed(0)} ms; store ${tStoreUpdate.toFixed(0)} ms (${(tStoreUpdate / tBareUpdate).toFixed(2)}×)`);
    await bare.end();
    return { text: `PostgreSQL store beside bare pg (same run, app role, row-level security in force):\n${out.map((l) => `- ${l}`).join("\n")}`, ok: true };
  } finally {
    await store.close();
    await db.drop();
  }
}
