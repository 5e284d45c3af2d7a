import { ArchiveClientInput, type ArchiveClientResult } from "../../../sdk/schemas/index.js";
import type { ClientRow } from "../../db/types.js";
import { audit } from "../audit/audit.js";
import type { Actor, Deps } from "../deps.js";
import { closeAppointment } from "../appointments/cancel.js";
import { onAppointmentChange } from "../appointments/changes.js";
import { conflict } from "../errors.js";
import { MANAGERS, requireStaff } from "../shared/permissions.js";
import { findClient } from "../shared/resolve.js";
import { clientView } from "../shared/views.js";

/** How many of the refused appointments' ids the 409 names in `details` (the count is always whole). */
const NAMED_IN_REFUSAL = 100;

/** An archived client is never invited or booked again: 409 `client_archived` (issue 10). */
export function refuseArchived(c: Pick<ClientRow, "id" | "archivedAt">): void {
  if (c.archivedAt) throw conflict("client_archived", `client ${c.id} is archived; an archived client cannot be invited to the portal or booked`);
}

/**
 * Archives a client (owner or manager): hidden from client lists, every record and the audit
 * history kept; `tele clients show` still finds them. The portal is closed to them at once: pending
 * invite and reset links are revoked and their browser sessions end, and signing in is refused.
 *
 * Refused while the client has upcoming scheduled appointments (409 `has_upcoming_appointments`, their
 * count and ids in `details`) unless `cancelUpcoming`: then they are cancelled in the same
 * transaction, every link for their sessions stops working, and each is audited. A telehealth
 * session under way (joined in its window) is never cancelled from here (409 `session_under_way`).
 * Archiving an archived client changes nothing (`changed: false`).
 */
export async function archiveClient(deps: Deps, actor: Actor, ref: string, input: unknown): Promise<ArchiveClientResult> {
  const a = requireStaff(actor, ...MANAGERS);
  const v = ArchiveClientInput.parse(input ?? {});
  const now = deps.clock();
  const result = await deps.store.tx(async (r): Promise<ArchiveClientResult> => {
    const c = await findClient(r, a.practiceId, ref, now);
    if (c.archivedAt) return { client: clientView(c), changed: false, cancelled: [], revokedLinks: 0 };
    let upcoming = await r.clients.upcomingScheduled(a.practiceId, c.id, now);
    if (upcoming.length && !v.cancelUpcoming) {
      throw conflict("has_upcoming_appointments",
        `client ${c.id} has ${upcoming.length} upcoming scheduled appointment(s); cancel them together with the archive (cancelUpcoming), or cancel or move them first`,
        { clientId: c.id, count: upcoming.length, appointments: upcoming.slice(0, NAMED_IN_REFUSAL) });
    }
    // Each appointment locked before its session and status are read, as cancel does (issue 13): a join
    // or a change by another process cannot land in between. In id order, so two archives cannot
    // deadlock; read again until no appointment of the client is left unlocked.
    for (const locked = new Set<string>(); ;) {
      const fresh = upcoming.filter((id) => !locked.has(id)).sort();
      if (!fresh.length) break;
      for (const id of fresh) {
        await r.sessions.lock(a.practiceId, id);
        locked.add(id);
      }
      upcoming = await r.clients.upcomingScheduled(a.practiceId, c.id, now);
    }
    const begun = (await r.sessions.forAppointments(a.practiceId, upcoming)).filter((s) => s.state !== "completed");
    if (begun.length) {
      throw conflict("session_under_way", `appointment ${begun[0]!.appointmentId} has a telehealth session under way; end it before archiving client ${c.id}`,
        { appointments: begun.map((s) => s.appointmentId) });
    }
    let revokedLinks = 0;
    for (const id of upcoming) {
      const appointment = (await r.appointments.byId(a.practiceId, id))!;
      revokedLinks += await closeAppointment(r, appointment, "cancelled", "client_archived", now);
      await audit(r, a, now, a.practiceId, "appointment.cancel", { type: "appointment", id }, { reason: "client_archived" });
      // As a single cancellation does, the client's notice goes in the same transaction (R21, R23).
      await onAppointmentChange(deps, { kind: "cancelled", appointmentId: id, practiceId: a.practiceId, notify: true }, r);
    }
    revokedLinks += await r.links.revokeLive(a.practiceId, c.id, ["portal_invite", "password_reset"], now);
    const endedWebSessions = await r.webSessions.revokeAllFor(a.practiceId, "client", c.id, now);
    await r.clients.archive(a.practiceId, c.id, now);
    await audit(r, a, now, a.practiceId, "client.archive", { type: "client", id: c.id }, { cancelled: upcoming, revokedLinks, endedWebSessions });
    const archived = (await r.clients.byId(a.practiceId, c.id, now))!;
    return { client: clientView(archived), changed: true, cancelled: upcoming, revokedLinks };
  });
  // As a single cancellation does: open session pages are told (R22), and the mail worker wakes for the notices.
  if (result.cancelled.length) deps.mailQueued?.();
  for (const id of result.cancelled) {
    await deps.sessions?.closed(a.practiceId, id).catch(() => undefined);
  }
  return result;
}
