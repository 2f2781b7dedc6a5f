-- The audit log: one row per write (and per read of a restricted record), each with the hash
-- of the one before (aman-ops's `audit` module gives the construction). Append-only: the
-- store adds a trigger on each backend that refuses UPDATE and DELETE (created in code, as
-- the two backends write triggers differently); the hash chain shows any change made around
-- it (`aman audit verify`).
CREATE TABLE audit_log (
    seq         BIGINT PRIMARY KEY,
    at          BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    agency      TEXT,
    action      TEXT NOT NULL,
    object      TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT,
    exercise    TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
