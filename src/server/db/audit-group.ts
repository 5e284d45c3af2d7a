import type { NewAudit } from "./types.js";

interface Waiting {
  entry: NewAudit;
  ok: () => void;
  fail: (err: unknown) => void;
}

/**
 * Writes the rows it is given in one transaction: `take()` hands over every row waiting at the
 * moment it is called, so a store that waits for its writer first (SQLite) calls it inside the
 * transaction and the rows that arrived meanwhile join too.
 */
export type AuditWrite = (take: () => NewAudit[]) => Promise<void>;

/**
 * Group commit for audit rows that stand alone (the rows of reads, R20), for both stores. Each
 * caller's promise settles only after its row is committed, so a reply is never sent before its row
 * is durable. The rows that arrive while one commit runs, or in the same turn of the event loop, are
 * written together by the next: one transaction for many concurrent requests instead of one each.
 * The rows of several processes are independent transactions: nothing is shared but the table.
 *
 * If a commit fails, its rows are tried again one transaction each, so one bad row cannot fail the
 * requests beside it; a row that still cannot be written fails its own request.
 */
export class AuditGroup {
  private pending: Waiting[] = [];
  private scheduled = false;
  private running: Promise<void> | undefined;

  constructor(private readonly write: AuditWrite) {}

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
    // Let every request that reached its audit call in this turn of the event loop join the commit.
    setImmediate(() => {
      this.scheduled = false;
      this.running = this.commit().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    });
  }

  private async commit(): Promise<void> {
    let batch: Waiting[] = [];
    try {
      await this.write(() => {
        batch = this.pending.splice(0);
        return batch.map((w) => w.entry);
      });
    } catch (err) {
      // The transaction could not even begin: nothing was taken, so fail what waits rather than spin.
      if (!batch.length) batch = this.pending.splice(0);
      if (batch.length <= 1) batch.forEach((w) => w.fail(err));
      else await Promise.all(batch.map((w) => this.write(() => [w.entry]).then(w.ok, w.fail)));
      return;
    }
    batch.forEach((w) => w.ok());
  }
}
