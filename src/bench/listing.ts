import { rmSync } from "node:fs";
import { join } from "node:path";
import { SqliteStore } from "../server/db/sqlite/store.js";
import { listAppointments } from "../server/domain/appointments/service.js";
import type { Actor, Deps } from "../server/domain/deps.js";
import { createPractice } from "../server/domain/practice/service.js";
import { buildApp } from "../server/http/app.js";
import { appointments } from "./data.js";
import { tempDir } from "./harness.js";
import { median, timeIt, type Figure } from "./stats.js";

const TOTAL = 1_000_000;
const THERAPISTS = 50;
const CLIENTS = 5_000;

/** One therapist's month in a practice of 1,000,000 appointments, server-side, against a bare indexed SELECT. */
export async function listingFigures(runs = 41): Promise<Figure[]> {
  const dir = tempDir("listing");
  const store = new SqliteStore(join(dir, "tele.db"));
  const deps: Deps = { store, clock: Date.now, config: { publicUrl: "http://127.0.0.1" } };
  const init = await createPractice(deps, { kind: "anonymous", ip: null, requestId: null }, {
    name: "Big Practice", state: "NY", timeZone: "America/New_York", ownerName: "Owner", ownerEmail: "owner@big.example",
  });
  const p = init.practice.id;
  const db = store.db;
  const now = Date.now();
  db.transaction(() => {
    const st = db.prepare(`INSERT INTO staff (id, practice_id, name, email, roles, teletherapy, created_at) VALUES (?, ?, ?, ?, 'therapist', 1, ?)`);
    for (let t = 0; t < THERAPISTS; t++) st.run(`stf_t${t}`, p, `T ${t}`, `t${t}@big.example`, now);
    const sc = db.prepare(`INSERT INTO clients (id, practice_id, name, email, state, created_at) VALUES (?, ?, ?, ?, 'NY', ?)`);
    for (let c = 0; c < CLIENTS; c++) sc.run(`cli_c${c}`, p, `C ${c}`, `c${c}@big.example`, now);
    const ins = db.prepare(`INSERT INTO appointments (id, practice_id, therapist_id, client_id, start_at, end_at, telehealth, status, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?)`);
    const rows = appointments(TOTAL, Date.parse("2026-01-05"), THERAPISTS, CLIENTS);
    rows.forEach((r, i) => ins.run(`apt_${i}`, p, `stf_t${r.therapist}`, `cli_c${r.client}`, r.startMs, r.startMs + 3_000_000, i % 3 === 0 ? 1 : 0, now, now));
  })();
  db.pragma("optimize");
  const owner = (await store.staff.byId(p, init.owner.id))!;
  const actor: Actor = { kind: "staff", practiceId: p, staff: owner, ip: "127.0.0.1", requestId: null };
  const query = { therapist: "stf_t7", from: "2027-03-01", to: "2027-03-31", limit: 1000 };
  const from = Date.parse("2027-03-01T05:00:00Z"), to = Date.parse("2027-04-01T04:00:00Z");
  const bare = db.prepare(`SELECT * FROM appointments WHERE practice_id = ? AND therapist_id = ? AND start_at >= ? AND start_at < ? ORDER BY start_at`);
  const app = buildApp(deps);
  const svc: number[] = [], http: number[] = [], base: number[] = [];
  let count = 0;
  for (let i = 0; i < runs; i++) {
    base.push(await timeIt(() => bare.all(p, "stf_t7", from, to)));
    svc.push(await timeIt(async () => (count = (await listAppointments(deps, actor, query)).items.length)));
    http.push(await timeIt(() => app.inject({ method: "GET", url: `/api/v1/appointments?therapist=stf_t7&from=2027-03-01&to=2027-03-31&limit=1000`, headers: { authorization: `Bearer ${init.token}` } })));
  }
  if (count < 100) throw new Error(`expected a month of appointments, got ${count}`);
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const baselineMs = median(base);
  return [
    { name: `one therapist's month (${count} rows) of 1,000,000: service`, ms: median(svc), baselineName: "bare indexed SELECT", baselineMs, targetMs: 10, runs },
    { name: `same, through HTTP routing and JSON (inject)`, ms: median(http), baselineName: "bare indexed SELECT", baselineMs, targetMs: 10, runs },
  ];
}
