import type { AppointmentStatus, Role } from "../../sdk/schemas/index.js";

/** Rows as the services see them: camelCase, times as epoch milliseconds (UTC). */
export interface PracticeRow {
  id: string;
  name: string;
  slug: string;
  state: string;
  timeZone: string;
  joinWindowMinutes: number;
  autoCompleteMinutes: number;
  /** How clients reach the practice (a phone number or an email address); null until someone sets it. */
  contact: string | null;
  /** Reminders before each telehealth appointment, in minutes before its start, largest first (R23); empty for none. */
  reminderMinutes: number[];
  createdAt: number;
}

export interface StaffRow {
  id: string;
  practiceId: string;
  name: string;
  email: string;
  roles: Role[];
  teletherapy: boolean;
  createdAt: number;
  /** When the staff member was cut off (tokens, browser sessions and links revoked); null while active. */
  deactivatedAt: number | null;
}

/** An API token as listed: never the token, never its hash. */
export interface TokenRow {
  id: string;
  practiceId: string;
  staffId: string;
  createdBy: string | null;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface ClientRow {
  id: string;
  practiceId: string;
  name: string;
  email: string | null;
  state: string | null;
  phone: string | null;
  dateOfBirth: string | null;
  hasPortalAccount: boolean;
  /** Expiry of the newest live portal invite, when there is one. */
  inviteExpiresAt: number | null;
  createdAt: number;
}

export interface AppointmentRow {
  id: string;
  practiceId: string;
  therapistId: string;
  clientId: string;
  startAt: number;
  endAt: number;
  telehealth: boolean;
  status: AppointmentStatus;
  clientReady: boolean;
  createdAt: number;
}

export type LinkKind = "portal_invite" | "password_reset" | "staff_invite" | "staff_sign_in" | "join";

export interface WebSessionRow {
  id: string;
  practiceId: string;
  subjectType: "client" | "staff";
  subjectId: string;
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
}

export interface LinkRow {
  id: string;
  practiceId: string;
  kind: LinkKind;
  subjectId: string;
  expiresAt: number;
  usedAt: number | null;
  revokedAt: number | null;
  createdAt: number;
  /** The appointment a sign-in or join link leads to: completing its session revokes the link (R18). */
  appointmentId?: string | null;
}

/** A telehealth session's stored lifecycle (R16, R18); `*ConnectedAt` is set while that side is present. */
export interface SessionRow {
  appointmentId: string;
  practiceId: string;
  state: "waiting" | "live" | "completed";
  sessionName: string | null;
  startedAt: number | null;
  endedAt: number | null;
  providerPresentMs: number;
  clientPresentMs: number;
  providerConnectedAt: number | null;
  clientConnectedAt: number | null;
  providerJoinedAt: number | null;
  /** The video provider that ran the session (R29), set on the first arrival; null before video was set up. */
  video?: "builtin" | "zoom" | null;
  /** Whether the call is (at the end: ended) audio-only. */
  audioOnly?: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface MailRow {
  id: string;
  practiceId: string;
  to: string;
  subject: string;
  text: string;
  status: "queued" | "sent" | "failed";
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
  /** JSON: what a client mail carries beyond its text (see domain/mail/letter.ts); null for plain mail. */
  letter?: string | null;
}

export interface AuditRow {
  id: number;
  practiceId: string;
  at: number;
  actorType: "staff" | "client" | "system" | "anonymous";
  actorId: string | null;
  action: string;
  recordType: string;
  recordId: string | null;
  ip: string | null;
  requestId: string | null;
  details: unknown;
}

export type NewAudit = Omit<AuditRow, "id">;

export interface AppointmentFilter {
  practiceId: string;
  ids?: string[];
  therapistId?: string;
  clientId?: string;
  from?: number;
  to?: number;
  telehealth?: boolean;
  status?: AppointmentStatus;
  limit?: number;
}

/** One appointment with what conversion needs to judge it (R4, R5, R7). */
export interface ConversionCandidate {
  id: string;
  clientId: string;
  startAt: number;
  status: AppointmentStatus;
  telehealth: boolean;
  therapistTeletherapy: boolean;
  clientState: string | null;
  clientReady: boolean;
  clientEmail: string | null;
  clientHasInvite: boolean;
}

/** What scheduling or an import writes; status starts as scheduled. */
export type NewAppointment = Omit<AppointmentRow, "status" | "clientReady">;
