-- The operator's note with an alert's verdict (free text, at most 500 characters, checked by
-- the server), written in the same statement as the verdict.
ALTER TABLE alerts ADD COLUMN verdict_note TEXT;
