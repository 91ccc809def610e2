-- A chat the platform refused for good (the person blocked the bot, left, or the chat is
-- gone): no more nudges go there until the person writes in it again.
ALTER TABLE chats ADD COLUMN unreachable_since TIMESTAMPTZ;

-- The rows a sender may still have to deliver, in delivery order: claiming stays a short
-- index walk however many delivered rows the outbox keeps.
CREATE INDEX outbox_undelivered ON outbox(platform, id) WHERE state IN ('pending', 'sending');

-- The platform's id of an inbound message (or button press), so a redelivered update is
-- recognised and not handled twice.
ALTER TABLE messages ADD COLUMN platform_message_id TEXT;
CREATE UNIQUE INDEX messages_platform_id ON messages(chat_id, platform_message_id)
    WHERE platform_message_id IS NOT NULL;

-- Where each polling adapter resumes (Telegram's getUpdates offset), saved per update.
CREATE TABLE poll_offsets (
    platform     TEXT NOT NULL,
    account      TEXT NOT NULL,
    next_offset  BIGINT NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (platform, account)
);

-- Button payloads too long for a platform's callback data (Telegram: 64 bytes): the
-- button carries this row's key instead.
CREATE TABLE button_payloads (
    id          BIGSERIAL PRIMARY KEY,
    payload     TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL
);

-- How many parts of a message split for a platform's length limit were already sent, so a
-- retry sends only the rest.
CREATE TABLE delivery_progress (
    idempotency_key  TEXT PRIMARY KEY,
    parts_sent       BIGINT NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
