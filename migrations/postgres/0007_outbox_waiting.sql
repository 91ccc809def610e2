-- The rows a sender may still have to deliver (pending or being sent) are listed in a table
-- of their own instead of a partial index over `outbox.state`. With no index on any column
-- a delivery changes, recording one is a heap-only update: the new row version stays on its
-- page and no index gains an entry. Through the partial index every delivery record wrote
-- a whole new row elsewhere and a new entry in each of the outbox's indexes (100,000
-- delivery records in one statement, by hand in psql: 0.64-0.96 s → 0.18 s).
--
-- The list is kept by the database, not by the statements of the store: a row missing from
-- it would never be delivered, whichever code path (or older version of jtp, still running
-- during an upgrade) wrote it. The triggers are per statement, over the statement's rows
-- at once, and cost what the same writes made by the store cost (100,000 rows inserted and
-- then recorded as delivered, by hand in psql: 0.98 s with the triggers, 0.98 s with the
-- list written beside them in the same statements).

-- Nothing writes to the outbox until the list is complete and kept.
LOCK TABLE outbox IN SHARE ROW EXCLUSIVE MODE;

-- Keyed by platform first: a sender walks its own platform's rows, in order. A row's
-- platform never changes.
CREATE TABLE outbox_waiting (
    platform   TEXT NOT NULL,
    outbox_id  BIGINT NOT NULL,
    PRIMARY KEY (platform, outbox_id)
);
INSERT INTO outbox_waiting (platform, outbox_id)
SELECT platform, id FROM outbox WHERE state IN ('pending', 'sending');

-- A new row's id was never used before, so it cannot be on the list yet: no ON CONFLICT,
-- whose speculative insertion cost 0.09 s more per 100,000 rows. A row coming back to
-- pending (an operator's retry) is rare, and is added only if missing.
CREATE FUNCTION outbox_waiting_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO outbox_waiting (platform, outbox_id)
    SELECT platform, id FROM added WHERE state IN ('pending', 'sending');
    RETURN NULL;
END $$;

CREATE FUNCTION outbox_waiting_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM outbox_waiting w USING changed c
    WHERE w.platform = c.platform AND w.outbox_id = c.id
      AND c.state NOT IN ('pending', 'sending');
    INSERT INTO outbox_waiting (platform, outbox_id)
    SELECT c.platform, c.id FROM changed c JOIN was w ON w.id = c.id
    WHERE c.state IN ('pending', 'sending') AND w.state NOT IN ('pending', 'sending')
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE FUNCTION outbox_waiting_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM outbox_waiting w USING removed r
    WHERE w.platform = r.platform AND w.outbox_id = r.id;
    RETURN NULL;
END $$;

CREATE TRIGGER outbox_waiting_added AFTER INSERT ON outbox
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_waiting_added();
CREATE TRIGGER outbox_waiting_changed AFTER UPDATE ON outbox
    REFERENCING OLD TABLE AS was NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_waiting_changed();
CREATE TRIGGER outbox_waiting_removed AFTER DELETE ON outbox
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_waiting_removed();

DROP INDEX outbox_undelivered;
-- Room on every page for a row's delivered version beside its first one: a row written
-- full and then updated with no room on its page moves to another page, and the update is
-- not heap-only after all. Delivered rows are not rewritten again, so pages settle at
-- about half full; the outbox trades that space for the cheaper write.
ALTER TABLE outbox SET (fillfactor = 50);
