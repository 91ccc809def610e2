-- "Stop nudging this application": while set, no automatic reminder (follow-up, interview
-- preparation, thank-you note) is planned for the application; cleared when the person
-- asks for its nudges again.
ALTER TABLE applications ADD COLUMN nudges_stopped_at TIMESTAMPTZ;
