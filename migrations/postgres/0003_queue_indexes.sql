-- Due reminders are claimed oldest first with `ORDER BY due_at, id LIMIT n`. An index of
-- the pending ones, in exactly that order, lets a claim read just the rows it takes: the
-- old (state, due_at) index left PostgreSQL sorting every due row for each batch when many
-- share one instant (a backlog after downtime), and kept fired rows it never looks at.
DROP INDEX reminders_due;
CREATE INDEX reminders_pending ON reminders(due_at, id) WHERE state = 'pending';

-- Senders find their rows through outbox_undelivered (0002); these two were kept up to date
-- on every state change of every message and no query needs them any more.
DROP INDEX outbox_due;
DROP INDEX outbox_chat;
