-- The rows a sender may still have to deliver (pending or being sent) are listed in a table
-- of their own instead of a partial index over `outbox.state`, as on PostgreSQL, where a
-- delivery record that changes no indexed column is a heap-only update (see the PostgreSQL
-- migration). The store adds a row here in the statement's transaction whenever an outbox
-- row becomes pending or sending, and removes it whenever it stops being either.
CREATE TABLE outbox_waiting (
    outbox_id  INTEGER PRIMARY KEY,
    platform   TEXT NOT NULL
);
INSERT INTO outbox_waiting (outbox_id, platform)
SELECT id, platform FROM outbox WHERE state IN ('pending', 'sending');
DROP INDEX outbox_undelivered;
