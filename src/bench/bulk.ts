import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openSqlite } from "../server/db/open.js";
import { newId } from "../server/domain/shared/crypto.js";
import { appointments, appointmentsCsv, clientsCsv, CLIENTS, THERAPISTS, therapistEmail, type BenchAppointment } from "./data.js";
import { startBenchServer, teleJson, tempDir, TELE } from "./harness.js";
import { median, timeCommand, timeIt, type Figure } from "./stats.js";

const N = 100_000;

/** Bare better-sqlite3: the same rows into the same schema in one transaction, and the same UPDATE. */
export function bareBaseline(rows: BenchAppointment[], runs: number) {
  const insert: number[] = [], update: number[] = [];
  for (let run = 0; run < runs; run++) {
    const dir = tempDir("bare");
    const db = openSqlite(join(dir, "bare.db"));
    const now = Date.now();
    db.prepare(`INSERT INTO practices (id, name, slug, state, time_zone, created_at) VALUES ('p', 'P', 'p', 'NY', 'America/New_York', ?)`).run(now);
    const st = db.prepare(`INSERT INTO staff (id, practice_id, name, email, roles, teletherapy, created_at) VALUES (?, 'p', ?, ?, 'therapist', 1, ?)`);
    for (let t = 0; t < THERAPISTS; t++) st.run(`t${t}`, `T ${t}`, therapistEmail(t), now);
    const sc = db.prepare(`INSERT INTO clients (id, practice_id, name, email, state, created_at) VALUES (?, 'p', ?, ?, 'NY', ?)`);
    db.transaction(() => { for (let c = 0; c < CLIENTS; c++) sc.run(`c${c}`, `C ${c}`, `c${c}@x`, now); })();
    const ids = rows.map(() => newId("apt")); // the same kind of ids tele makes
    const ins = db.prepare(`INSERT INTO appointments (id, practice_id, therapist_id, client_id, start_at, end_at, telehealth, status, created_at, updated_at)
      VALUES (?, 'p', ?, ?, ?, ?, 0, 'scheduled', ?, ?)`);
    const t0 = process.hrtime.bigint();
    db.transaction(() => {
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        ins.run(ids[i], `t${r.therapist}`, `c${r.client}`, r.startMs, r.startMs + r.minutes * 60_000, now, now);
      }
    })();
    insert.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const upd = db.prepare(`UPDATE appointments SET telehealth = 1, updated_at = ? WHERE id = ?`);
    const t1 = process.hrtime.bigint();
    db.transaction(() => { for (const id of ids) upd.run(now, id); })();
    update.push(Number(process.hrtime.bigint() - t1) / 1e6);
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return { insert: median(insert), update: median(update) };
}

async function api(url: string, token: string, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(url + path, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
  return res.json();
}

/**
 * Drops the notices a measured step queued, so expanding and delivering them (the workers' work,
 * after the reply) does not load the next measurement: its notice batch (written inside the change's
 * transaction, which is what is measured) and any mail the batch worker had expanded from it already.
 */
function emptyOutbox(dataDir: string): number {
  const db = new Database(join(dataDir, "tele.db"));
  try {
    db.pragma("busy_timeout = 10000");
    // How many the step queued, as its audit row says (the worker may have delivered a few already).
    const details = db.prepare(`SELECT details FROM audit_log WHERE action IN ('appointments.import', 'appointments.convert') ORDER BY id DESC LIMIT 1`).pluck().get() as string;
    db.prepare(`DELETE FROM notice_batches`).run();
    db.prepare(`DELETE FROM mail WHERE status != 'sent' AND letter LIKE '{"fromName"%"notice"%'`).run();
    return (JSON.parse(details) as { notices: number }).notices;
  } finally {
    db.close();
  }
}

/**
 * Import through `tele appointments import`, then bulk conversion through the API, each beside its
 * bare baseline. With `notify` (`npm run bench -- bulk --notify`), the imported appointments are
 * telehealth and imported with `--notify`, and the measured conversion (to in person, and back
 * unmeasured) sends every client its notice: one notice batch of 100,000 in each measured transaction.
 */
export async function bulkFigures(runs = 3, notify = false): Promise<Figure[]> {
  const firstDay = Date.parse(new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10));
  const rows = appointments(N, firstDay);
  const work = tempDir("files");
  const apptFile = join(work, "appointments.csv");
  const clientFile = join(work, "clients.csv");
  writeFileSync(apptFile, appointmentsCsv(rows, notify));
  writeFileSync(clientFile, clientsCsv());
  const imports: number[] = [], dry: number[] = [], apply: number[] = [];
  const range = { from: new Date(firstDay - 86_400_000).toISOString().slice(0, 10), to: "2099-12-31" };
  for (let run = 0; run < runs; run++) {
    const s = await startBenchServer("import");
    try {
      for (let t = 0; t < THERAPISTS; t++) {
        teleJson(["staff", "add", "--name", `Therapist ${t}`, "--email", therapistEmail(t), "--role", "therapist"], s.env);
        teleJson(["staff", "enable", therapistEmail(t)], s.env);
      }
      teleJson(["clients", "import", clientFile], s.env);
      imports.push(timeCommand(process.execPath, [TELE, "appointments", "import", apptFile, "--json", ...(notify ? ["--notify"] : [])], { env: { ...process.env, ...s.env } }));
      if (notify && emptyOutbox(s.dataDir) !== N) throw new Error(`expected ${N} notices from the import`);
      // Without notify: to telehealth and back; with it, from telehealth (as imported) to in person, and back.
      const there = { ...range, telehealth: !notify, notify };
      const back = { ...range, telehealth: notify };
      for (let again = 0; again < 2; again++) {
        dry.push(await timeIt(() => api(s.url, s.token, "/api/v1/appointments/convert", { ...there, dryRun: true })));
        let converted = 0;
        apply.push(await timeIt(async () => {
          converted = ((await api(s.url, s.token, "/api/v1/appointments/convert", there)) as { converted: string[] }).converted.length;
        }));
        if (converted !== N) throw new Error(`expected ${N} conversions, got ${converted}`);
        if (notify && emptyOutbox(s.dataDir) !== N) throw new Error(`expected ${N} notices from the conversion`);
        await api(s.url, s.token, "/api/v1/appointments/convert", back);
      }
    } finally {
      await s.stop();
    }
  }
  rmSync(work, { recursive: true, force: true });
  const bare = bareBaseline(rows, runs);
  return [
    { name: "import 100,000 appointments (`tele appointments import`)", ms: median(imports), baselineName: "bare INSERTs, one transaction", baselineMs: bare.insert, targetMs: 10_000, maxRatio: 4, runs },
    { name: "bulk conversion of 100,000, dry run (API)", ms: median(dry), baselineName: "bare UPDATEs, one transaction", baselineMs: bare.update, targetMs: 5_000, maxRatio: 3, runs: dry.length },
    { name: "bulk conversion of 100,000, apply (API)", ms: median(apply), baselineName: "bare UPDATEs, one transaction", baselineMs: bare.update, targetMs: 5_000, maxRatio: 3, runs: apply.length },
  ];
}
