import type {
  AppointmentFilter, AppointmentRow, AuditRow, ClientRow, ConsentAcceptanceRow, ConsentVersionRow, ConversionCandidate, LinkKind, LinkRow,
  MailRow, NewAppointment, NewAudit, PracticeRow, SessionRow, StaffRow, TokenRow, WebSessionRow,
} from "./types.js";
import type { ImportStage } from "./import-stage.js";
import type { EventBus } from "./bus.js";

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
export type PracticeChange = Partial<Pick<PracticeRow, "name" | "timeZone" | "contact" | "joinWindowMinutes" | "autoCompleteMinutes" | "licensure" | "reminderMinutes">>;

export interface StaffRepo {
  insert(s: StaffRow): Promise<void>;
  byId(practiceId: string, id: string): Promise<StaffRow | undefined>;
  byEmail(practiceId: string, email: string): Promise<StaffRow | undefined>;
  list(practiceId: string): Promise<StaffRow[]>;
  /** Up to `limit` staff by (name, id) after `after`. */
  page(practiceId: string, after: [name: string, id: string] | undefined, limit: number): Promise<StaffRow[]>;
  setTeletherapy(practiceId: string, id: string, on: boolean): Promise<void>;
  /** Changes the given fields; absent fields stay. */
  update(practiceId: string, id: string, fields: Partial<Pick<StaffRow, "name" | "email" | "roles" | "licensedIn">>): Promise<void>;
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
  /** Up to `limit` clients by (name, id) after `after`, matching the filter (with `therapistId`: only theirs). */
  page(practiceId: string, now: number, filter: ClientPageFilter): Promise<ClientRow[]>;
  /** The names of the given clients, in one query (pages that list appointments). */
  names(practiceId: string, ids: string[]): Promise<{ id: string; name: string }[]>;
  /** id, email, state and whether archived, of every client, for resolving import rows (and R4 on them). */
  refs(practiceId: string): Promise<{ id: string; email: string | null; state: string | null; archivedAt: number | null }[]>;
  setPassword(practiceId: string, id: string, passwordHash: string, now: number): Promise<void>;
  passwordHash(practiceId: string, id: string): Promise<string | null>;
  hasAppointmentWith(practiceId: string, clientId: string, therapistId: string): Promise<boolean>;
  /** Changes the given fields (name, email, state, phone, dateOfBirth); absent fields stay. */
  update(practiceId: string, id: string, fields: ClientChange): Promise<void>;
  /** Ids of the client's scheduled telehealth appointments that start after `now`, soonest first. */
  upcomingTelehealth(practiceId: string, clientId: string, now: number): Promise<string[]>;
  /** Ids of the client's scheduled appointments (any kind) that start at or after `now`, soonest first. */
  upcomingScheduled(practiceId: string, clientId: string, now: number): Promise<string[]>;
  /** Marks the client archived (hidden from lists; rows and history stay). */
  archive(practiceId: string, id: string, now: number): Promise<void>;
}

/** What a page of clients is read with: keyset, the issue 10 filters, and a therapist's scope. */
export interface ClientPageFilter {
  therapistId?: string;
  search?: string;
  state?: string;
  portal?: "none" | "invited" | "active";
  after?: [name: string, id: string];
  limit: number;
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
  /** With `bumpSequence`, each one's calendar SEQUENCE (R23) is raised in the same statement (a conversion: one pass, not two). */
  setTelehealth(practiceId: string, ids: string[], telehealth: boolean, now: number, bumpSequence?: boolean): Promise<void>;
  upcomingTelehealth(practiceId: string, therapistId: string, now: number): Promise<string[]>;
  /** Sets the status; `cancelReason` is kept for `cancelled` and cleared for any other status. */
  setStatus(practiceId: string, id: string, status: AppointmentRow["status"], now: number, cancelReason?: string | null): Promise<void>;
  /** Moves one appointment to a new time (reschedule, R22). */
  setTime(practiceId: string, id: string, startAt: number, endAt: number, now: number): Promise<void>;
  /** Scheduled appointments that overlap [from, to), for the overlap rule (issue 10): one indexed range scan. */
  scheduledBetween(practiceId: string, from: number, to: number): Promise<Interval[]>;
  /** R28: the billing codes of a completed telehealth appointment. */
  setBilling(practiceId: string, id: string, billing: { placeOfService: "10" | "02"; modifier: "95" | "93" }): Promise<void>;
  /** The export's rows (issue 12), in start order, `pageSize` at a time after `after` (start, id): nothing but what a claim needs. */
  exportPage(practiceId: string, q: ExportQuery): Promise<ExportRow[]>;
}

