import Database from "better-sqlite3";
import { openSqlite } from "../dist/server/db/open.js";
import { appointments } from "../dist/bench/data.js";
const db = openSqlite("/tmp/sqlbench.db");
if (!db.prepare("SELECT count(*) FROM appointments").pluck().get()) {
  db.prepare("INSERT INTO practices (id, name, slug, state, time_zone, created_at) VALUES ('p', 'P', 'p', 'NY', 'UTC', 0)").run();
  db.transaction(() => {
    const st = db.prepare(`INSERT INTO staff (id, practice_id, name, email, roles, teletherapy, created_at) VALUES (?, 'p', ?, ?, 'therapist', 1, 0)`);
    for (let t = 0; t < 50; t++) st.run(`stf_t${t}`, `Therapist ${t}`, `t${t}@x.example`);
    const sc = db.prepare(`INSERT INTO clients (id, practice_id, name, email, state, created_at) VALUES (?, 'p', ?, ?, 'NY', 0)`);
    for (let c = 0; c < 5000; c++) sc.run(`cli_c${c}`, `Client ${c}`, `c${c}@x.example`);
    const ins = db.prepare(`INSERT INTO appointments (id, practice_id, therapist_id, client_id, start_at, end_at, telehealth, status, created_at, updated_at) VALUES (?, 'p', ?, ?, ?, ?, 0, 'scheduled', 0, 0)`);
    appointments(100000, Date.parse("2020-01-06"), 50, 5000).forEach((r, i) => ins.run(`apt_${i}`, `stf_t${r.therapist}`, `cli_c${r.client}`, r.startMs, r.startMs + 3e6));
  })();
}
const READY = `(c.email IS NOT NULL AND c.portal_activated_at IS NOT NULL)`;
const COLS = `a.id, a.practice_id AS practiceId, a.therapist_id AS therapistId, a.client_id AS clientId, a.start_at AS startAt, a.end_at AS endAt, a.telehealth, a.status, ${READY} AS clientReady, a.created_at AS createdAt`;
const mid = db.prepare("SELECT start_at, id FROM appointments ORDER BY start_at, id LIMIT 1 OFFSET 50000").get();
const t = (name, sql, raw = false) => {
  let st = db.prepare(sql); if (raw) st = st.raw();
  st.all(mid.start_at, mid.id);
  const t0 = performance.now(); for (let i = 0; i < 20; i++) st.all(mid.start_at, mid.id);
  console.log(name, ((performance.now() - t0) / 20).toFixed(2), "ms/page");
};
t("full", `SELECT ${COLS}, s.name AS therapistName, c.name AS clientName FROM appointments a JOIN clients c ON c.id = a.client_id JOIN staff s ON s.id = a.therapist_id WHERE a.practice_id = 'p' AND (a.start_at, a.id) > (?, ?) ORDER BY a.start_at, a.id LIMIT 1001`);
t("full raw", `SELECT ${COLS}, s.name AS therapistName, c.name AS clientName FROM appointments a JOIN clients c ON c.id = a.client_id JOIN staff s ON s.id = a.therapist_id WHERE a.practice_id = 'p' AND (a.start_at, a.id) > (?, ?) ORDER BY a.start_at, a.id LIMIT 1001`, true);
t("no names", `SELECT ${COLS} FROM appointments a JOIN clients c ON c.id = a.client_id WHERE a.practice_id = 'p' AND (a.start_at, a.id) > (?, ?) ORDER BY a.start_at, a.id LIMIT 1001`);
t("bare", `SELECT * FROM appointments a WHERE a.practice_id = 'p' AND (a.start_at, a.id) > (?, ?) ORDER BY a.start_at, a.id LIMIT 1001`);

const iso = () => { const t0 = performance.now(); let x; for (let i = 0; i < 300000; i++) x = new Date(1700000000000 + i * 60000).toISOString(); console.log("iso x300k", (performance.now() - t0).toFixed(0), "ms"); };
iso();
