import type { TokenRepo } from "../repos.js";
import type { TokenRow } from "../types.js";
import type { StatementCache } from "./statements.js";
import { toStaff } from "./staff.js";

const COLS = `id, practice_id AS practiceId, staff_id AS staffId, created_by AS createdBy, created_at AS createdAt,
  last_used_at AS lastUsedAt, revoked_at AS revokedAt`;

export function tokenRepo(s: StatementCache): TokenRepo {
  return {
    async insert(t) {
      s.get(`INSERT INTO api_tokens (id, practice_id, staff_id, token_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`)
        .run(t.id, t.practiceId, t.staffId, t.tokenHash, t.createdBy, t.createdAt);
    },
    async staffForHash(tokenHash) {
      // A deactivated staff member's tokens are revoked with them; the join refuses them as well, whatever the token's row says.
      const r = s.get(`SELECT t.id AS tokenId, t.last_used_at AS lastUsedAt, s.id, s.practice_id AS practiceId, s.name, s.email, s.roles,
          s.teletherapy, s.licensed_in AS licensedIn, s.created_at AS createdAt, s.deactivated_at AS deactivatedAt
        FROM api_tokens t JOIN staff s ON s.id = t.staff_id
        WHERE t.token_hash = ? AND t.revoked_at IS NULL AND s.deactivated_at IS NULL`).get(tokenHash) as
        | ({ tokenId: string; lastUsedAt: number | null } & Parameters<typeof toStaff>[0])
        | undefined;
      if (!r) return undefined;
      const { tokenId, lastUsedAt, ...staff } = r;
      return { tokenId, lastUsedAt, staff: toStaff(staff) };
    },
    async byId(practiceId, id) {
      return s.get(`SELECT ${COLS} FROM api_tokens WHERE practice_id = ? AND id = ?`).get(practiceId, id) as TokenRow | undefined;
    },
    async listFor(practiceId, staffId) {
      return s.get(`SELECT ${COLS} FROM api_tokens WHERE practice_id = ? AND staff_id = ? ORDER BY created_at DESC, id DESC`)
        .all(practiceId, staffId) as TokenRow[];
    },
    async revoke(practiceId, id, now) {
      return s.get(`UPDATE api_tokens SET revoked_at = ? WHERE practice_id = ? AND id = ? AND revoked_at IS NULL`).run(now, practiceId, id).changes === 1;
    },
    async revokeAllFor(practiceId, staffId, now) {
      const ids = s.get(`SELECT id FROM api_tokens WHERE practice_id = ? AND staff_id = ? AND revoked_at IS NULL ORDER BY id`)
        .pluck().all(practiceId, staffId) as string[];
      s.get(`UPDATE api_tokens SET revoked_at = ? WHERE practice_id = ? AND staff_id = ? AND revoked_at IS NULL`).run(now, practiceId, staffId);
      return ids;
    },
    async touch(id, now) {
      s.get(`UPDATE api_tokens SET last_used_at = ? WHERE id = ?`).run(now, id);
    },
  };
}
