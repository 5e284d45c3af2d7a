/**
 * `tele logout` at the service level over a real in-memory database: any staff member revokes the
 * token their own request was signed with (audited), never someone else's, and a token that is
 * already dead is refused.
 */
import { describe, expect, it } from "vitest";
import { revokeOwnToken } from "../../src/server/domain/staff/logout.js";
import { authenticateToken, createApiToken } from "../../src/server/domain/staff/service.js";
import { auditRows, makeWorld, refusal } from "../helpers/server.js";
import { idOf } from "../helpers/world.js";

describe("revokeOwnToken (tele logout)", () => {
  it("a therapist revokes the token of their own request, audited; the other tokens keep working", async () => {
    const w = await makeWorld();
    const mine = await createApiToken(w.deps, w.p.owner, idOf(w.p.tina));
    const other = await createApiToken(w.deps, w.p.owner, idOf(w.p.tina));
    const out = await revokeOwnToken(w.deps, w.p.tina, mine.token);
    expect(out).toMatchObject({ changed: true, token: { id: mine.id, active: false } });
    expect(await authenticateToken(w.deps, mine.token)).toBeUndefined();
    expect(await authenticateToken(w.deps, other.token)).toBeDefined();
    const audited = auditRows(w.store, "staff.token.revoke");
    expect(audited.map((r) => JSON.parse(r.details!))).toEqual([{ tokenId: mine.id, by: "logout" }]);
  });

  it("refuses another staff member's token, a dead token, no token, and anyone who is not staff", async () => {
    const w = await makeWorld();
    const tinas = await createApiToken(w.deps, w.p.owner, idOf(w.p.tina));
    await refusal(revokeOwnToken(w.deps, w.p.owner, tinas.token), "invalid_request", 400);
    expect(await authenticateToken(w.deps, tinas.token)).toBeDefined();
    await revokeOwnToken(w.deps, w.p.tina, tinas.token);
    await refusal(revokeOwnToken(w.deps, w.p.tina, tinas.token), "invalid_request", 400);
    await refusal(revokeOwnToken(w.deps, w.p.tina, undefined), "invalid_request", 400);
    await refusal(revokeOwnToken(w.deps, { kind: "anonymous", ip: null, requestId: null }, tinas.token), "permission_denied", 403);
  });
});
