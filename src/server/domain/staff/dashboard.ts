import { endOfLocalDay, localDateInZone, zonedToUtc } from "../../../sdk/schemas/time.js";
import type { AppointmentRow, PracticeRow, StaffRow } from "../../db/types.js";
import { joinWindow, type JoinWindow } from "../appointments/window.js";
import { auditRead } from "../audit/audit.js";
import type { Actor, Deps, StaffActor } from "../deps.js";
import { forbidden, notFound } from "../errors.js";
import { mayChangeFor, READERS, requireStaff, seesAll } from "../shared/permissions.js";
import { waitingSince } from "../sessions/dashboard-feed.js";

/** How far ahead the provider dashboard looks, and how many appointments it lists at most. */
export const DASHBOARD_DAYS = 14;
export const DASHBOARD_LIMIT = 300;

/** One appointment as the staff pages show it. */
export interface StaffAppointment {
  appointment: AppointmentRow;
  clientName: string;
  therapistName: string;
  window: JoinWindow;
  /** R14: the viewer may begin this session (its therapist, an owner or a manager; never a biller). */
  canBegin: boolean;
  /** While the client waits in the session and no provider is there: since when (epoch ms); else null (issue 11). */
  waitingSince: number | null;
}

export interface ProviderDashboard {
  practice: PracticeRow;
  viewer: StaffRow;
  /** Owners, managers and billers see everyone's appointments (with the therapist's name). */
  seesAll: boolean;
  now: number;
  /** The exclusive end of today in the practice's zone: items before it are today's. */
  endOfToday: number;
  items: StaffAppointment[];
}

const mayBegin = (a: StaffActor, row: AppointmentRow) =>
  row.telehealth && row.status === "scheduled" && mayChangeFor(a, row.therapistId);

/** The rows with their names: two queries however many rows (up to DASHBOARD_LIMIT). */
async function describe(deps: Deps, a: StaffActor, rows: AppointmentRow[], practice: PracticeRow, now: number): Promise<StaffAppointment[]> {
  const clientIds = [...new Set(rows.map((r) => r.clientId))];
  const clients = new Map((await deps.store.clients.names(practice.id, clientIds)).map((c) => [c.id, c.name]));
  const staff = new Map((await deps.store.staff.list(practice.id)).map((s) => [s.id, s.name]));
  const tele = rows.filter((r) => r.telehealth && r.status === "scheduled").map((r) => r.id);
  const sessions = new Map((await deps.store.sessions.forAppointments(practice.id, tele)).map((s) => [s.appointmentId, s]));
  return rows.map((row) => ({
    appointment: row,
    clientName: clients.get(row.clientId) ?? "(unknown client)",
    therapistName: staff.get(row.therapistId) ?? "(former staff member)",
    window: joinWindow(row, practice, now), canBegin: mayBegin(a, row),
    waitingSince: mayBegin(a, row) ? waitingSince(row, sessions.get(row.id)) : null,
  }));
}

/**
 * Today's and the next two weeks' appointments: a therapist's own, or everyone's for owners,
 * managers and billers. Reading client names is a read of client data: audited (R20).
 */
export async function providerDashboard(deps: Deps, actor: Actor): Promise<ProviderDashboard> {
  const a = requireStaff(actor, ...READERS);
  const now = deps.clock();
  const practice = (await deps.store.practices.byId(a.practiceId))!;
  const today = localDateInZone(now, practice.timeZone);
  const from = zonedToUtc(today, practice.timeZone);
  const all = seesAll(a);
  const rows = await deps.store.appointments.list({
    practiceId: a.practiceId, from, to: from + (DASHBOARD_DAYS + 1) * 86_400_000, limit: DASHBOARD_LIMIT,
    ...(all ? {} : { therapistId: a.staff.id }),
  });
  // Today's cancelled or finished appointments stay listed; past days' do not appear at all.
  const items = await describe(deps, a, rows.filter((r) => r.endAt > from), practice, now);
  await auditRead(deps, a, now, a.practiceId, "dashboard.view", { type: "appointment", id: null }, {
    count: items.length, clients: [...new Set(items.map((i) => i.appointment.clientId))],
  });
  return { practice, viewer: a.staff, seesAll: all, now, endOfToday: endOfLocalDay(today, practice.timeZone), items };
}

/** One appointment for its page: a therapist opens only their own (403 otherwise); billers read any. */
export async function staffAppointment(deps: Deps, actor: Actor, id: string): Promise<{ practice: PracticeRow; item: StaffAppointment; now: number }> {
  const a = requireStaff(actor, ...READERS);
  const now = deps.clock();
  const row = /^[A-Za-z0-9_-]{1,64}$/.test(id) ? await deps.store.appointments.byId(a.practiceId, id) : undefined;
  if (!row) throw notFound("appointment", id);
  if (!seesAll(a) && row.therapistId !== a.staff.id) throw forbidden("therapists open only their own appointments");
  const practice = (await deps.store.practices.byId(a.practiceId))!;
  const [item] = await describe(deps, a, [row], practice, now);
  await auditRead(deps, a, now, a.practiceId, "appointment.read", { type: "appointment", id: row.id }, { via: "staff_page" });
  return { practice, item: item!, now };
}
