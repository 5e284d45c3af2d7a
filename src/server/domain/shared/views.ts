import type { ApiTokenInfo, Appointment, AuditEntry, Client, Mail, Practice, Staff } from "../../../sdk/schemas/index.js";
import type { AppointmentRow, AuditRow, ClientRow, MailRow, PracticeRow, StaffRow, TokenRow } from "../../db/types.js";

/** Rows to the API's shapes (cli-contract.md): the one place where times become ISO 8601 UTC. */
const iso = (ms: number) => new Date(ms).toISOString();

export const portalUrl = (publicUrl: string, slug: string) => `${publicUrl.replace(/\/+$/, "")}/p/${slug}`;

export function practiceView(p: PracticeRow, publicUrl: string): Practice {
  return {
    id: p.id, name: p.name, slug: p.slug, state: p.state, timeZone: p.timeZone,
    joinWindowMinutes: p.joinWindowMinutes, autoCompleteMinutes: p.autoCompleteMinutes, portalUrl: portalUrl(publicUrl, p.slug), contact: p.contact,
    reminderMinutes: p.reminderMinutes,
  };
}

export function staffView(s: StaffRow): Staff {
  const v: Staff = {
    id: s.id, name: s.name, email: s.email, roles: s.roles, teletherapy: s.teletherapy, active: s.deactivatedAt === null, createdAt: iso(s.createdAt),
  };
  if (s.deactivatedAt !== null) v.deactivatedAt = iso(s.deactivatedAt);
  return v;
}

export function clientView(c: ClientRow): Client {
  const portal: Client["portal"] = c.hasPortalAccount
    ? { status: "active" }
    : c.inviteExpiresAt
      ? { status: "invited", inviteExpiresAt: iso(c.inviteExpiresAt) }
      : { status: "none" };
  return {
    id: c.id, name: c.name, email: c.email, state: c.state, phone: c.phone, dateOfBirth: c.dateOfBirth,
    portal, createdAt: iso(c.createdAt),
  };
}

/** An appointment; `session` is given for telehealth ones (sessions/state.ts sessionSummary). */
export function appointmentView(a: AppointmentRow, session?: Appointment["session"]): Appointment {
  const v: Appointment = {
    id: a.id, therapistId: a.therapistId, clientId: a.clientId, start: iso(a.startAt), end: iso(a.endAt),
    telehealth: a.telehealth, status: a.status, clientReady: a.clientReady, createdAt: iso(a.createdAt),
  };
  if (session) v.session = session;
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
