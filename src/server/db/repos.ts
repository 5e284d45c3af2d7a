import type {
  AppointmentFilter, AppointmentRow, AuditRow, ClientRow, ConversionCandidate, LinkKind, LinkRow,
  MailRow, NewAppointment, NewAudit, PracticeRow, SessionRow, StaffRow, TokenRow, WebSessionRow,
} from "./types.js";

/**
 * The data layer, one repository per area. Services depend only on these interfaces: the SQLite
 * implementation lives in ./sqlite, and a PostgreSQL one can be added beside it without touching
 * the services. Every method is async for that reason, even where SQLite answers synchronously.
 */
export interface PracticeRepo {
  insert(p: PracticeRow): Promise<void>;
  byId(id: string): Promise<PracticeRow | undefined>;
  bySlug(slug: string): Promise<PracticeRow | undefined>;
  /** Sets (or, with null, clears) how clients reach the practice. */
  setContact(id: string, contact: string | null): Promise<void>;
  /** Changes the given settings; absent ones stay. */
  update(id: string, fields: PracticeChange): Promise<void>;
}

/** The settings of a practice an owner or manager may change. */
export type PracticeChange = Partial<Pick<PracticeRow, "name" | "timeZone" | "contact" | "joinWindowMinutes" | "autoCompleteMinutes" | "reminderMinutes">>;

export interface StaffRepo {
  insert(s: StaffRow): Promise<void>;
  byId(practiceId: string, id: string): Promise<StaffRow | undefined>;
  byEmail(practiceId: string, email: string): Promise<StaffRow | undefined>;
  list(practiceId: string): Promise<StaffRow[]>;
  setTeletherapy(practiceId: string, id: string, on: boolean): Promise<void>;
  /** Changes the given fields; absent fields stay. */
  update(practiceId: string, id: string, fields: Partial<Pick<StaffRow, "name" | "email" | "roles">>): Promise<void>;
  setPassword(practiceId: string, id: string, passwordHash: string): Promise<void>;
  passwordHash(practiceId: string, id: string): Promise<string | null>;
  /** Marks the staff member deactivated (their rows and history stay). */
  deactivate(practiceId: string, id: string, now: number): Promise<void>;
  /** How many owners of the practice are still active. */
  activeOwners(practiceId: string): Promise<number>;
}

export interface ClientRepo {
  insert(c: Omit<ClientRow, "hasPortalAccount" | "inviteExpiresAt">): Promise<void>;
  insertMany(cs: Omit<ClientRow, "hasPortalAccount" | "inviteExpiresAt">[]): Promise<void>;
  byId(practiceId: string, id: string, now: number): Promise<ClientRow | undefined>;
  byEmail(practiceId: string, email: string, now: number): Promise<ClientRow | undefined>;
  /** All clients, or only those with an appointment with `therapistId`. */
  list(practiceId: string, now: number, therapistId?: string): Promise<ClientRow[]>;
  /** The names of the given clients, in one query (pages that list appointments). */
  names(practiceId: string, ids: string[]): Promise<{ id: string; name: string }[]>;
  /** id, email and state of every client, for resolving import rows (and R4 on them). */
  refs(practiceId: string): Promise<{ id: string; email: string | null; state: string | null }[]>;
  setPassword(practiceId: string, id: string, passwordHash: string, now: number): Promise<void>;
  passwordHash(practiceId: string, id: string): Promise<string | null>;
  hasAppointmentWith(practiceId: string, clientId: string, therapistId: string): Promise<boolean>;
  /** Changes the given fields (name, email, state, phone, dateOfBirth); absent fields stay. */
  update(practiceId: string, id: string, fields: ClientChange): Promise<void>;
  /** Ids of the client's scheduled telehealth appointments that start after `now`, soonest first. */
  upcomingTelehealth(practiceId: string, clientId: string, now: number): Promise<string[]>;
}

/** The editable fields of a client. */
export type ClientChange = Partial<Pick<ClientRow, "name" | "email" | "state" | "phone" | "dateOfBirth">>;

/** An appointment's time and the two people it holds, for the overlap rule. */
export interface Interval {
  id: string;
  therapistId: string;
  clientId: string;
  startAt: number;
  endAt: number;
}

