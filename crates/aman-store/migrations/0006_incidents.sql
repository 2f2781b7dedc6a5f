-- Joint operations (issue 16): incidents with their timeline, units with their activity
-- log (the rows of an ICS-214), and the tasks given to units on incidents. Portable SQL as
-- in 0001: BIGINT times in UTC microseconds, TEXT ids made by the application (random, so an
-- id tells nothing of how many records another agency has), no BOOLEAN.
--
-- Every record belongs to an agency and is `shared` (the joint command sees it) or
-- `restricted` (its agency only); `version` is its optimistic lock (an update names the
-- version it read and changes nothing if another came first); `exercise` is NULL for live
-- operations and names the exercise otherwise (live queries filter `exercise IS NULL`).
-- Free-form content (the M/ETHANE fields, a unit's leader and resources) is JSON text in
-- `fields_json`, written and checked by aman-ops.

CREATE TABLE incidents (
    id          TEXT PRIMARY KEY,
    agency      TEXT NOT NULL REFERENCES agencies (id),
    visibility  TEXT NOT NULL CHECK (visibility IN ('shared', 'restricted')),
    status      TEXT NOT NULL
        CHECK (status IN ('reported', 'confirmed', 'responding', 'contained', 'closed')),
    fields_json TEXT NOT NULL,
    alert_id    TEXT REFERENCES alerts (id),
    version     BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  BIGINT NOT NULL,
    updated_by  TEXT NOT NULL,
    exercise    TEXT
);
CREATE INDEX incidents_agency ON incidents (agency, created_at);

-- An incident's timeline: every change, numbered 1, 2, … per incident. `only_agency` is
-- set on an event that tells of something less visible than the incident (a restricted
-- task): only that agency sees it; NULL: whoever sees the incident sees the event.
CREATE TABLE incident_events (
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    n           BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    what        TEXT NOT NULL,
    only_agency TEXT,
    before_json TEXT,
    after_json  TEXT,
    exercise    TEXT,
    PRIMARY KEY (incident_id, n)
);

CREATE TABLE units (
    id          TEXT PRIMARY KEY,
    agency      TEXT NOT NULL REFERENCES agencies (id),
    visibility  TEXT NOT NULL CHECK (visibility IN ('shared', 'restricted')),
    call_sign   TEXT NOT NULL,
    status      TEXT NOT NULL
        CHECK (status IN ('available', 'assigned', 'en_route', 'on_scene', 'out_of_service')),
    fields_json TEXT NOT NULL,
    version     BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  BIGINT NOT NULL,
    updated_by  TEXT NOT NULL,
    exercise    TEXT
);
CREATE INDEX units_agency ON units (agency, call_sign);

-- A unit's activity log (ICS-214 "activity log": date/time and notable activity);
-- `only_agency` as for incident_events.
CREATE TABLE unit_events (
    unit_id     TEXT NOT NULL REFERENCES units (id),
    n           BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    activity    TEXT NOT NULL,
    only_agency TEXT,
    before_json TEXT,
    after_json  TEXT,
    exercise    TEXT,
    PRIMARY KEY (unit_id, n)
);

CREATE TABLE tasks (
    id          TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    unit_id     TEXT NOT NULL REFERENCES units (id),
    agency      TEXT NOT NULL REFERENCES agencies (id),
    visibility  TEXT NOT NULL CHECK (visibility IN ('shared', 'restricted')),
    state       TEXT NOT NULL
        CHECK (state IN ('assigned', 'accepted', 'en_route', 'on_scene', 'done', 'cancelled')),
    note        TEXT NOT NULL,
    times_json  TEXT NOT NULL,
    version     BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  BIGINT NOT NULL,
    updated_by  TEXT NOT NULL,
    exercise    TEXT
);
CREATE INDEX tasks_incident ON tasks (incident_id);
CREATE INDEX tasks_unit ON tasks (unit_id);
