import type { NewAudit } from "../types.js";

interface Waiting {
  entry: NewAudit;
  ok: () => void;
  fail: (err: unknown) => void;
}

/**
 * Group commit of the audit rows that stand alone (reads, R20) on PostgreSQL: the rows handed in
 * while one commit runs, or in the same turn of the event loop, are written by the next one, in
 * one transaction (one multi-row INSERT per practice, sent together), and each caller's promise
 * settles only once that transaction has committed, so no reply goes out before its row is
 * durable. The rows of several processes are independent transactions: nothing is shared but the
 * table. If a commit fails, its rows are tried again one transaction each, so one bad row fails
 * only its own request.
 */
export class PgAuditGroup {
  private pending: Waiting[] = [];
  private scheduled = false;
  private running: Promise<void> | undefined;

  /** `write` commits the rows in one transaction. */
  constructor(private readonly write: (entries: NewAudit[]) => Promise<void>) {}

  append(entry: NewAudit): Promise<void> {
    return new Promise((ok, fail) => {
      this.pending.push({ entry, ok, fail });
      this.schedule();
    });
  }

  /** Settles when every row handed in so far has been committed (or has failed its caller). */
  async idle(): Promise<void> {
    while (this.running || this.pending.length) {
      this.schedule();
      await (this.running ?? new Promise((r) => setImmediate(r)));
    }
  }

  private schedule(): void {
    if (this.running || this.scheduled || !this.pending.length) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.running = this.commit().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    });
  }

  private async commit(): Promise<void> {
    const batch = this.pending.splice(0);
    try {
      await this.write(batch.map((w) => w.entry));
    } catch (err) {
      if (batch.length <= 1) batch.forEach((w) => w.fail(err));
      else await Promise.all(batch.map((w) => this.write([w.entry]).then(w.ok, w.fail)));
      return;
    }
    batch.forEach((w) => w.ok());
  }
}