export interface AppointmentRepo {
  insert(a: NewAppointment): Promise<void>;
  insertMany(rows: NewAppointment[]): Promise<void>;
  byId(practiceId: string, id: string): Promise<AppointmentRow | undefined>;
  list(filter: AppointmentFilter): Promise<AppointmentRow[]>;
  candidates(filter: AppointmentFilter, now: number): Promise<ConversionCandidate[]>;
  /** Ids among `ids` that do not exist in the practice. */
  missing(practiceId: string, ids: string[]): Promise<string[]>;
  setTelehealth(practiceId: string, ids: string[], telehealth: boolean, now: number): Promise<void>;
  upcomingTelehealth(practiceId: string, therapistId: string, now: number): Promise<string[]>;
  setStatus(practiceId: string, id: string, status: AppointmentRow["status"], now: number): Promise<void>;
  /** Scheduled appointments that overlap [from, to), for the overlap rule (issue 10): one indexed range scan. */
  scheduledBetween(practiceId: string, from: number, to: number): Promise<Interval[]>;
}

export interface SessionRepo {
  byAppointment(practiceId: string, appointmentId: string): Promise<SessionRow | undefined>;
  bySessionName(sessionName: string): Promise<SessionRow | undefined>;
  forAppointments(practiceId: string, appointmentIds: string[]): Promise<SessionRow[]>;
  /** Inserts or replaces the whole row. */
  save(row: SessionRow): Promise<void>;
  /** Not completed, and past the scheduled end plus the practice's auto-complete minutes. */
  overdue(now: number): Promise<SessionRow[]>;
  /** Not completed, with someone marked connected. */
  connected(): Promise<SessionRow[]>;
}

export interface LinkRepo {
  insert(l: LinkRow & { tokenHash: string }): Promise<void>;
  byTokenHash(tokenHash: string): Promise<LinkRow | undefined>;
  /** Revokes every live link of `kind` for the subject; returns how many. */
  revokeLive(practiceId: string, subjectId: string, kinds: LinkKind[], now: number): Promise<number>;
  /** Revokes every live link that leads to the appointment (sign-in and join links); returns how many. */
  revokeForAppointment(practiceId: string, appointmentId: string, now: number): Promise<number>;
  /** Marks a link used only if it is still usable; false when someone else got there first. */
  consume(id: string, now: number): Promise<boolean>;
}

export interface TokenRepo {
  insert(t: { id: string; practiceId: string; staffId: string; tokenHash: string; createdBy: string | null; createdAt: number }): Promise<void>;
  /** The active staff member behind a live token, or undefined (revoked token, deactivated staff). */
  staffForHash(tokenHash: string): Promise<{ tokenId: string; lastUsedAt: number | null; staff: StaffRow } | undefined>;
  byId(practiceId: string, id: string): Promise<TokenRow | undefined>;
  /** Every token of one staff member, newest first, revoked ones included. */
  listFor(practiceId: string, staffId: string): Promise<TokenRow[]>;
  /** Revokes one token; false when it was already revoked. */
  revoke(practiceId: string, id: string, now: number): Promise<boolean>;
  /** Revokes every live token of a staff member; returns their ids. */
  revokeAllFor(practiceId: string, staffId: string, now: number): Promise<string[]>;
  /** Records that a token was used. */
  touch(id: string, now: number): Promise<void>;
}

export interface MailRepo {
  insert(m: NewMail): Promise<void>;
  /** Many mails in one statement (bulk notices). */
  insertMany(ms: NewMail[]): Promise<void>;
  /**
   * Takes a due mail for one delivery attempt (its next attempt moves to `until`); false when another
   * worker (another server on the same database) took it first, so no mail is delivered twice.
   */
  claim(id: string, now: number, until: number): Promise<boolean>;
  list(practiceId: string, filter: { to?: string; status?: MailRow["status"] }): Promise<MailRow[]>;
  due(now: number, limit: number): Promise<MailRow[]>;
  markSent(id: string, now: number): Promise<void>;
  markFailed(id: string, error: string, nextAttemptAt: number): Promise<void>;
}

export type NewMail = Omit<MailRow, "status" | "attempts" | "lastError" | "sentAt">;

/** An appointment as a notice to its client needs it (R23), read in one query for many. */
export interface NoticeTarget {
  id: string;
  clientId: string;
  clientEmail: string | null;
  therapistName: string;
  startAt: number;
  endAt: number;
  telehealth: boolean;
  status: AppointmentRow["status"];
  sequence: number;
}

