import type { Repos } from "../../db/repos.js";
import type { ClientRow, StaffRow } from "../../db/types.js";
import { notFound } from "../errors.js";

/** A staff member by id or email (the contract lets either be used), or 404. */
export async function findStaff(r: Repos, practiceId: string, ref: string): Promise<StaffRow> {
  const s = ref.includes("@") ? await r.staff.byEmail(practiceId, ref.trim().toLowerCase()) : await r.staff.byId(practiceId, ref);
  if (!s) throw notFound("staff member", ref);
  return s;
}

/** A client by id or email, or 404. */
export async function findClient(r: Repos, practiceId: string, ref: string, now: number): Promise<ClientRow> {
  const c = ref.includes("@")
    ? await r.clients.byEmail(practiceId, ref.trim().toLowerCase(), now)
    : await r.clients.byId(practiceId, ref, now);
  if (!c) throw notFound("client", ref);
  return c;
}