/** A page of the billing export: [from, to), one therapist or all, after the (start, id) cursor. */
export interface ExportQuery {
  from: number;
  to: number;
  therapistId?: string;
  after?: { startAt: number; id: string };
  pageSize: number;
}

/** One appointment as the billing export reads it: no client name, email or phone. */
export interface ExportRow {
  id: string;
  startAt: number;
  endAt: number;
  therapistId: string;
  therapistName: string;
  clientId: string;
  status: AppointmentRow["status"];
  telehealth: boolean;
  startedAt: number | null;
  endedAt: number | null;
  placeOfService: string | null;
  billingModifier: string | null;
  locationState: string | null;
}

export interface SessionRepo {
  byAppointment(practiceId: string, appointmentId: string): Promise<SessionRow | undefined>;
  bySessionName(sessionName: string): Promise<SessionRow | undefined>;
  forAppointments(practiceId: string, appointmentIds: string[]): Promise<SessionRow[]>;
  /** Inserts or replaces the whole row. */
  save(row: SessionRow): Promise<void>;
  /**
   * Serialises presence changes of one appointment across processes, for the rest of the
   * transaction (issue 13): PostgreSQL locks the appointment's row (`SELECT … FOR UPDATE`: it always
   * exists, unlike the session record); SQLite needs nothing, its write transactions already take turns.
   */
  lock(practiceId: string, appointmentId: string): Promise<void>;
  /**
   * Compare-and-set (issue 13): marks the stored session completed only if it is not yet; false when
   * it was (another process completed it first). `complete` calls it before writing the rest.
   */
  claimCompletion(practiceId: string, appointmentId: string, now: number): Promise<boolean>;
  /** Not completed, and past the scheduled end plus the practice's auto-complete minutes. */
  overdue(now: number): Promise<SessionRow[]>;
  /** Not completed, with someone marked connected. */
  connected(): Promise<SessionRow[]>;
  /** R27: records where the client is (creating the record, waiting, when nobody has joined yet); only the location columns change. */
  recordLocation(practiceId: string, appointmentId: string, loc: { state: string | null; place: "home" | "elsewhere" | "outside_us"; callbackPhone: string | null }, now: number): Promise<void>;
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
   * Takes the next due mail for one delivery attempt (its next attempt moves to `until`), or
   * undefined when none is due. A mail another worker (another server on the same database) is
   * taking is skipped, not waited for (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite has one writer),
   * so no mail is delivered twice and the workers never queue behind each other.
   */
  claimNext(now: number, until: number): Promise<MailRow | undefined>;
  /** Up to `limit` mail, newest first (by created time, then id), after `after`. */
  list(practiceId: string, filter: { to?: string; status?: MailRow["status"]; after?: [createdAt: number, id: string]; limit: number }): Promise<MailRow[]>;
  markSent(id: string, now: number): Promise<void>;
  markFailed(id: string, error: string, nextAttemptAt: number): Promise<void>;
  byId(practiceId: string, id: string): Promise<MailRow | undefined>;
  /** Makes a queued or failed mail due at `now`; false when it was sent (or is not there). */
  retryNow(practiceId: string, id: string, now: number): Promise<boolean>;
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
  /**
   * Notice batches (bulk changes with notify, R21, R23): `addBatch` writes one inside the change's
   * transaction; `batches` lists those not yet expanded, oldest first, with their ids; `advanceBatch`
   * moves a batch's cursor from `from` to `to` only if it is still at `from` (compare-and-set: false
   * when another worker took that chunk) and deletes the batch once `to` reaches its end. The worker
   * calls it in the transaction that queues the chunk's mail, so a chunk is expanded exactly once.
   */
  addBatch(b: NoticeBatch): Promise<void>;
  batches(limit: number): Promise<NoticeBatch[]>;
  advanceBatch(id: string, from: number, to: number): Promise<boolean>;
}

/** One bulk change's notices, expanded after commit: `done` of `appointmentIds` are done. */
export interface NoticeBatch {
  id: string;
  practiceId: string;
  kind: "created" | "converted" | "in_person";
  appointmentIds: string[];
  done: number;
  createdAt: number;
}

