import type { TokenRepo } from "../repos.js";
import type { StatementCache } from "./statements.js";
import { toStaff } from "./staff.js";

export function tokenRepo(s: StatementCache): TokenRepo {
  return {
    async insert(t) {
      s.get(`INSERT INTO api_tokens (id, practice_id, staff_id, token_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`)
        .run(t.id, t.practiceId, t.staffId, t.tokenHash, t.createdBy, t.createdAt);
    },
    async staffForHash(tokenHash) {
      const r = s.get(`SELECT t.id AS tokenId, s.id, s.practice_id AS practiceId, s.name, s.email, s.roles, s.teletherapy,
          s.created_at AS createdAt
        FROM api_tokens t JOIN staff s ON s.id = t.staff_id WHERE t.token_hash = ? AND t.revoked_at IS NULL`).get(tokenHash) as
        | ({ tokenId: string } & Parameters<typeof toStaff>[0])
        | undefined;
      if (!r) return undefined;
      const { tokenId, ...staff } = r;
      return { tokenId, staff: toStaff(staff) };
    },
  };
}
