-- The rows a sender may still have to deliver (pending or being sent) are listed in a table
-- of their own instead of a partial index over `outbox.state`, as on PostgreSQL, where a
-- delivery record that changes no indexed column is a heap-only update (see the PostgreSQL
-- migration).
--
-- The list is kept by the database, not by the statements of the store: a row missing from
-- it would never be delivered, whichever code path (or older version of jtp, still running
-- during an upgrade) wrote it. SQLite's triggers run per row; over 100,000 rows inserted
-- and then recorded as delivered they cost 0.70 s against 0.55 s for the same list written
-- by set-based statements beside them (sqlite3, by hand), a price paid for a list that
-- cannot drift.

-- Keyed by platform first: a sender walks its own platform's rows, in order. A row's
-- platform never changes.
CREATE TABLE outbox_waiting (
    platform   TEXT NOT NULL,
    outbox_id  INTEGER NOT NULL,
    PRIMARY KEY (platform, outbox_id)
) WITHOUT ROWID;
INSERT INTO outbox_waiting (platform, outbox_id)
SELECT platform, id FROM outbox WHERE state IN ('pending', 'sending');

CREATE TRIGGER outbox_waiting_added AFTER INSERT ON outbox
    WHEN NEW.state IN ('pending', 'sending')
BEGIN
    INSERT OR IGNORE INTO outbox_waiting (platform, outbox_id) VALUES (NEW.platform, NEW.id);
END;
CREATE TRIGGER outbox_waiting_left AFTER UPDATE OF state ON outbox
    WHEN OLD.state IN ('pending', 'sending') AND NEW.state NOT IN ('pending', 'sending')
BEGIN
    DELETE FROM outbox_waiting WHERE platform = OLD.platform AND outbox_id = OLD.id;
END;
CREATE TRIGGER outbox_waiting_back AFTER UPDATE OF state ON outbox
    WHEN OLD.state NOT IN ('pending', 'sending') AND NEW.state IN ('pending', 'sending')
BEGIN
    INSERT OR IGNORE INTO outbox_waiting (platform, outbox_id) VALUES (NEW.platform, NEW.id);
END;
CREATE TRIGGER outbox_waiting_removed AFTER DELETE ON outbox
    WHEN OLD.state IN ('pending', 'sending')
BEGIN
    DELETE FROM outbox_waiting WHERE platform = OLD.platform AND outbox_id = OLD.id;
END;

DROP INDEX outbox_undelivered;
