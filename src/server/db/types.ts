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
  /** R25: off, warn (the default) or refuse; absent on rows made before the setting existed. */
  licensure?: "off" | "warn" | "refuse";
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
  /** R25: the state codes the staff member is licensed in, sorted; absent or [] when none is recorded. */
  licensedIn?: string[];
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
  /** Expiry of the newest invite that ran out unused (not replaced, not revoked), when there is one. */
  inviteExpiredAt?: number | null;
  createdAt: number;
  /** When the client was archived (hidden from lists, history kept); null or absent while active. */
  archivedAt?: number | null;
  /** The newest consent version the client accepted (R26), and whether it is the practice's current one; null: none. */
  consent?: { version: number; acceptedAt: number; current: boolean } | null;
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
  /** Why it was cancelled (the caller's words, or `provider_absent`, R24); null otherwise. */
  cancelReason?: string | null;
  /** Read only by lists that ask for names (AppointmentFilter.names). */
  therapistName?: string;
  clientName?: string;
  /** R25, computed when the row is read (db/sqlite/appointments.ts); absent on rows built in memory. */
  licensure?: "ok" | "unlicensed_state" | "unknown";
  /** R28, set when a telehealth session completes: CMS place of service and modifier. */
  placeOfService?: "10" | "02" | null;
  billingModifier?: "95" | "93" | null;
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
  /** The client's first arrival (R24: a client who never came is a no-show); absent on rows made before it was kept. */
  clientJoinedAt?: number | null;
  /** The video provider that ran the session (R29), set on the first arrival; null before video was set up. */
  video?: "builtin" | "zoom" | null;
  /** Whether the call is (at the end: ended) audio-only. */
  audioOnly?: boolean;
  /** R27: where the client said they were (sessions/location.ts writes these; `save` leaves them alone). */
  locationState?: string | null;
  locationPlace?: "home" | "elsewhere" | "outside_us" | null;
  callbackPhone?: string | null;
  locationAt?: number | null;
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
  /** Keyset paging: only rows after this (start, id) in the list's order. */
  after?: [startAt: number, id: string];
  /** Latest start first. */
  desc?: boolean;
  /** Also read the therapist's and client's names (in the same query). */
  names?: boolean;
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
  /** R25: the therapist, and the states they are licensed in (one array per therapist, shared). */
  therapistId?: string;
  therapistLicensedIn?: string[];
}

/** What scheduling or an import writes; status starts as scheduled. */
export type NewAppointment = Omit<AppointmentRow, "status" | "clientReady">;

/** One version of the practice's telehealth consent text (R26); the highest version is the current one. */
export interface ConsentVersionRow {
  practiceId: string;
  version: number;
  text: string;
  /** SHA-256 of the text, hex. */
  hash: string;
  createdAt: number;
  /** The staff member who set it. */
  createdBy: string;
}

/** A client's acceptance of one consent version: their typed name, when, and from which address and browser. */
export interface ConsentAcceptanceRow {
  practiceId: string;
  clientId: string;
  version: number;
  typedName: string;
  acceptedAt: number;
  address: string | null;
  userAgent: string | null;
}