export interface AuditRepo {
  append(entry: NewAudit): Promise<void>;
  /** Up to `limit` rows, newest first (by time, then id), after `after`; `since` is an instant (epoch ms), `actorId` a staff or client id. */
  list(practiceId: string, q: { recordId?: string; action?: string; actorId?: string; since?: number; after?: [at: number, id: number]; limit: number }): Promise<AuditRow[]>;
}

export interface IdempotencyRepo {
  get(practiceId: string, staffId: string, key: string): Promise<{ requestHash: string; statusCode: number; body: string } | undefined>;
  put(r: { practiceId: string; staffId: string; key: string; requestHash: string; statusCode: number; body: string; createdAt: number }): Promise<void>;
}

/**
 * Idempotency-Keys being processed now, by any server process on the database (issue 13): a claim
 * is one atomic statement of its own (no transaction), released when the request is done; a dead
 * process's claims go with it (ServerProcessRepo.remove).
 */
export interface IdempotencyClaimRepo {
  /** False when some process (this one or another) holds the key already. */
  claim(c: { practiceId: string; staffId: string; key: string; processId: string; now: number }): Promise<boolean>;
  release(practiceId: string, staffId: string, key: string): Promise<void>;
}

/** One `tele server start` process on the database (issue 13); alive while its heartbeat is recent. */
export interface ServerProcessRow {
  id: string;
  /** The machine's host name and the process id there: a process on the same host that is gone is dead at once. */
  host: string;
  pid: number;
  startedAt: number;
  heartbeatAt: number;
}

export interface ServerProcessRepo {
  /** Registers a process (or registers it again after others took it for dead). */
  register(p: ServerProcessRow): Promise<void>;
  /** Records a heartbeat; false when the row is gone (another process reaped this one). */
  beat(id: string, now: number): Promise<boolean>;
  list(): Promise<ServerProcessRow[]>;
  /** Process ids that hold streams or claims but have no row (a process that died before it registered, or whose row went). */
  unregistered(): Promise<string[]>;
  /**
   * Removes processes and what they held: their session streams, their Idempotency-Key claims and
   * the signals waiting for their streams. Returns the appointments whose streams went.
   */
  remove(ids: string[]): Promise<{ practiceId: string; appointmentId: string }[]>;
}

/** One open event stream of a session page, held by one process (ids only: names are read when shown). */
export interface SessionStreamRow {
  id: string;
  processId: string;
  appointmentId: string;
  practiceId: string;
  role: "provider" | "client";
  whoKind: "staff" | "client";
  whoId: string;
  /** therapist, owner, manager or client. */
  whoRole: string;
  /** Whether the stream carries built-in video signalling (its side's newest such stream is the current one). */
  rtc: boolean;
  openedAt: number;
}

/** The session-page streams of every process: presence reads these (R17). */
export interface SessionStreamRepo {
  open(row: SessionStreamRow): Promise<void>;
  /** False when it was not there (already closed, or reaped). */
  close(id: string): Promise<boolean>;
  /** The appointment's open streams, oldest first. */
  forAppointment(practiceId: string, appointmentId: string): Promise<SessionStreamRow[]>;
  /** The streams of one person on every appointment (a deactivated staff member's). */
  ofPerson(whoKind: SessionStreamRow["whoKind"], whoId: string): Promise<SessionStreamRow[]>;
  /**
   * Sessions not completed that are stored with a side connected but have no open stream of that
   * side (its process stopped or died): those sides are not here any more.
   */
  orphaned(): Promise<{ practiceId: string; appointmentId: string; provider: boolean; client: boolean }[]>;
  /** Removes every stream of an appointment (it completed or closed); returns how many. */
  closeAll(practiceId: string, appointmentId: string): Promise<number>;
}

/** A built-in video signalling message for a stream that another process holds, until it takes it. */
export interface SessionSignalRow {
  id: number;
  appointmentId: string;
  toStream: string;
  fromStream: string;
  /** The message as JSON (SDP, ICE candidates, media switches). */
  msg: string;
  createdAt: number;
}

export interface SessionSignalRepo {
  /** Returns the new row's id. */
  insert(s: Omit<SessionSignalRow, "id">): Promise<number>;
  /** Takes (reads and deletes) one message; undefined when it was taken or pruned. */
  take(id: number): Promise<SessionSignalRow | undefined>;
  /** Forgets messages written before `before` (their stream never took them); returns how many. */
  prune(before: number): Promise<number>;
}

