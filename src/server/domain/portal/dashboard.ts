import { formatInZone, localDateInZone, zoneAbbreviation } from "../../../sdk/schemas/time.js";
import type { PracticeRow } from "../../db/types.js";
import { joinWindow, sessionPath } from "../appointments/window.js";
import { auditRead } from "../audit/audit.js";
import type { Deps } from "../deps.js";
import type { ClientActor } from "./sign-in.js";

/** How far back to look for appointments that started but have not ended yet. */
const LONGEST_APPOINTMENT_MS = 24 * 3600_000;
/** The dashboard lists at most this many upcoming appointments. */
export const DASHBOARD_LIMIT = 50;

/** One upcoming appointment as the client's dashboard shows it. */
export interface DashboardAppointment {
  id: string;
  telehealth: boolean;
  therapistName: string;
  startAt: number;
  minutes: number;
  /** "Tue 1 Dec 2026, 10:00 EST": the start in the practice's zone, labelled with it. */
  when: string;
  /** Telehealth only: the join window (R13) and where the Join button leads. */
  join?: {
    open: boolean;
    opensAt: number;
    closesAt: number;
    /** "09:45 EST", or the full date when the window opens on an earlier day than the appointment. */
    opensText: string;
    href: string;
  };
}

export interface ClientDashboard {
  clientName: string;
  timeZone: string;
  /** The server's clock when the page was made, so the page's script can correct a wrong device clock. */
  now: number;
  appointments: DashboardAppointment[];
}

/** "09:45 EST" (or "Mon 30 Nov 2026, 23:50 EST" when that is not the appointment's own day). */
function opensText(opensAt: number, startAt: number, tz: string): string {
  const full = formatInZone(opensAt, tz, { zone: true });
  return localDateInZone(opensAt, tz) === localDateInZone(startAt, tz) ? full.slice(full.indexOf(", ") + 2) : full;
}

/**
 * R15: the signed-in client's own upcoming appointments (scheduled, not yet ended) in `practice`,
 * with the therapist's name, the time in the practice's zone, and for telehealth the join window.
 * A read of the client's data, so it is audited (R20). Undefined when the client no longer exists.
 */
export async function clientDashboard(deps: Deps, actor: ClientActor, practice: PracticeRow): Promise<ClientDashboard | undefined> {
  const now = deps.clock();
  const client = await deps.store.clients.byId(practice.id, actor.clientId, now);
  if (!client) return undefined;
  const rows = (await deps.store.appointments.list({
    practiceId: practice.id, clientId: client.id, status: "scheduled", from: now - LONGEST_APPOINTMENT_MS,
  })).filter((a) => a.endAt > now).slice(0, DASHBOARD_LIMIT);
  const names = new Map<string, string>();
  for (const id of new Set(rows.map((a) => a.therapistId))) {
    names.set(id, (await deps.store.staff.byId(practice.id, id))?.name ?? "your therapist");
  }
  const tz = practice.timeZone;
  const appointments = rows.map((a): DashboardAppointment => {
    const item: DashboardAppointment = {
      id: a.id, telehealth: a.telehealth, therapistName: names.get(a.therapistId)!, startAt: a.startAt,
      minutes: Math.round((a.endAt - a.startAt) / 60_000), when: formatInZone(a.startAt, tz, { zone: true }),
    };
    if (a.telehealth) {
      const w = joinWindow(a, practice, now);
      item.join = { open: w.open, opensAt: w.opensAt, closesAt: w.closesAt, opensText: opensText(w.opensAt, a.startAt, tz), href: sessionPath(practice.slug, a.id) };
    }
    return item;
  });
  await auditRead(deps, actor, now, practice.id, "portal.dashboard.view", { type: "client", id: client.id }, { appointments: appointments.length });
  return { clientName: client.name, timeZone: tz, now, appointments };
}

/** The zone's name for the page's note, e.g. "America/New_York (EST)". */
export const zoneLabel = (tz: string, at: number) => `${tz.replace(/_/g, " ")} (${zoneAbbreviation(at, tz)})`;
