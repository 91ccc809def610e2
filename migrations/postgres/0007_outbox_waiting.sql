-- The rows a sender may still have to deliver (pending or being sent) are listed in a table
-- of their own instead of a partial index over `outbox.state`. With no index on any column
-- a delivery changes, recording one is a heap-only update on PostgreSQL: the new row
-- version stays on its page and no index gains an entry. Through the partial index every
-- delivery record wrote a whole new row elsewhere and a new entry in each of the outbox's
-- indexes (scheduler benchmark, 100,000 delivery records in one statement by hand in psql:
-- 0.64-0.96 s → 0.18 s). The store adds a row here in the statement's transaction whenever
-- an outbox row becomes pending or sending, and removes it whenever it stops being either.
CREATE TABLE outbox_waiting (
    outbox_id  BIGINT PRIMARY KEY,
    platform   TEXT NOT NULL
);
INSERT INTO outbox_waiting (outbox_id, platform)
SELECT id, platform FROM outbox WHERE state IN ('pending', 'sending');
DROP INDEX outbox_undelivered;
-- Room on every page for a row's delivered version beside its first one: a row written
-- full and then updated with no room on its page moves to another page, and the update is
-- not heap-only after all. Delivered rows are no longer rewritten, so pages settle at
-- about half full; the outbox trades that space for the cheaper write.
ALTER TABLE outbox SET (fillfactor = 50);
