-- A chat the platform refused for good (the person blocked the bot, left, or the chat is
-- gone): no more nudges go there until the person writes in it again.
ALTER TABLE chats ADD COLUMN unreachable_since TEXT;

-- The rows a sender may still have to deliver, in delivery order: claiming stays a short
-- index walk however many delivered rows the outbox keeps.
CREATE INDEX outbox_undelivered ON outbox(platform, id) WHERE state IN ('pending', 'sending');
