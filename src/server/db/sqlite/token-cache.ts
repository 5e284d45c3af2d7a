import type { Statement } from "better-sqlite3";
import type { StaffRow } from "../types.js";
import type { SqliteDatabase } from "../open.js";

type Found = { tokenId: string; lastUsedAt: number | null; staff: StaffRow };

/** Enough for every token of a large practice; past it, the memory starts over rather than grow. */
const MAX_ENTRIES = 10_000;

/**
 * A memory of whose a token hash is, so an API request does not run the token join every time
 * (the largest cost of an authenticated read after its audit commit). Revocation and role changes
 * still take effect at once: the memory is dropped after every write transaction of this process
 * (`writeCount` changes) and whenever another connection has committed (`PRAGMA data_version`),
 * and it is not used while a write transaction is open (`writeCount` is -1 then). Unknown or
 * revoked tokens are never remembered.
 */
export class TokenCache {
  private readonly known = new Map<string, Found>();
  private readonly dataVersion: Statement;
  private writes = -1;
  private version = -1;

  constructor(
    db: SqliteDatabase,
    private readonly lookup: (tokenHash: string) => Promise<Found | undefined>,
    private readonly writeCount: () => number,
  ) {
    this.dataVersion = db.prepare("PRAGMA data_version").pluck();
  }

  /** A token's use was recorded (outside a transaction): remember it, or every request would record it again. */
  touched(tokenId: string, at: number): void {
    for (const found of this.known.values()) if (found.tokenId === tokenId) found.lastUsedAt = at;
  }

  async staffForHash(tokenHash: string): Promise<Found | undefined> {
    const writes = this.writeCount();
    if (writes < 0) return this.lookup(tokenHash);
    const version = this.dataVersion.get() as number;
    if (version !== this.version || writes !== this.writes) {
      this.known.clear();
      this.version = version;
      this.writes = writes;
    }
    let hit = this.known.get(tokenHash);
    if (!hit) {
      hit = await this.lookup(tokenHash);
      if (!hit) return undefined;
      if (this.known.size >= MAX_ENTRIES) this.known.clear();
      this.known.set(tokenHash, hit);
    }
    // A copy: the actor's staff row belongs to its request.
    return { tokenId: hit.tokenId, lastUsedAt: hit.lastUsedAt, staff: { ...hit.staff, roles: [...hit.staff.roles] } };
  }
}
