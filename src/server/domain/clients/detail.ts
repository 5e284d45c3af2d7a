import { UPCOMING_SHOWN, type ClientDetail } from "../../../sdk/schemas/index.js";
import type { Actor, Deps } from "../deps.js";
import { requireStaff, seesAll } from "../shared/permissions.js";
import { appointmentView } from "../shared/views.js";
import { sessionSummaries } from "../sessions/state.js";
import { getClient } from "./service.js";

/**
 * One client with their next scheduled appointments (issue 10: `tele clients show`), soonest first
 * and bounded: at most UPCOMING_SHOWN, `upcomingMore` when there are more. The client's read is
 * audited as `client.read` (getClient); a therapist who sees only their own gets only theirs.
 */
export async function getClientDetail(deps: Deps, actor: Actor, ref: string): Promise<ClientDetail> {
  const client = await getClient(deps, actor, ref);
  const a = requireStaff(actor);
  const now = deps.clock();
  const rows = await deps.store.appointments.list({
    practiceId: a.practiceId, clientId: client.id, from: now, status: "scheduled", limit: UPCOMING_SHOWN + 1,
    ...(seesAll(a) ? {} : { therapistId: a.staff.id }),
  });
  const shown = rows.slice(0, UPCOMING_SHOWN);
  const sessions = await sessionSummaries(deps.store, a.practiceId, shown, now);
  return { ...client, upcoming: shown.map((row) => appointmentView(row, sessions.get(row.id))), upcomingMore: rows.length > UPCOMING_SHOWN };
}