/**
 * Keys every server process on the database must share (issue 13): the paging cursors' HMAC key.
 * Not a credential: a forged cursor only moves a caller within a list they may read anyway.
 */
export interface ServerKeyRepo {
  /** The key stored under `name`, storing `candidate` first when there is none (the first process to ask wins). */
  getOrCreate(name: string, candidate: string, now: number): Promise<string>;
}

/** Each side's last reported audio-only switch, for the session record (R29). */
export interface SessionAudioRepo {
  /** Records one side's switch and returns whether either side is audio-only now. */
  set(appointmentId: string, role: "provider" | "client", on: boolean): Promise<boolean>;
  clear(appointmentId: string): Promise<void>;
}

/** Refusals counted, not audited one by one (rate-limited attempts, unsigned webhooks): one row per practice, day and kind. */
export interface RefusalRepo {
  add(rows: { practiceId: string; day: string; kind: string; count: number }[]): Promise<void>;
  list(practiceId: string): Promise<{ day: string; kind: string; count: number }[]>;
}

/**
 * Fixed-window counters shared by every server process on the database (issue 13): rate limits
 * (http/limits.ts). Each call is one atomic statement, so it needs no transaction and two
 * processes counting the same key never lose a hit. Keys are opaque (a kind and an address, or a
 * hash of an account); times are epoch ms.
 */
export interface RateLimitRepo {
  /**
   * Counts one hit on `key`: a key with no live window (none, or `resetAt <= now`) starts one at
   * count 1 ending at `now + windowMs`; a live one counts up and keeps its end. Returns the state after.
   */
  hit(key: string, windowMs: number, now: number): Promise<{ count: number; resetAt: number }>;
  /** The key's live window, or undefined (looking is not a hit). */
  peek(key: string, now: number): Promise<{ count: number; resetAt: number } | undefined>;
  /** Forgets every window that ended at or before `now`; returns how many. */
  prune(now: number): Promise<number>;
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

/** The practice's telehealth consent versions and clients' acceptances (R26); both append-only. */
export interface ConsentRepo {
  /** The current (highest) version, or undefined when the practice has no consent text. */
  current(practiceId: string): Promise<ConsentVersionRow | undefined>;
  byVersion(practiceId: string, version: number): Promise<ConsentVersionRow | undefined>;
  insert(row: ConsentVersionRow): Promise<void>;
  /** Records an acceptance; false when the client had already accepted that version (the first one stays). */
  accept(row: ConsentAcceptanceRow): Promise<boolean>;
  /** The practice's current version and the newest one the client accepted (with when), in one query. */
  standing(practiceId: string, clientId: string): Promise<{ current: number | null; accepted: number | null; acceptedAt: number | null }>;
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
  consent: ConsentRepo;
  /** Several server processes on one database (issue 13). */
  processes: ServerProcessRepo;
  streams: SessionStreamRepo;
  signals: SessionSignalRepo;
  sessionAudio: SessionAudioRepo;
  serverKeys: ServerKeyRepo;
}

/** Repositories plus transactions: `tx` runs `fn` atomically; a throw rolls everything back (R21). */
export interface Store extends Repos {
  tx<T>(fn: (r: Repos) => Promise<T>): Promise<T>;
  /**
   * Appends one audit row that goes with no other change (a read, R20) and settles once it is
   * committed. Concurrent rows share one commit (group commit); a failed commit fails its callers.
   */
  auditAlone(entry: NewAudit): Promise<void>;
  /** Scratch tables for one streamed import (issue 14); drop them when done. */
  importStage(): Promise<ImportStage>;
  /** Shared rate-limit counters: atomic statements of their own, outside any transaction (plugins slice, issue 13). */
  rateLimits: RateLimitRepo;
  /** In-flight Idempotency-Keys, shared by every server process: atomic statements of their own, outside any transaction. */
  idempotencyClaims: IdempotencyClaimRepo;
  /**
   * The event bus between the server processes on this database (issue 13): SQLite polls a table,
   * PostgreSQL uses LISTEN/NOTIFY on one connection of its own. Absent, the bus is in-process only.
   */
  openBus?(opts: { origin: string; pollMs: number }): EventBus;
  /** After secrets were overwritten: leaves no old copy of them in the journal (SQLite: checkpoint and truncate the WAL). */
  scrub?(): Promise<void>;
  close(): Promise<void>;
}
