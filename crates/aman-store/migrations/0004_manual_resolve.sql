-- An alert resolved by a person rather than by its rule: who resolved it, and the place in
-- the readings log (the `seq` of the last reading applied) at which it was done, so that
-- rebuilding the live state from the log resolves it again at the same place.
ALTER TABLE alerts ADD COLUMN resolved_by TEXT;
ALTER TABLE alerts ADD COLUMN resolved_seq BIGINT;
