-- JobTrackerPro schema, SQLite dialect. Timestamps are RFC 3339 text in UTC (sqlx's chrono
-- encoding), which sorts correctly as text; dates are YYYY-MM-DD. Keep in step with
-- ../postgres/0001_init.sql: same tables, same columns, same meaning.

CREATE TABLE users (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    display_name TEXT,
    timezone     TEXT,                          -- IANA name; NULL until known
    preferences  TEXT NOT NULL DEFAULT '{}',    -- JSON object
    created_at   TEXT NOT NULL
);

CREATE TABLE identities (
    platform          TEXT NOT NULL,
    platform_user_id  TEXT NOT NULL,
    user_id           INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at        TEXT NOT NULL,
    PRIMARY KEY (platform, platform_user_id)
);
CREATE INDEX identities_user ON identities(user_id);

CREATE TABLE chats (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    platform          TEXT NOT NULL,
    platform_chat_id  TEXT NOT NULL,
    thread_id         TEXT NOT NULL DEFAULT '',
    is_direct         BOOLEAN NOT NULL,
    created_at        TEXT NOT NULL,
    UNIQUE (platform, platform_chat_id, thread_id)
);

-- The conversation log: every inbound and outbound message, per user.
CREATE TABLE messages (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    chat_id     INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    direction   TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    text        TEXT NOT NULL,
    intent      TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX messages_user ON messages(user_id, id);

-- What the dialogue is waiting for in one chat (a missing slot, a confirmation), as JSON.
CREATE TABLE dialogue_states (
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    chat_id     INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    state       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, chat_id)
);

CREATE TABLE applications (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    company     TEXT NOT NULL,
    role        TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL CHECK (status IN ('applied', 'screening', 'interview', 'offer',
                                                'rejected', 'withdrawn', 'accepted', 'ghosted')),
    applied_on  TEXT,
    url         TEXT,
    source      TEXT,
    notes       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX applications_user ON applications(user_id, status);

-- The timeline of one application: created, each status change, notes.
CREATE TABLE application_events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id  INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('created', 'status', 'note')),
    status          TEXT,
    occurred_on     TEXT NOT NULL,      -- local date it happened
    scheduled_at    TEXT,               -- e.g. the interview instant, when one was said
    note            TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX application_events_app ON application_events(application_id, id);

-- Source of truth for reminders and nudges (the scheduler arrives in a later issue).
-- The due instant is derived from the zone and local wall time, DST-correct.
CREATE TABLE reminders (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    chat_id         INTEGER REFERENCES chats(id) ON DELETE SET NULL,
    application_id  INTEGER REFERENCES applications(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('custom', 'follow_up', 'interview_prep',
                                                  'thank_you', 'recurring')),
    text            TEXT NOT NULL,
    timezone        TEXT NOT NULL,
    local_time      TEXT NOT NULL,      -- wall time in `timezone`, YYYY-MM-DDTHH:MM:SS
    rrule           TEXT,
    explicit_time   BOOLEAN NOT NULL DEFAULT TRUE,
    due_at          TEXT NOT NULL,
    occurrence      INTEGER NOT NULL DEFAULT 0,
    state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'fired', 'done', 'cancelled', 'failed')),
    lease_owner     TEXT,
    lease_until     TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX reminders_due ON reminders(state, due_at);
CREATE INDEX reminders_user ON reminders(user_id, state);

-- The single outbound path: every reply and nudge is written here first, then delivered.
CREATE TABLE outbox (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key      TEXT NOT NULL UNIQUE,
    user_id              INTEGER REFERENCES users(id) ON DELETE CASCADE,
    platform             TEXT NOT NULL,
    chat_id              TEXT NOT NULL,     -- the platform's chat id, to drain one chat only
    chat_ref             TEXT NOT NULL,     -- JSON ChatRef
    payload              TEXT NOT NULL,     -- JSON Outbound
    state                TEXT NOT NULL DEFAULT 'pending'
                         CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts             INTEGER NOT NULL DEFAULT 0,
    next_attempt_at      TEXT NOT NULL,
    lease_owner          TEXT,
    lease_until          TEXT,
    platform_message_id  TEXT,
    last_error           TEXT,
    created_at           TEXT NOT NULL,
    sent_at              TEXT
);
CREATE INDEX outbox_due ON outbox(platform, state, next_attempt_at);
CREATE INDEX outbox_chat ON outbox(platform, chat_id, state);
