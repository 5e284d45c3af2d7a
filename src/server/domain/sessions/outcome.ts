/**
 * R24: what an appointment becomes when its session completes by itself (the auto-complete sweep),
 * told from real presence, as the session record kept it:
 *   - the client never connected → `no_show`;
 *   - the client came but no provider ever did → `cancelled` with reason `provider_absent`, and the
 *     practice's owners and managers are emailed (ids and the time only: no client name);
 *   - both came → `completed`.
 * A provider ending the session, or the video provider ending it, completes it as before.
 */
import { PROVIDER_ABSENT } from "../../../sdk/schemas/index.js";
import type { Repos } from "../../db/repos.js";
import type { AppointmentRow, PracticeRow, SessionRow } from "../../db/types.js";
import { formatInZone, zoneAbbreviation } from "../../../sdk/schemas/time.js";
import { queueMail } from "../mail/outbox.js";

export interface Outcome {
  status: AppointmentRow["status"];
  cancelReason: string | null;
}

/** Whether each side ever connected (rows from before `clientJoinedAt` was kept fall back on the totals). */
export function cameToSession(rec: SessionRow): { provider: boolean; client: boolean } {
  return {
    provider: rec.providerJoinedAt !== null || rec.providerPresentMs > 0,
    client: (rec.clientJoinedAt ?? null) !== null || rec.clientPresentMs > 0 || rec.startedAt !== null,
  };
}

/** The appointment's status after a session that completed by itself. */
export function autoCompleteOutcome(rec: SessionRow): Outcome {
  const came = cameToSession(rec);
  if (!came.client) return { status: "no_show", cancelReason: null };
  if (!came.provider) return { status: "cancelled", cancelReason: PROVIDER_ABSENT };
  return { status: "completed", cancelReason: null };
}

/**
 * Inside the completing transaction: one mail to each active owner and manager saying that the
 * client waited and no provider came. Returns the mail ids (none when nobody has an address).
 */
export async function tellManagersProviderAbsent(
  r: Repos, now: number, practice: PracticeRow, a: AppointmentRow, publicUrl: string,
): Promise<string[]> {
  const tz = practice.timeZone;
  const when = `${formatInZone(a.startAt, tz)} ${zoneAbbreviation(a.startAt, tz)}`;
  const therapist = await r.staff.byId(practice.id, a.therapistId);
  const page = `${publicUrl.replace(/\/+$/, "")}/p/${practice.slug}/staff/appointments/${a.id}`;
  const managers = (await r.staff.list(practice.id)).filter((s) => s.deactivatedAt === null && (s.roles.includes("owner") || s.roles.includes("manager")));
  const ids: string[] = [];
  for (const m of managers) {
    ids.push(await queueMail(r, now, {
      practiceId: practice.id, to: m.email,
      subject: `Appointment ${a.id}: the client waited, no provider joined`,
      text: `Hello ${m.name},\n\nThe client of appointment ${a.id} (${when}, therapist ${therapist?.name ?? a.therapistId}) ` +
        `joined the session and waited, but no provider joined before it closed.\n\n` +
        `The appointment is now cancelled with the reason "${PROVIDER_ABSENT}". If that is wrong, correct it with\n` +
        `  tele appointments set-status ${a.id} completed\n\nThe appointment: ${page}\n`,
    }));
  }
  return ids;
}
