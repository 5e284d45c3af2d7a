import {
  AppointmentQuery, CreateAppointmentInput, isUsStateCode, UpdateAppointmentInput, type Appointment, type Page,
} from "../../../sdk/schemas/index.js";
import type { Repos } from "../../db/repos.js";
import type { AppointmentFilter, AppointmentRow, ClientRow, StaffRow } from "../../db/types.js";
import { audit, auditRead } from "../audit/audit.js";
import type { Actor, Deps, StaffActor } from "../deps.js";
import { conflict, forbidden, notFound, refused } from "../errors.js";
import { newId } from "../shared/crypto.js";
import { keyOf, pageFrom, pageSize } from "../shared/paging.js";
import { CHANGERS, mayChangeFor, reachesAll, READERS, requireStaff, type Purpose } from "../shared/permissions.js";
import { findClient, findStaff } from "../shared/resolve.js";
import { readRangeEnd, readStart, readTime } from "../shared/time.js";
import { appointmentView } from "../shared/views.js";
import { sessionSummaries } from "../sessions/state.js";
import { refuseDeactivated } from "../staff/deactivate.js";
import { onAppointmentChange } from "./changes.js";
import { refuseOverlap } from "./overlap.js";
import { refuseArchived } from "../clients/archive.js";
import { judgeTelehealth } from "../licensure/rules.js";

/** R4, R5 as a code: why a therapist (with or without Teletherapy) cannot see a client living in `state` by telehealth. */
export function telehealthBlock(teletherapy: boolean, state: string | null): "teletherapy_not_enabled" | "not_us_resident" | null {
  if (!teletherapy) return "teletherapy_not_enabled";
  if (!state || !isUsStateCode(state)) return "not_us_resident";
  return null;
}

/** R4, R5: why `therapist` cannot see `client` by telehealth, as the error to throw, or null when they can. */
export function telehealthRefusal(therapist: Pick<StaffRow, "id" | "teletherapy">, client: Pick<ClientRow, "id" | "state">) {
  switch (telehealthBlock(therapist.teletherapy, client.state)) {
    case "teletherapy_not_enabled":
      return refused("teletherapy_not_enabled", `staff member ${therapist.id} does not have Teletherapy enabled`);
    case "not_us_resident":
      return refused("not_us_resident", `client ${client.id} has no U.S. state of residence; telehealth is for U.S. residents only`);
    default:
      return null;
  }
}

/**
 * The selection a staff member may see (`purpose` "see") or change ("change"): a therapist who is
 * nothing else sees only their own; only owners and managers change others' (R1).
 */
export async function scopedFilter(r: Repos, a: StaffActor, tz: string, q: {
  therapist?: string; client?: string; from?: string; to?: string;
}, now: number, purpose: Purpose): Promise<AppointmentFilter> {
  const f: AppointmentFilter = { practiceId: a.practiceId };
  if (q.therapist) f.therapistId = (await findStaff(r, a.practiceId, q.therapist)).id;
  if (q.client) f.clientId = (await findClient(r, a.practiceId, q.client, now)).id;
  if (q.from) f.from = readTime("from", q.from, tz);
  if (q.to) f.to = readRangeEnd("to", q.to, tz);
  if (!reachesAll(a, purpose)) {
    if (f.therapistId && f.therapistId !== a.staff.id) throw forbidden(`therapists ${purpose} only their own appointments`);
    f.therapistId = a.staff.id;
  }
  return f;
}

export async function practiceZone(r: Repos, practiceId: string): Promise<string> {
  return (await r.practices.byId(practiceId))!.timeZone;
}

/**
 * One page of the appointments matching a query, in start order (latest first with `order: "desc"`),
 * with the therapist's and client's names. One audit row per page (R20).
 */
export async function listAppointments(deps: Deps, actor: Actor, query: unknown): Promise<Page<Appointment>> {
  const a = requireStaff(actor, ...READERS);
  const q = AppointmentQuery.parse(query ?? {});
  const now = deps.clock();
  const f = await scopedFilter(deps.store, a, await practiceZone(deps.store, a.practiceId), q, now, "see");
  if (q.telehealth !== undefined) f.telehealth = q.telehealth;
  if (q.status) f.status = q.status;
  f.desc = q.order === "desc";
  const { practiceId, ...filter } = f;
  const scope = { practiceId, list: "appointments", filter };
  const size = pageSize(q.limit);
  f.after = keyOf(scope, q.cursor, "ns") as [number, string] | undefined;
  const rows = await deps.store.appointments.list({ ...f, limit: size + 1, names: true });
  const page = pageFrom(rows, size, scope, (r) => [r.startAt, r.id], (r) => r);
  await auditRead(deps, a, now, a.practiceId, "appointment.list", { type: "appointment", id: null }, { count: page.items.length });
  const sessions = await sessionSummaries(deps.store, a.practiceId, page.items, now);
  return { items: page.items.map((row) => appointmentView(row, sessions.get(row.id))), nextCursor: page.nextCursor };
}

/** One appointment the actor may see, or (purpose "change") may change: 404 when absent, 403 when out of scope. */
export async function findInScope(r: Repos, a: StaffActor, id: string, purpose: Purpose): Promise<AppointmentRow> {
  const row = await r.appointments.byId(a.practiceId, id);
  if (!row) throw notFound("appointment", id);
  const mine = row.therapistId === a.staff.id;
  const allowed = purpose === "see" ? reachesAll(a, "see") || mine : mayChangeFor(a, row.therapistId);
  if (!allowed) throw forbidden(`therapists ${purpose} only their own appointments`);
  return row;
}

