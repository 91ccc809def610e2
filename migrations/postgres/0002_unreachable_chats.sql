-- A chat the platform refused for good (the person blocked the bot, left, or the chat is
-- gone): no more nudges go there until the person writes in it again.
ALTER TABLE chats ADD COLUMN unreachable_since TIMESTAMPTZ;
