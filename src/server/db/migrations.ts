/**
 * Versioned schema migrations, applied in order at start. Each runs in its own transaction and
 * bumps `PRAGMA user_version`, so a crash mid-migration leaves the previous version intact (R21).
 * Times are integers: milliseconds since the epoch, UTC (R9).
 */
export const MIGRATIONS: readonly string[] = [
  /* 1: the practice's data */ `
  CREATE TABLE practices (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    join_window_minutes INTEGER NOT NULL DEFAULT 15,
    auto_complete_minutes INTEGER NOT NULL DEFAULT 60,
    created_at INTEGER NOT NULL
  );

  CREATE TABLE staff (
    id TEXT PRIMARY KEY,
    practice_id TEXT NOT NULL REFERENCES practices(id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    roles TEXT NOT NULL,               -- comma-separated, from owner,manager,therapist,biller
    teletherapy INTEGER NOT NULL DEFAULT 0,
    password_hash TEXT,
    created_at INTEGER NOT NULL,
    UNIQUE (practice_id, email)
  );

  CREATE TABLE clients (
    id TEXT PRIMARY KEY,
    practice_id TEXT NOT NULL REFERENCES practices(id),
    name TEXT NOT NULL,
    email TEXT,
    state TEXT,
    phone TEXT,
    date_of_birth TEXT,
    password_hash TEXT,
    portal_activated_at INTEGER,
    created_at INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX clients_email ON clients (practice_id, email) WHERE email IS NOT NULL;

  CREATE TABLE appointments (
    id TEXT PRIMARY KEY,
    practice_id TEXT NOT NULL REFERENCES practices(id),
    therapist_id TEXT NOT NULL REFERENCES staff(id),
    client_id TEXT NOT NULL REFERENCES clients(id),
    start_at INTEGER NOT NULL,
    end_at INTEGER NOT NULL,
    telehealth INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'scheduled',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK (end_at > start_at),
    CHECK (status IN ('scheduled', 'completed', 'cancelled', 'no_show'))
  );
  CREATE INDEX appointments_therapist_start ON appointments (practice_id, therapist_id, start_at);
  CREATE INDEX appointments_client_start ON appointments (practice_id, client_id, start_at);
  CREATE INDEX appointments_start ON appointments (practice_id, start_at);

  -- Single-use links: portal invites, password resets, and (later) sign-in and join links.
  CREATE TABLE links (
    id TEXT PRIMARY KEY,
    practice_id TEXT NOT NULL REFERENCES practices(id),
    kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    revoked_at INTEGER,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX links_subject ON links (practice_id, subject_id, kind);

  CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    practice_id TEXT NOT NULL REFERENCES practices(id),
    staff_id TEXT NOT NULL REFERENCES staff(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_by TEXT,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
  );

  CREATE TABLE mail (
    id TEXT PRIMARY KEY,
    practice_id TEXT NOT NULL REFERENCES practices(id),
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    sent_at INTEGER,
    CHECK (status IN ('queued', 'sent', 'failed'))
  );
  CREATE INDEX mail_due ON mail (status, next_attempt_at);
  CREATE INDEX mail_practice ON mail (practice_id, created_at);

  CREATE TABLE idempotency_keys (
    practice_id TEXT NOT NULL,
    staff_id TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (practice_id, staff_id, key)
  );

  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    practice_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    actor_type TEXT NOT NULL,
    actor_id TEXT,
    action TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id TEXT,
    ip TEXT,
    request_id TEXT,
    details TEXT
  );
  CREATE INDEX audit_record ON audit_log (practice_id, record_id);
  CREATE INDEX audit_at ON audit_log (practice_id, at);
  -- R20: the audit log is append-only.
  CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
  CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
  `,
  /* 2: browser sign-in: cookie sessions for clients and staff */ `
  CREATE TABLE web_sessions (
    id TEXT PRIMARY KEY,
    practice_id TEXT NOT NULL REFERENCES practices(id),
    token_hash TEXT NOT NULL UNIQUE,
    subject_type TEXT NOT NULL CHECK (subject_type IN ('client', 'staff')),
    subject_id TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  CREATE INDEX web_sessions_subject ON web_sessions (practice_id, subject_type, subject_id);
  `,
  /* 3: telehealth sessions (R16, R18): lifecycle state, presence totals, and links tied to an appointment */ `
  ALTER TABLE links ADD COLUMN appointment_id TEXT;
  CREATE INDEX links_appointment ON links (practice_id, appointment_id) WHERE appointment_id IS NOT NULL;

  -- One row per telehealth appointment once someone has joined; not_open/open are derived from the join window.
  CREATE TABLE telehealth_sessions (
    appointment_id TEXT PRIMARY KEY REFERENCES appointments(id),
    practice_id TEXT NOT NULL REFERENCES practices(id),
    state TEXT NOT NULL CHECK (state IN ('waiting', 'live', 'completed')),
    session_name TEXT,
    started_at INTEGER,
    ended_at INTEGER,
    provider_present_ms INTEGER NOT NULL DEFAULT 0,
    client_present_ms INTEGER NOT NULL DEFAULT 0,
    provider_connected_at INTEGER,   -- set while the provider is connected
    client_connected_at INTEGER,
    provider_joined_at INTEGER,      -- the provider's first arrival (the R16 email went then)
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX telehealth_sessions_name ON telehealth_sessions (session_name) WHERE session_name IS NOT NULL;
  CREATE INDEX telehealth_sessions_open ON telehealth_sessions (state) WHERE state != 'completed';
  `,
  /* 4: how clients reach the practice (a phone number or email), shown when video cannot start; NULL until set */ `
  ALTER TABLE practices ADD COLUMN contact TEXT;
  `,
  /* 5 (access slice): deactivated staff keep their history but cannot sign in; tokens listed per staff member */ `
  ALTER TABLE staff ADD COLUMN deactivated_at INTEGER;
  CREATE INDEX api_tokens_staff ON api_tokens (practice_id, staff_id);
  `,
  /* 6 (limits slice, issue 8): refusals counted instead of audited one by one, webhook deliveries remembered across
     restarts, and no secret left at rest (CSRF tokens are derived from the cookie now; replies with links not replayed) */ `
  CREATE TABLE refusal_counts (
    practice_id TEXT NOT NULL,
    day TEXT NOT NULL,          -- UTC, YYYY-MM-DD
    kind TEXT NOT NULL,         -- e.g. rate_limited.portal_sign_in, webhook.webhook_signature_invalid
    count INTEGER NOT NULL,
    PRIMARY KEY (practice_id, day, kind)
  ) WITHOUT ROWID;
  CREATE TABLE webhook_deliveries (key TEXT PRIMARY KEY, seen_at INTEGER NOT NULL) WITHOUT ROWID;
  CREATE INDEX webhook_deliveries_seen ON webhook_deliveries (seen_at);
  UPDATE web_sessions SET csrf_token = 'derived';
  UPDATE idempotency_keys SET body = 'null' WHERE body LIKE '%"url":"%' OR body LIKE '%"token":"%';
  `,
  /* 7 (rtc slice): which video provider ran each session (builtin or zoom), and whether it ended audio-only (R29) */ `
  ALTER TABLE telehealth_sessions ADD COLUMN video TEXT CHECK (video IN ('builtin', 'zoom'));
  ALTER TABLE telehealth_sessions ADD COLUMN audio_only INTEGER NOT NULL DEFAULT 0;
  `,
  /* 8 (admin commands slice, issue 10): archived clients (hidden from lists, history kept); the audit log by actor */ `
  ALTER TABLE clients ADD COLUMN archived_at INTEGER;
  CREATE INDEX audit_actor ON audit_log (practice_id, actor_id, id);
  `,
  /* 9 (lifecycle slice, issue 11): why an appointment was cancelled (the caller's reason, or provider_absent, R24),
     and the client's first arrival in its session, so that a no-show is told from real presence */ `
  ALTER TABLE appointments ADD COLUMN cancel_reason TEXT;
  ALTER TABLE telehealth_sessions ADD COLUMN client_joined_at INTEGER;
  UPDATE telehealth_sessions SET client_joined_at = COALESCE(started_at, created_at)
    WHERE client_present_ms > 0 OR client_connected_at IS NOT NULL OR started_at IS NOT NULL;
  `,
  /* 10 (consent slice, issue 12, R26): the practice's telehealth consent texts, one row a version, and each client's
     acceptance of a version (typed name, when, from which address and browser); both append-only */ `
  CREATE TABLE consent_versions (
    practice_id TEXT NOT NULL REFERENCES practices(id),
    version INTEGER NOT NULL,          -- 1, 2, 3… per practice; the highest is the current text
    text TEXT NOT NULL,
    hash TEXT NOT NULL,                -- SHA-256 of the text, hex
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,          -- staff id
    PRIMARY KEY (practice_id, version)
  );
  CREATE TABLE consent_acceptances (
    practice_id TEXT NOT NULL REFERENCES practices(id),
    client_id TEXT NOT NULL REFERENCES clients(id),
    version INTEGER NOT NULL,
    typed_name TEXT NOT NULL,
    accepted_at INTEGER NOT NULL,
    address TEXT,
    user_agent TEXT,
    PRIMARY KEY (practice_id, client_id, version),
    FOREIGN KEY (practice_id, version) REFERENCES consent_versions (practice_id, version)
  );
  CREATE TRIGGER consent_versions_no_update BEFORE UPDATE ON consent_versions
    BEGIN SELECT RAISE(ABORT, 'consent_versions is append-only'); END;
  CREATE TRIGGER consent_acceptances_no_update BEFORE UPDATE ON consent_acceptances
    BEGIN SELECT RAISE(ABORT, 'consent_acceptances is append-only'); END;
  CREATE TRIGGER consent_versions_no_delete BEFORE DELETE ON consent_versions
    BEGIN SELECT RAISE(ABORT, 'consent_versions is append-only'); END;
  CREATE TRIGGER consent_acceptances_no_delete BEFORE DELETE ON consent_acceptances
    BEGIN SELECT RAISE(ABORT, 'consent_acceptances is append-only'); END;
  `,
  /* 11 (paging slice, issue 14): every list reads a page by keyset on an index that ends in the id, so a page after
     (start, id) or (name, id) is one range scan; the appointment indexes keep their names (INDEXED BY uses one) */ `
  DROP INDEX appointments_start;
  CREATE INDEX appointments_start ON appointments (practice_id, start_at, id);
  DROP INDEX appointments_therapist_start;
  CREATE INDEX appointments_therapist_start ON appointments (practice_id, therapist_id, start_at, id);
  DROP INDEX appointments_client_start;
  CREATE INDEX appointments_client_start ON appointments (practice_id, client_id, start_at, id);
  CREATE INDEX clients_name ON clients (practice_id, name, id);
  CREATE INDEX staff_name ON staff (practice_id, name, id);
  DROP INDEX mail_practice;
  CREATE INDEX mail_practice ON mail (practice_id, created_at, id);
  `,
  /* 12 (licensure slice, issue 12): the states each staff member is licensed in (R25), the practice's licensure
     rule, where the client said they were at each session (R27), and the billing codes of a completed one (R28) */ `
  ALTER TABLE staff ADD COLUMN licensed_in TEXT NOT NULL DEFAULT '';   -- comma-separated state codes, e.g. NJ,NY
  ALTER TABLE practices ADD COLUMN licensure TEXT NOT NULL DEFAULT 'warn' CHECK (licensure IN ('off', 'warn', 'refuse'));
  ALTER TABLE telehealth_sessions ADD COLUMN location_state TEXT;
  ALTER TABLE telehealth_sessions ADD COLUMN location_place TEXT CHECK (location_place IN ('home', 'elsewhere', 'outside_us'));
  ALTER TABLE telehealth_sessions ADD COLUMN callback_phone TEXT;
  ALTER TABLE telehealth_sessions ADD COLUMN location_at INTEGER;
  ALTER TABLE appointments ADD COLUMN place_of_service TEXT CHECK (place_of_service IN ('10', '02'));
  ALTER TABLE appointments ADD COLUMN billing_modifier TEXT CHECK (billing_modifier IN ('95', '93'));
  `,
  /* 13 (notify slice, issue 11): what a client mail carries beyond its text (HTML, sender name, Reply-To, or an
     appointment notice's facts, rendered with its calendar file at delivery), reminders at the practice's offsets
     (minutes before the start, comma-separated; '' is none), each claimed once per start, and each appointment's
     calendar SEQUENCE (R23) */ `
  ALTER TABLE mail ADD COLUMN letter TEXT;
  ALTER TABLE practices ADD COLUMN reminder_minutes TEXT NOT NULL DEFAULT '1440,60';
  ALTER TABLE appointments ADD COLUMN calendar_sequence INTEGER NOT NULL DEFAULT 0;
  -- One row per reminder sent: the key holds the start, so a rescheduled appointment is reminded again at its new time.
  CREATE TABLE reminders_sent (
    appointment_id TEXT NOT NULL REFERENCES appointments(id),
    offset_minutes INTEGER NOT NULL,
    start_at INTEGER NOT NULL,
    practice_id TEXT NOT NULL,
    mail_id TEXT,
    sent_at INTEGER NOT NULL,
    PRIMARY KEY (appointment_id, offset_minutes, start_at)
  ) WITHOUT ROWID;
  CREATE INDEX appointments_upcoming_telehealth ON appointments (start_at) WHERE status = 'scheduled' AND telehealth = 1;
  `,
  /* 14 (batch slice, issue 11): a bulk change with --notify (conversion, import) writes one notice batch in its own
     transaction instead of a mail row per appointment; a worker expands it after commit, a chunk of appointments per
     transaction, each chunk's mail queued and `done` advanced together (compare-and-set, so two servers never expand
     one chunk twice); the row goes with its last chunk */ `
  CREATE TABLE notice_batches (
    id TEXT PRIMARY KEY,
    practice_id TEXT NOT NULL REFERENCES practices(id),
    kind TEXT NOT NULL CHECK (kind IN ('created', 'converted', 'in_person')),
    appointment_ids TEXT NOT NULL,   -- a JSON array of appointment ids, in the order they are expanded
    total INTEGER NOT NULL,
    done INTEGER NOT NULL DEFAULT 0, -- how many of them are expanded (the cursor)
    created_at INTEGER NOT NULL
  );
  `,
  /* 15 (plugins slice, issue 13): rate-limit windows in the database, so every server process on it counts the same
     attempts; a key is a kind and an address, or a kind and a hash of an account; expired rows are pruned */ `
  CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    reset_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX rate_limits_reset ON rate_limits (reset_at);
  `,
  /* 16 (multi-process slice, issue 13): several server processes on one database. Each process heartbeats its
     row and is taken for dead when it stops; the session-page streams each holds (presence counts these, and each
     side's newest signalling stream is its current one); signalling messages for a stream another process holds,
     taken by that process; the event bus between processes (polled, pruned; payloads are ids only); the
     Idempotency-Keys being processed; each side's last audio-only switch; and keys every process must share (the paging
     cursors' HMAC key, so a cursor from one process is good on another). Nothing here holds a name. */ `
  CREATE TABLE server_processes (
    id TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL
  );
  CREATE TABLE session_streams (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    process_id TEXT NOT NULL,
    appointment_id TEXT NOT NULL,
    practice_id TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('provider', 'client')),
    who_kind TEXT NOT NULL CHECK (who_kind IN ('staff', 'client')),
    who_id TEXT NOT NULL,
    who_role TEXT NOT NULL,
    rtc INTEGER NOT NULL DEFAULT 0,
    opened_at INTEGER NOT NULL
  );
  CREATE INDEX session_streams_appointment ON session_streams (appointment_id, role, seq);
  CREATE INDEX session_streams_process ON session_streams (process_id);
  CREATE INDEX session_streams_who ON session_streams (who_kind, who_id);
  CREATE TABLE session_signals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    appointment_id TEXT NOT NULL,
    to_stream TEXT NOT NULL,
    from_stream TEXT NOT NULL,
    msg TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX session_signals_created ON session_signals (created_at);
  CREATE TABLE session_audio (
    appointment_id TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('provider', 'client')),
    audio_only INTEGER NOT NULL,
    PRIMARY KEY (appointment_id, role)
  ) WITHOUT ROWID;
  CREATE TABLE bus_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    topic TEXT NOT NULL,
    payload TEXT NOT NULL,
    origin TEXT NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX bus_events_at ON bus_events (at);
  CREATE TABLE idempotency_claims (
    practice_id TEXT NOT NULL,
    staff_id TEXT NOT NULL,
    key TEXT NOT NULL,
    process_id TEXT NOT NULL,
    claimed_at INTEGER NOT NULL,
    PRIMARY KEY (practice_id, staff_id, key)
  ) WITHOUT ROWID;
  CREATE INDEX idempotency_claims_process ON idempotency_claims (process_id);
  CREATE TABLE server_keys (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  `,
];