/** A reminder that is due: its appointment, the offset, and the start it is for. */
export interface DueReminder {
  appointmentId: string;
  practiceId: string;
  offsetMinutes: number;
  startAt: number;
}

/** Appointment notices and reminders (R23). */
export interface NoticeRepo {
  /**
   * The given appointments with their clients' addresses and therapists' names; with `bump`, their
   * calendar SEQUENCE is raised by one first (one statement) and the new value returned.
   */
  targets(practiceId: string, ids: string[], bump?: boolean): Promise<NoticeTarget[]>;
  /** Only raises the calendar SEQUENCE of each appointment by one (a change nobody is told of). */
  bumpSequence(practiceId: string, ids: string[]): Promise<void>;
  /**
   * Scheduled telehealth appointments, in any practice, whose start minus an offset of their
   * practice has passed and whose start has not, not reminded for that offset and start yet, and
   * whose offset had not passed when they were last changed (created, converted, rescheduled).
   */
  dueReminders(now: number, limit: number): Promise<DueReminder[]>;
  /** Records a reminder as sent by mail `mailId`; false when it already was (another worker, an earlier run). */
  claimReminder(r: DueReminder, mailId: string | null, now: number): Promise<boolean>;
}

export interface AuditRepo {
  append(entry: NewAudit): Promise<void>;
  list(practiceId: string, q: { recordId?: string; action?: string; limit: number }): Promise<AuditRow[]>;
}

export interface IdempotencyRepo {
  get(practiceId: string, staffId: string, key: string): Promise<{ requestHash: string; statusCode: number; body: string } | undefined>;
  put(r: { practiceId: string; staffId: string; key: string; requestHash: string; statusCode: number; body: string; createdAt: number }): Promise<void>;
}

/** Refusals counted, not audited one by one (rate-limited attempts, unsigned webhooks): one row per practice, day and kind. */
export interface RefusalRepo {
  add(rows: { practiceId: string; day: string; kind: string; count: number }[]): Promise<void>;
  list(practiceId: string): Promise<{ day: string; kind: string; count: number }[]>;
}

/** Webhook deliveries already handled, kept across restarts so a retry is not applied twice. */
export interface WebhookDeliveryRepo {
  /** False when the key was already there. */
  add(key: string, now: number): Promise<boolean>;
  remove(key: string): Promise<void>;
  /** Forgets keys seen before `before`, and all but the newest `keep`. */
  prune(before: number, keep: number): Promise<void>;
}

export interface WebSessionRepo {
  insert(s: WebSessionRow & { tokenHash: string }): Promise<void>;
  /** The live session behind a cookie's hash, or undefined. */
  live(tokenHash: string, now: number): Promise<WebSessionRow | undefined>;
  revoke(id: string, now: number): Promise<void>;
  /** Ends every session of one person (after a password change, or deactivation); returns how many. */
  revokeAllFor(practiceId: string, subjectType: WebSessionRow["subjectType"], subjectId: string, now: number): Promise<number>;
}

export interface Repos {
  practices: PracticeRepo;
  staff: StaffRepo;
  clients: ClientRepo;
  appointments: AppointmentRepo;
  links: LinkRepo;
  tokens: TokenRepo;
  mail: MailRepo;
  notices: NoticeRepo;
  audit: AuditRepo;
  idempotency: IdempotencyRepo;
  webSessions: WebSessionRepo;
  sessions: SessionRepo;
  refusals: RefusalRepo;
  webhookDeliveries: WebhookDeliveryRepo;
}

/** Repositories plus transactions: `tx` runs `fn` atomically; a throw rolls everything back (R21). */
export interface Store extends Repos {
  tx<T>(fn: (r: Repos) => Promise<T>): Promise<T>;
  /**
   * Appends one audit row that goes with no other change (a read, R20) and settles once it is
   * committed. Concurrent rows share one commit (group commit); a failed commit fails its callers.
   */
  auditAlone(entry: NewAudit): Promise<void>;
  /** After secrets were overwritten: leaves no old copy of them in the journal (SQLite: checkpoint and truncate the WAL). */
  scrub?(): Promise<void>;
  close(): Promise<void>;
}
