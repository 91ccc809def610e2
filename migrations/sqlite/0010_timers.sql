-- A timer ("in 2 hours") keeps its instant when the person moves to another zone, where a
-- reminder for a time of day ("Friday at 2pm") keeps its wall time. Reminders set before
-- this column existed are all read as wall times, as they were.
ALTER TABLE reminders ADD COLUMN keeps_instant BOOLEAN NOT NULL DEFAULT FALSE;
