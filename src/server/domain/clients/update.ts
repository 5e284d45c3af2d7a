import { UpdateClientInput, type Client } from "../../../sdk/schemas/index.js";
import type { ClientChange } from "../../db/repos.js";
import type { ClientRow } from "../../db/types.js";
import { audit } from "../audit/audit.js";
import type { Actor, Deps } from "../deps.js";
import { conflict } from "../errors.js";
import { MANAGERS, requireStaff } from "../shared/permissions.js";
import { findClient } from "../shared/resolve.js";
import { clientView } from "../shared/views.js";

/** The portal links that were mailed to the client's address: they die when the address changes. */
const MAILED_LINKS = ["portal_invite", "password_reset"] as const;

/**
 * Edits a client (owner or manager). Only the fields given change; the audit row names them, never
 * their values (R20). Nothing changed, nothing is written.
 *
 * - The email stays unique in the practice (409 `already_exists`).
 * - Clearing the state makes the client a non-U.S. resident (R4), refused while the client has
 *   upcoming telehealth appointments (409 `upcoming_telehealth`, their ids in `details`), as R3 does.
 * - A new email revokes the pending invite and reset links sent to the old one (their links stop
 *   working; `tele clients invite` sends a new one). An active portal account stays and signs in with
 *   the new address; such an account's email cannot be cleared (409 `portal_account_needs_email`).
 */
export async function updateClient(deps: Deps, actor: Actor, ref: string, input: unknown): Promise<Client> {
  const a = requireStaff(actor, ...MANAGERS);
  const v = UpdateClientInput.parse(input ?? {});
  const now = deps.clock();
  return deps.store.tx(async (r) => {
    const c = await findClient(r, a.practiceId, ref, now);
    const change = changedFields(c, v);
    const fields = Object.keys(change);
    if (fields.length === 0) return clientView(c);
    if (change.email !== undefined) {
      if (change.email && (await r.clients.byEmail(a.practiceId, change.email, now))) {
        throw conflict("already_exists", "a client with this email already exists");
      }
      if (change.email === null && c.hasPortalAccount) {
        throw conflict("portal_account_needs_email", `client ${c.id} has an active portal account, which signs in with the email; change it instead of clearing it`);
      }
    }
    if (change.state === null) {
      const ids = await r.clients.upcomingTelehealth(a.practiceId, c.id, now);
      if (ids.length) {
        throw conflict("upcoming_telehealth",
          `client ${c.id} has ${ids.length} upcoming telehealth appointment(s); convert them to in-person or cancel them before clearing the state (R4)`,
          { appointments: ids });
      }
    }
    await r.clients.update(a.practiceId, c.id, change);
    const revokedLinks = change.email !== undefined ? await r.links.revokeLive(a.practiceId, c.id, [...MAILED_LINKS], now) : 0;
    await audit(r, a, now, a.practiceId, "client.update", { type: "client", id: c.id }, revokedLinks ? { fields, revokedLinks } : { fields });
    const updated = await r.clients.byId(a.practiceId, c.id, now);
    return clientView(updated!);
  });
}

/** The fields of `v` whose value differs from the client's. */
function changedFields(c: ClientRow, v: ReturnType<typeof UpdateClientInput.parse>): ClientChange {
  const change: ClientChange = {};
  const keys = ["name", "email", "state", "phone", "dateOfBirth"] as const;
  for (const k of keys) {
    const value = v[k] === "" ? null : v[k]; // an empty phone is no phone
    if (value === undefined || value === c[k]) continue;
    (change as Record<string, string | null>)[k] = value;
  }
  return change;
}
