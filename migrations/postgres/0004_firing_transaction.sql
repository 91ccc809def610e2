-- Due reminders are now held by the transaction that fires them (PostgreSQL row locks,
-- SQLite's write lock) rather than leased by writing to their rows first: a reminder's row
-- is written once per firing. Nothing reads or writes these two columns any more.
ALTER TABLE reminders DROP COLUMN lease_owner;
ALTER TABLE reminders DROP COLUMN lease_until;
