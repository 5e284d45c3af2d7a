import type { TokenRepo } from "../repos.js";
import type { TokenRow } from "../types.js";
import { all, one, pluck, run, SYSTEM, type Exec } from "./exec.js";
import { toStaff } from "./staff.js";

const COLS = `id, practice_id AS "practiceId", staff_id AS "staffId", created_by AS "createdBy", created_at AS "createdAt",
  last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"`;

/**
 * API tokens. No memory of tokens here (the SQLite store has one): other processes on the database
 * revoke tokens and deactivate staff, and a memory would have to hear of it; the lookup is one
 * indexed join in one round trip.
 */
export function tokenRepo(x: Exec): TokenRepo {
  return {
    async insert(t) {
      await run(x, t.practiceId, `INSERT INTO api_tokens (id, practice_id, staff_id, token_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
        [t.id, t.practiceId, t.staffId, t.tokenHash, t.createdBy, t.createdAt]);
    },
    async staffForHash(tokenHash) {
      // Authentication, before the practice is known. A deactivated staff member's tokens are refused by the join too.
      const r = await one<{ tokenId: string; lastUsedAt: number | null } & Parameters<typeof toStaff>[0]>(x, SYSTEM,
        `SELECT t.id AS "tokenId", t.last_used_at AS "lastUsedAt", s.id, s.practice_id AS "practiceId", s.name, s.email, s.roles,
          s.teletherapy, s.licensed_in AS "licensedIn", s.created_at AS "createdAt", s.deactivated_at AS "deactivatedAt"
        FROM api_tokens t JOIN staff s ON s.id = t.staff_id
        WHERE t.token_hash = ? AND t.revoked_at IS NULL AND s.deactivated_at IS NULL`, [tokenHash]);
      if (!r) return undefined;
      const { tokenId, lastUsedAt, ...staff } = r;
      return { tokenId, lastUsedAt, staff: toStaff(staff) };
    },
    async byId(practiceId, id) {
      return one<TokenRow>(x, practiceId, `SELECT ${COLS} FROM api_tokens WHERE practice_id = ? AND id = ?`, [practiceId, id]);
    },
    async listFor(practiceId, staffId) {
      return all<TokenRow>(x, practiceId, `SELECT ${COLS} FROM api_tokens WHERE practice_id = ? AND staff_id = ? ORDER BY created_at DESC, id DESC`, [practiceId, staffId]);
    },
    async revoke(practiceId, id, now) {
      return (await run(x, practiceId, `UPDATE api_tokens SET revoked_at = ? WHERE practice_id = ? AND id = ? AND revoked_at IS NULL`, [now, practiceId, id])) === 1;
    },
    async revokeAllFor(practiceId, staffId, now) {
      const ids = await pluck<string>(x, practiceId, `UPDATE api_tokens SET revoked_at = ? WHERE practice_id = ? AND staff_id = ? AND revoked_at IS NULL RETURNING id`,
        [now, practiceId, staffId]);
      return ids.sort();
    },
    async touch(id, now) {
      await run(x, SYSTEM, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, [now, id]);
    },
  };
}
