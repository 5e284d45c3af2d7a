import { ClientQuery, CreateClientInput, type Client, type Page } from "../../../sdk/schemas/index.js";
import { audit, auditRead } from "../audit/audit.js";
import type { Actor, Deps } from "../deps.js";
import { conflict, forbidden } from "../errors.js";
import { newId } from "../shared/crypto.js";
import { MANAGERS, READERS, requireStaff, seesAll } from "../shared/permissions.js";
import { keyOf, pageFrom, pageSize } from "../shared/paging.js";
import { findClient } from "../shared/resolve.js";
import { clientView } from "../shared/views.js";

/**
 * One page of clients by name, filtered by text, state and portal status (issue 10): all of them for
 * owners, managers and billers; a therapist's own otherwise. Each page is audited as a read (R20).
 */
export async function listClients(deps: Deps, actor: Actor, query: unknown): Promise<Page<Client>> {
  const a = requireStaff(actor, ...READERS);
  const q = ClientQuery.parse(query ?? {});
  const now = deps.clock();
  const filter = { therapistId: seesAll(a) ? undefined : a.staff.id, search: q.search, state: q.state, portal: q.portal };
  const scope = { practiceId: a.practiceId, list: "clients", filter };
  const size = pageSize(q.limit);
  const after = keyOf(scope, q.cursor, "ss") as [string, string] | undefined;
  const rows = await deps.store.clients.page(a.practiceId, now, { ...filter, after, limit: size + 1 });
  const page = pageFrom(rows, size, scope, (c) => [c.name, c.id], clientView);
  await auditRead(deps, a, now, a.practiceId, "client.list", { type: "client", id: null }, { ids: page.items.map((c) => c.id) });
  return page;
}

/** One client's record; the read is audited (R20). */
export async function getClient(deps: Deps, actor: Actor, ref: string): Promise<Client> {
  const a = requireStaff(actor, ...READERS);
  const now = deps.clock();
  const c = await findClient(deps.store, a.practiceId, ref, now);
  if (!seesAll(a) && !(await deps.store.clients.hasAppointmentWith(a.practiceId, c.id, a.staff.id))) throw forbidden();
  await auditRead(deps, a, now, a.practiceId, "client.read", { type: "client", id: c.id });
  return clientView(c);
}

/** Adds a client. A missing state means the client lives outside the U.S. (R4). */
export async function addClient(deps: Deps, actor: Actor, input: unknown): Promise<Client> {
  const a = requireStaff(actor, ...MANAGERS);
  const v = CreateClientInput.parse(input);
  const now = deps.clock();
  return deps.store.tx(async (r) => {
    if (v.email && (await r.clients.byEmail(a.practiceId, v.email, now))) {
      throw conflict("already_exists", "a client with this email already exists");
    }
    const row = {
      id: newId("cli"), practiceId: a.practiceId, name: v.name, email: v.email ?? null, state: v.state ?? null,
      phone: v.phone ?? null, dateOfBirth: v.dateOfBirth ?? null, createdAt: now,
    };
    await r.clients.insert(row);
    await audit(r, a, now, a.practiceId, "client.add", { type: "client", id: row.id });
    return clientView({ ...row, hasPortalAccount: false, inviteExpiresAt: null });
  });
}
