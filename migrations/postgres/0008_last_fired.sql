-- When a reminder last went out as a nudge (its occurrence sent, not skipped): "snooze 2
-- days" with no reminder named is about the nudge the person just got, which for a series
-- is a reminder that is pending again, not fired.
ALTER TABLE reminders ADD COLUMN last_fired_at TIMESTAMPTZ;
