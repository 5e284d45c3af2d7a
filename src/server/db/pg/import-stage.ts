import type pg from "pg";
import type { ImportStage, StagedAppointment, StagedClient, SweepItem } from "../import-stage.js";
import type { Repos } from "../repos.js";
import { AloneExec, one, TxExec, type Exec } from "./exec.js";

/** No appointment is longer than a day (the import refuses longer): the start index bounds the scan. */
const MAX_LENGTH = 86_400_000;
/** Rows read from the sweep's cursor per round trip. */
const FETCH = 5_000;
let serial = 0;

/**
 * TEMP tables on one connection held for the import (only that connection sees them, and they go
 * with it even after a crash). The rows go in with one INSERT … SELECT FROM unnest per batch, each
 * its own short transaction, so other requests (on other connections) are never held up; the final
 * check and the write run in `transaction`, on this same connection. Temp tables have no
 * row-level security; every statement that reads the practice's tables carries its scope.
 */
export class PgImportStage implements ImportStage {
  private readonly apt: string;
  private readonly cli: string;
  private readonly mail: string;
  private readonly alone: AloneExec;
  /** The final transaction, while it runs: the reads and writes of `transaction` go through it. */
  private current: TxExec | undefined;
  private dropped = false;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly tx: <T>(fn: (r: Repos) => Promise<T>, direct?: (x: TxExec) => Promise<unknown>) => Promise<T>,
  ) {
    const n = `${process.pid}_${++serial}`;
    this.apt = `import_apt_${n}`;
    this.cli = `import_cli_${n}`;
    this.mail = `import_mail_${n}`;
    this.alone = new AloneExec(async () => client, () => undefined);
  }

  private get x(): Exec {
    return this.current ?? this.alone;
  }

  async open(): Promise<this> {
    try {
      await this.client.query(`
        CREATE TEMP TABLE ${this.apt} (line INTEGER NOT NULL, id TEXT NOT NULL, therapist_id TEXT NOT NULL, client_id TEXT NOT NULL,
          start_at BIGINT NOT NULL, end_at BIGINT NOT NULL, telehealth INTEGER NOT NULL);
        CREATE TEMP TABLE ${this.cli} (line INTEGER NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, email TEXT, state TEXT, phone TEXT, date_of_birth TEXT);
        CREATE TEMP TABLE ${this.mail} (email TEXT PRIMARY KEY, line INTEGER NOT NULL);`);
    } catch (err) {
      this.client.release(err as Error);
      this.dropped = true;
      throw err;
    }
    return this;
  }

  async addAppointments(rows: StagedAppointment[]): Promise<void> {
    if (!rows.length) return;
    // Temp tables only: no practice's rows are read or written, so no scope is needed (and none is given).
    await this.client.query({
      text: `INSERT INTO ${this.apt} SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::int[])`,
      values: [rows.map((r) => r.line), rows.map((r) => r.id), rows.map((r) => r.therapistId), rows.map((r) => r.clientId),
        rows.map((r) => r.startAt), rows.map((r) => r.endAt), rows.map((r) => (r.telehealth ? 1 : 0))],
    });
  }

  async addClients(rows: StagedClient[], emails: { email: string; line: number }[]): Promise<void> {
    const writes: Promise<unknown>[] = [];
    if (rows.length) {
      writes.push(this.client.query({
        text: `INSERT INTO ${this.cli} SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])`,
        values: [rows.map((r) => r.line), rows.map((r) => r.id), rows.map((r) => r.name), rows.map((r) => r.email), rows.map((r) => r.state),
          rows.map((r) => r.phone), rows.map((r) => r.dateOfBirth)],
      }));
    }
    if (emails.length) {
      writes.push(this.client.query({
        text: `INSERT INTO ${this.mail} SELECT * FROM unnest($1::text[], $2::int[]) ON CONFLICT DO NOTHING`,
        values: [emails.map((e) => e.email), emails.map((e) => e.line)],
      }));
    }
    await Promise.all(writes);
  }

  transaction<T>(fn: (r: Repos) => Promise<T>): Promise<T> {
    let x!: TxExec;
    return this.tx(fn, async (t) => void (this.current = x = t)).finally(() => {
      if (this.current === x) this.current = undefined;
    });
  }

  async clientRef(practiceId: string, ref: string) {
    // As the SQLite stage: the lower-cased cell as an email or id first, then the cell as an id; one statement.
    const lower = ref.toLowerCase();
    const row = await one<{ id: string; state: string | null; archived: boolean }>(this.x, practiceId,
      `SELECT id, state, archived_at IS NOT NULL AS archived FROM clients WHERE practice_id = ? AND (email = ? OR id = ? OR id = ?)
        ORDER BY CASE WHEN email = ? THEN 0 WHEN id = ? THEN 1 ELSE 2 END LIMIT 1`, [practiceId, lower, lower, ref, lower, lower]);
    return row && { id: row.id, state: row.state, archived: row.archived };
  }

  async clientEmailExists(practiceId: string, email: string): Promise<boolean> {
    return (await one(this.x, practiceId, `SELECT 1 FROM clients WHERE practice_id = ? AND email = ?`, [practiceId, email])) !== undefined;
  }

  async stagedEmailLine(email: string): Promise<number | undefined> {
    const r = await this.client.query<{ line: number }>(`SELECT line FROM ${this.mail} WHERE email = $1`, [email]);
    return r.rows[0]?.line;
  }

  async appointmentRange() {
    // The temp table only: no scope. In the final transaction this is its connection, so it sees what it staged.
    const r = (await this.client.query<{ from: number | null; to: number | null; n: number }>(
      `SELECT min(start_at) AS "from", max(end_at) AS "to", count(*) AS n FROM ${this.apt}`)).rows[0]!;
    return r.n ? { from: r.from!, to: r.to! } : undefined;
  }

  async *sweep(practiceId: string, side: "therapist" | "client", from: number, to: number): AsyncIterable<SweepItem> {
    const t = this.current;
    if (!t) throw new Error("the sweep runs in the import's transaction");
    const who = side === "therapist" ? "therapist_id" : "client_id";
    const cursor = `${this.apt}_${side}`;
    // A cursor in the transaction: memory holds one fetch, whatever the number of rows.
    await t.query(practiceId, `DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT who, start_at, end_at, line, id FROM (
        SELECT ${who} AS who, start_at, end_at, line, '' AS id, 0 AS existing FROM ${this.apt}
        UNION ALL
        SELECT ${who}, start_at, end_at, -1, id, 1 FROM appointments
          WHERE practice_id = ? AND status = 'scheduled' AND start_at >= ? AND start_at < ? AND end_at > ?) u
      ORDER BY who, start_at, end_at, existing, line`, [practiceId, from - MAX_LENGTH, to, from], { unnamed: true });
    try {
      for (;;) {
        const rows = (await t.query(practiceId, `FETCH ${FETCH} FROM ${cursor}`, undefined, { array: true, unnamed: true })).rows as unknown as [string, number, number, number, string][];
        for (const [w, startAt, endAt, line, id] of rows) yield { who: w, startAt, endAt, line, id };
        if (rows.length < FETCH) break;
      }
    } finally {
      if (!t.failed) await t.plain(`CLOSE ${cursor}`);
    }
  }

  async takenEmailLines(practiceId: string): Promise<number[]> {
    // Texts that name this import's tables are not prepared by name: the names would outlive the tables on a pooled connection.
    const r = await this.x.query<{ line: number }>(practiceId, `SELECT s.line FROM ${this.cli} s JOIN clients c ON c.practice_id = ? AND c.email = s.email ORDER BY s.line`,
      [practiceId], { unnamed: true });
    return r.rows.map((x) => x.line);
  }

  async insertAppointments(practiceId: string, now: number): Promise<number> {
    return (await this.x.query(practiceId, `INSERT INTO appointments (id, practice_id, therapist_id, client_id, start_at, end_at, telehealth, status, created_at, updated_at)
      SELECT id, ?, therapist_id, client_id, start_at, end_at, telehealth, 'scheduled', ?, ? FROM ${this.apt}`, [practiceId, now, now], { unnamed: true })).rowCount ?? 0;
  }

  async telehealthIds(): Promise<string[]> {
    return (await this.client.query<{ id: string }>(`SELECT id FROM ${this.apt} WHERE telehealth = 1`)).rows.map((r) => r.id);
  }

  async insertClients(practiceId: string, now: number): Promise<number> {
    return (await this.x.query(practiceId, `INSERT INTO clients (id, practice_id, name, email, state, phone, date_of_birth, created_at)
      SELECT id, ?, name, email, state, phone, date_of_birth, ? FROM ${this.cli}`, [practiceId, now], { unnamed: true })).rowCount ?? 0;
  }

  async drop(): Promise<void> {
    if (this.dropped) return;
    this.dropped = true;
    let failure: Error | undefined;
    try {
      await this.client.query(`DROP TABLE IF EXISTS ${this.apt}, ${this.cli}, ${this.mail}`);
    } catch (err) {
      failure = err as Error; // the connection goes with its temp tables
    } finally {
      this.client.release(failure);
    }
  }
}
