-- Which nudge of a reminder the person last answered, by when it went out (its
-- last_fired_at then): "✅ Done" on a series answers its nudge while it goes on pending.
-- A series whose latest nudge is answered no longer waits for an answer, so "snooze 2
-- days" with no reminder named is about a nudge that still does. Kept by the nudge's own
-- time, not the clock at the answer, so the comparison holds whichever clock fired it.
ALTER TABLE reminders ADD COLUMN answered_nudge_at TEXT;
