import type { Statement } from "better-sqlite3";
import type { ImportStage, StagedAppointment, StagedClient, SweepItem } from "../import-stage.js";
import type { SqliteDatabase } from "../open.js";
import type { Repos } from "../repos.js";

/** No appointment is longer than a day (the import refuses longer): the start index bounds the scan. */
const MAX_LENGTH = 86_400_000;
let serial = 0;

/**
 * TEMP tables of the store's one connection: invisible to anything else, on disk (TEMP_STORE=1)
 * with their own page cache, gone with the connection even after a crash. Writes go through
 * `queue`, the store's write queue, so they never land inside another request's transaction.
 */
export class SqliteImportStage implements ImportStage {
  private readonly apt: string;
  private readonly cli: string;
  private readonly mail: string;
  private readonly st = new Map<string, Statement>();
  private dropped = false;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly queue: <T>(fn: () => T) => Promise<T>,
    private readonly tx: <T>(fn: (r: Repos) => Promise<T>) => Promise<T>,
  ) {
    const n = ++serial;
    this.apt = `temp.import_apt_${n}`;
    this.cli = `temp.import_cli_${n}`;
    this.mail = `temp.import_mail_${n}`;
  }

  /** Creates the tables (in the queue: DDL must not run inside another transaction either). */
  async open(): Promise<this> {
    await this.queue(() => this.db.exec(`
      CREATE TABLE ${this.apt} (line INTEGER NOT NULL, id TEXT NOT NULL, therapist_id TEXT NOT NULL, client_id TEXT NOT NULL,
        start_at INTEGER NOT NULL, end_at INTEGER NOT NULL, telehealth INTEGER NOT NULL);
      CREATE TABLE ${this.cli} (line INTEGER NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, email TEXT, state TEXT, phone TEXT, date_of_birth TEXT);
      CREATE TABLE ${this.mail} (email TEXT PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID;`));
    return this;
  }

  private prep(sql: string): Statement {
    let s = this.st.get(sql);
    if (!s) this.st.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  addAppointments(rows: StagedAppointment[]): Promise<void> {
    const ins = this.prep(`INSERT INTO ${this.apt} VALUES (?, ?, ?, ?, ?, ?, ?)`);
    return this.queue(() => {
      for (const r of rows) ins.run(r.line, r.id, r.therapistId, r.clientId, r.startAt, r.endAt, r.telehealth ? 1 : 0);
    });
  }

  addClients(rows: StagedClient[], emails: { email: string; line: number }[]): Promise<void> {
    const ins = this.prep(`INSERT INTO ${this.cli} VALUES (?, ?, ?, ?, ?, ?, ?)`);
    const mail = this.prep(`INSERT OR IGNORE INTO ${this.mail} VALUES (?, ?)`);
    return this.queue(() => {
      for (const r of rows) ins.run(r.line, r.id, r.name, r.email, r.state, r.phone, r.dateOfBirth);
      for (const e of emails) mail.run(e.email, e.line);
    });
  }

  transaction<T>(fn: (r: Repos) => Promise<T>): Promise<T> {
    return this.tx(fn);
  }

  async clientRef(practiceId: string, ref: string) {
    // As the whole-file import did: the lower-cased cell as an email or id first, then the cell as an id.
    const lower = ref.toLowerCase();
    const cols = `id, state, archived_at IS NOT NULL AS archived`;
    const byId = this.prep(`SELECT ${cols} FROM clients WHERE practice_id = ? AND id = ?`);
    const row = (this.prep(`SELECT ${cols} FROM clients WHERE practice_id = ? AND email = ?`).get(practiceId, lower) ?? byId.get(practiceId, lower) ??
      (lower === ref ? undefined : byId.get(practiceId, ref))) as { id: string; state: string | null; archived: number } | undefined;
    return row && { id: row.id, state: row.state, archived: row.archived === 1 };
  }

  async clientEmailExists(practiceId: string, email: string): Promise<boolean> {
    return this.prep(`SELECT 1 FROM clients WHERE practice_id = ? AND email = ?`).get(practiceId, email) !== undefined;
  }

  async stagedEmailLine(email: string): Promise<number | undefined> {
    return (this.prep(`SELECT line FROM ${this.mail} WHERE email = ?`).get(email) as { line: number } | undefined)?.line;
  }

  async appointmentRange() {
    const r = this.prep(`SELECT min(start_at) AS "from", max(end_at) AS "to", count(*) AS n FROM ${this.apt}`).get() as { from: number; to: number; n: number };
    return r.n ? { from: r.from, to: r.to } : undefined;
  }

  *sweep(practiceId: string, side: "therapist" | "client", from: number, to: number): Iterable<SweepItem> {
    const who = side === "therapist" ? "therapist_id" : "client_id";
    const rows = this.prep(`SELECT who, start_at, end_at, line, id FROM (
        SELECT ${who} AS who, start_at, end_at, line, '' AS id, 0 AS existing FROM ${this.apt}
        UNION ALL
        SELECT ${who}, start_at, end_at, -1, id, 1 FROM appointments INDEXED BY appointments_start
          WHERE practice_id = ? AND status = 'scheduled' AND start_at >= ? AND start_at < ? AND end_at > ?)
      ORDER BY who, start_at, end_at, existing, line`).raw().iterate(practiceId, from - MAX_LENGTH, to, from) as Iterable<[string, number, number, number, string]>;
    for (const [w, startAt, endAt, line, id] of rows) yield { who: w, startAt, endAt, line, id };
  }

  async takenEmailLines(practiceId: string): Promise<number[]> {
    return this.prep(`SELECT s.line FROM ${this.cli} s JOIN clients c ON c.practice_id = ? AND c.email = s.email ORDER BY s.line`)
      .pluck().all(practiceId) as number[];
  }

  async insertAppointments(practiceId: string, now: number): Promise<number> {
    return this.prep(`INSERT INTO appointments (id, practice_id, therapist_id, client_id, start_at, end_at, telehealth, status, created_at, updated_at)
      SELECT id, ?, therapist_id, client_id, start_at, end_at, telehealth, 'scheduled', ?, ? FROM ${this.apt}`).run(practiceId, now, now).changes;
  }

  async telehealthIds(): Promise<string[]> {
    return this.prep(`SELECT id FROM ${this.apt} WHERE telehealth = 1`).pluck().all() as string[];
  }

  async insertClients(practiceId: string, now: number): Promise<number> {
    return this.prep(`INSERT INTO clients (id, practice_id, name, email, state, phone, date_of_birth, created_at)
      SELECT id, ?, name, email, state, phone, date_of_birth, ? FROM ${this.cli}`).run(practiceId, now).changes;
  }

  async drop(): Promise<void> {
    if (this.dropped) return;
    this.dropped = true;
    await this.queue(() => this.db.exec(`DROP TABLE IF EXISTS ${this.apt}; DROP TABLE IF EXISTS ${this.cli}; DROP TABLE IF EXISTS ${this.mail};`));
  }
}
