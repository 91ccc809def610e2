-- The outbox is a queue written only by the store, with the id of a person it has just read
-- in the same transaction (a resolved user, or the owner of a reminder being fired), and
-- people are never deleted (forgetting someone empties their rows and keeps the id). Its
-- foreign key to users goes, as on PostgreSQL, where it cost every nudge a trigger. SQLite
-- drops a constraint by rebuilding the table; nothing refers to the outbox.
CREATE TABLE outbox_rebuilt (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key      TEXT NOT NULL UNIQUE,
    user_id              INTEGER,
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
INSERT INTO outbox_rebuilt (id, idempotency_key, user_id, platform, chat_id, chat_ref, payload,
    state, attempts, next_attempt_at, lease_owner, lease_until, platform_message_id,
    last_error, created_at, sent_at)
SELECT id, idempotency_key, user_id, platform, chat_id, chat_ref, payload, state, attempts,
    next_attempt_at, lease_owner, lease_until, platform_message_id, last_error, created_at,
    sent_at
FROM outbox;
-- Ids are never handed out twice: the rebuilt table continues the old one's sequence.
DELETE FROM sqlite_sequence WHERE name = 'outbox_rebuilt';
UPDATE sqlite_sequence SET name = 'outbox_rebuilt' WHERE name = 'outbox';
DROP TABLE outbox;
ALTER TABLE outbox_rebuilt RENAME TO outbox;
CREATE INDEX outbox_undelivered ON outbox(platform, id) WHERE state IN ('pending', 'sending');