export async function getAppointment(deps: Deps, actor: Actor, id: string): Promise<Appointment> {
  const a = requireStaff(actor, ...READERS);
  const row = await findInScope(deps.store, a, id, "see");
  const now = deps.clock();
  await auditRead(deps, a, now, a.practiceId, "appointment.read", { type: "appointment", id });
  return appointmentView(row, (await sessionSummaries(deps.store, a.practiceId, [row], now)).get(row.id));
}

/** A start that has passed, refused unless the caller says it records a past appointment (issue 10). */
export function pastStart(startAt: number) {
  return refused("start_in_past", `the start ${new Date(startAt).toISOString()} has passed; to record a past appointment, allow it (allowPast)`);
}

/**
 * Schedules one appointment; telehealth needs R4 and R5. Therapists schedule only their own. A
 * telehealth one's client is sent a confirmation unless `notify` is false (R23).
 */
export async function createAppointment(deps: Deps, actor: Actor, input: unknown): Promise<Appointment> {
  const a = requireStaff(actor, ...CHANGERS);
  const v = CreateAppointmentInput.parse(input);
  const now = deps.clock();
  let mailed = false;
  const view = await deps.store.tx(async (r) => {
    const therapist = await findStaff(r, a.practiceId, v.therapist);
    if (!mayChangeFor(a, therapist.id)) throw forbidden("therapists schedule only their own appointments");
    refuseDeactivated(therapist);
    if (!therapist.roles.includes("therapist")) throw refused("not_a_therapist", `staff member ${therapist.id} does not have the therapist role`);
    const client = await findClient(r, a.practiceId, v.client, now);
    refuseArchived(client);
    if (v.telehealth) {
      const why = telehealthRefusal(therapist, client);
      if (why) throw why;
    }
    // R25: refused here under `refuse`; under `warn` the reply's `licensure` says so.
    const licensure = v.telehealth ? await judgeTelehealth(r, a.practiceId, therapist, client.state) : undefined;
    const startAt = readStart("start", v.start, await practiceZone(r, a.practiceId));
    if (startAt <= now && !v.allowPast) throw pastStart(startAt);
    const row = {
      id: newId("apt"), practiceId: a.practiceId, therapistId: therapist.id, clientId: client.id,
      startAt, endAt: startAt + v.durationMinutes * 60_000, telehealth: v.telehealth, createdAt: now,
    };
    if (!v.allowOverlap) await refuseOverlap(r, a.practiceId, row);
    await r.appointments.insert(row);
    await audit(r, a, now, a.practiceId, "appointment.create", { type: "appointment", id: row.id },
      licensure === "unlicensed_state" ? { telehealth: row.telehealth, licensure } : { telehealth: row.telehealth });
    mailed = !!(await onAppointmentChange(deps, { kind: "created", appointmentId: row.id, practiceId: a.practiceId, notify: v.notify }, r)).mailId;
    return appointmentView((await r.appointments.byId(a.practiceId, row.id))!);
  });
  if (mailed) deps.mailQueued?.();
  return view;
}

/**
 * R7: one appointment to telehealth or back. Past, cancelled and completed ones are refused (409).
 * The client is told, with a calendar file, unless `notify` is false (R23).
 */
export async function setTelehealth(deps: Deps, actor: Actor, id: string, input: unknown): Promise<Appointment> {
  const a = requireStaff(actor, ...CHANGERS);
  const { telehealth, notify } = UpdateAppointmentInput.parse(input);
  const now = deps.clock();
  let mailed = false;
  const view = await deps.store.tx(async (r) => {
    const row = await findInScope(r, a, id, "change");
    if (row.telehealth === telehealth) return appointmentView(row);
    if (row.status !== "scheduled" || row.startAt <= now) {
      throw conflict("not_convertible", `appointment ${id} is ${row.status === "scheduled" ? "in the past" : row.status} and cannot be converted`);
    }
    if (telehealth) {
      const therapist = await findStaff(r, a.practiceId, row.therapistId);
      const client = await findClient(r, a.practiceId, row.clientId, now);
      const why = telehealthRefusal(therapist, client);
      if (why) throw why;
      await judgeTelehealth(r, a.practiceId, therapist, client.state);
    } else if (await r.sessions.byAppointment(a.practiceId, id)) {
      // Someone has joined its session (the window opens before the start): it ends as a session, not as a switch.
      throw conflict("not_convertible", `appointment ${id} has a telehealth session under way and cannot be converted; end the session first`);
    }
    await r.appointments.setTelehealth(a.practiceId, [id], telehealth, now);
    await audit(r, a, now, a.practiceId, "appointment.convert", { type: "appointment", id }, { telehealth });
    const kind = telehealth ? "converted" : "in_person";
    mailed = !!(await onAppointmentChange(deps, { kind, appointmentId: id, practiceId: a.practiceId, notify }, r)).mailId;
    return appointmentView((await r.appointments.byId(a.practiceId, id))!);
  });
  if (mailed) deps.mailQueued?.();
  return view;
}
