-- Exercises (issue 16): a named session run by a trainer. Every record made during one
-- carries its id in an `exercise` column (NULL: live operations), and every query of a store
-- handle selects its own context (`exercise IS NULL`, or `= id`), so exercise and live data
-- never mix. The incidents' tables already carry the column (0006).

CREATE TABLE exercises (
    id           TEXT PRIMARY KEY,
    venue        TEXT NOT NULL,
    name         TEXT NOT NULL,
    -- The master events list as given (TOML or CSV) and its format.
    msel         TEXT NOT NULL,
    msel_format  TEXT NOT NULL CHECK (msel_format IN ('toml', 'csv')),
    -- The crowd injects' sensor feeds (JSON by inject id), simulated when it was made.
    feeds_json   TEXT,
    -- ready, running, paused, ended; the scenario clock (see aman-ops `exercise::Clock`)
    -- as JSON, so a restart resumes it.
    state        TEXT NOT NULL CHECK (state IN ('ready', 'running', 'paused', 'ended')),
    clock_json   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    created_by   TEXT NOT NULL,
    -- The trainer's agency (NULL: an admin token).
    agency       TEXT,
    language     TEXT NOT NULL,
    version      BIGINT NOT NULL
);

-- What happened during an exercise, in order: each inject delivered, and what players did.
CREATE TABLE exercise_events (
    exercise  TEXT NOT NULL REFERENCES exercises (id),
    n         BIGINT NOT NULL,
    at        BIGINT NOT NULL,
    -- Scenario time, s from the exercise's start.
    scenario_s DOUBLE PRECISION NOT NULL,
    kind      TEXT NOT NULL,
    inject    TEXT,
    actor     TEXT NOT NULL,
    agency    TEXT,
    object    TEXT,
    detail    TEXT NOT NULL,
    PRIMARY KEY (exercise, n)
);

ALTER TABLE readings ADD COLUMN exercise TEXT;
ALTER TABLE alerts ADD COLUMN exercise TEXT;
CREATE INDEX alerts_exercise ON alerts (exercise);

-- The history's key gains the exercise; a key column cannot be NULL, so live is ''.
CREATE TABLE zone_history_x (
    venue      TEXT NOT NULL,
    exercise   TEXT NOT NULL DEFAULT '',
    subject    TEXT NOT NULL,
    resolution TEXT NOT NULL CHECK (resolution IN ('second', 'minute')),
    t          BIGINT NOT NULL,
    occupancy  DOUBLE PRECISION,
    density    DOUBLE PRECISION,
    flow_in    DOUBLE PRECISION,
    flow_out   DOUBLE PRECISION,
    pressure   DOUBLE PRECISION,
    PRIMARY KEY (venue, exercise, subject, resolution, t)
);
INSERT INTO zone_history_x (venue, exercise, subject, resolution, t, occupancy, density,
                            flow_in, flow_out, pressure)
    SELECT venue, '', subject, resolution, t, occupancy, density, flow_in, flow_out, pressure
    FROM zone_history;
DROP TABLE zone_history;
ALTER TABLE zone_history_x RENAME TO zone_history;
