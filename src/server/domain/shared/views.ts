import type { ApiTokenInfo, Appointment, AuditEntry, Client, Mail, Practice, Staff } from "../../../sdk/schemas/index.js";
import type { AppointmentRow, AuditRow, ClientRow, MailRow, PracticeRow, StaffRow, TokenRow } from "../../db/types.js";

const DAY = 86_400_000;
const days = new Map<number, string>();
const pad = (n: number, width: number) => String(n).padStart(width, "0");

/**
 * Rows to the API's shapes (cli-contract.md): the one place where times become ISO 8601 UTC. A page
 * of a thousand appointments holds three thousand times: the date part of each day is made once
 * (Date's formatting is most of the cost) and the clock part by arithmetic; the same text as toISOString.
 */
const iso = (ms: number): string => {
  if (!Number.isSafeInteger(ms) || ms < 0 || ms >= 253_402_300_800_000) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY);
  let date = days.get(day);
  if (date === undefined) {
    if (days.size >= 10_000) days.clear();
    date = new Date(day * DAY).toISOString().slice(0, 11);
    days.set(day, date);
  }
  const t = ms - day * DAY;
  return `${date}${pad(Math.floor(t / 3_600_000), 2)}:${pad(Math.floor(t / 60_000) % 60, 2)}:${pad(Math.floor(t / 1000) % 60, 2)}.${pad(t % 1000, 3)}Z`;
};

export const portalUrl = (publicUrl: string, slug: string) => `${publicUrl.replace(/\/+$/, "")}/p/${slug}`;

export function practiceView(p: PracticeRow, publicUrl: string): Practice {
  return {
    id: p.id, name: p.name, slug: p.slug, state: p.state, timeZone: p.timeZone,
    joinWindowMinutes: p.joinWindowMinutes, autoCompleteMinutes: p.autoCompleteMinutes, portalUrl: portalUrl(publicUrl, p.slug), contact: p.contact,
    licensure: p.licensure ?? "warn",
    reminderMinutes: p.reminderMinutes,
  };
}

export function staffView(s: StaffRow): Staff {
  const v: Staff = {
    id: s.id, name: s.name, email: s.email, roles: s.roles, teletherapy: s.teletherapy, licensedIn: s.licensedIn ?? [],
    active: s.deactivatedAt === null, createdAt: iso(s.createdAt),
  };
  if (s.deactivatedAt !== null) v.deactivatedAt = iso(s.deactivatedAt);
  return v;
}

export function clientView(c: ClientRow): Client {
  const portal: Client["portal"] = c.hasPortalAccount
    ? { status: "active" }
    : c.inviteExpiresAt
      ? { status: "invited", inviteExpiresAt: iso(c.inviteExpiresAt) }
      : c.inviteExpiredAt
        ? { status: "none", inviteExpiredAt: iso(c.inviteExpiredAt) }
        : { status: "none" };
  const v: Client = {
    id: c.id, name: c.name, email: c.email, state: c.state, phone: c.phone, dateOfBirth: c.dateOfBirth,
    portal, createdAt: iso(c.createdAt), consent: clientConsentView(c.consent),
  };
  if (c.archivedAt) v.archivedAt = iso(c.archivedAt);
  return v;
}

/** R26: the newest consent version the client accepted, and whether it is still the practice's current one. */
export function clientConsentView(accepted: ClientRow["consent"]): Client["consent"] {
  if (!accepted) return { status: "none" };
  return { status: accepted.current ? "current" : "outdated", version: accepted.version, acceptedAt: iso(accepted.acceptedAt) };
}

/** An appointment; `session` is given for telehealth ones (sessions/state.ts sessionSummary). */
export function appointmentView(a: AppointmentRow, session?: Appointment["session"]): Appointment {
  const v: Appointment = {
    id: a.id, therapistId: a.therapistId, clientId: a.clientId, start: iso(a.startAt), end: iso(a.endAt),
    telehealth: a.telehealth, status: a.status, clientReady: a.clientReady, createdAt: iso(a.createdAt),
    licensure: a.licensure ?? "unknown",
  };
  if (a.status === "cancelled" && a.cancelReason) v.cancelReason = a.cancelReason;
  if (a.placeOfService && a.billingModifier) v.billing = { placeOfService: a.placeOfService, modifier: a.billingModifier };
  if (session) v.session = session;
  if (a.therapistName !== undefined) v.therapistName = a.therapistName;
  if (a.clientName !== undefined) v.clientName = a.clientName;
  return v;
}

export function mailView(m: MailRow): Mail {
  const v: Mail = { id: m.id, to: m.to, subject: m.subject, status: m.status, attempts: m.attempts, createdAt: iso(m.createdAt) };
  if (m.sentAt) v.sentAt = iso(m.sentAt);
  if (m.status !== "sent") v.nextAttemptAt = iso(m.nextAttemptAt);
  if (m.lastError) v.lastError = m.lastError;
  return v;
}

export function auditView(a: AuditRow): AuditEntry {
  return {
    id: a.id, at: iso(a.at), actorType: a.actorType, actorId: a.actorId, action: a.action, recordType: a.recordType,
    recordId: a.recordId, ip: a.ip, requestId: a.requestId, details: a.details,
  };
}

/** An API token as listed: never the token or its hash. */
export function tokenView(t: TokenRow): ApiTokenInfo {
  return {
    id: t.id, staffId: t.staffId, createdAt: iso(t.createdAt), createdBy: t.createdBy,
    lastUsedAt: t.lastUsedAt === null ? null : iso(t.lastUsedAt), revokedAt: t.revokedAt === null ? null : iso(t.revokedAt), active: t.revokedAt === null,
  };
}
