/**
 * Who is in a session, read from the streams every server process has recorded (issue 13): a side is
 * present while at least one of its streams is open in any process, so two tabs count once.
 */
import type { SessionStreamRow } from "../../db/repos.js";
import type { Deps } from "../deps.js";
import { firstName, type Present } from "./access.js";

/** Who is connected to an appointment's session now, in any process, one entry per person, first arrival first. */
export async function presentAt(deps: Pick<Deps, "store" | "clock">, practiceId: string, appointmentId: string): Promise<Present[]> {
  const seen = new Map<string, SessionStreamRow>();
  for (const r of await deps.store.streams.forAppointment(practiceId, appointmentId)) if (!seen.has(`${r.whoKind}:${r.whoId}`)) seen.set(`${r.whoKind}:${r.whoId}`, r);
  const out: Present[] = [];
  // The rows hold ids only; names are read when shown.
  for (const r of seen.values()) {
    const name = r.whoKind === "staff"
      ? (await deps.store.staff.byId(r.practiceId, r.whoId))?.name ?? "(former staff member)"
      : firstName((await deps.store.clients.byId(r.practiceId, r.whoId, deps.clock()))?.name ?? "Client");
    out.push({ kind: r.whoKind, id: r.whoId, name, role: r.whoRole });
  }
  return out;
}

/** Whether each side has a stream open, among an appointment's stream rows. */
export function sidesOf(rows: Pick<SessionStreamRow, "role">[]): { provider: boolean; client: boolean } {
  const out = { provider: false, client: false };
  for (const r of rows) out[r.role] = true;
  return out;
}
