-- aman store, first schema. One file for SQLite and PostgreSQL: portable SQL only
-- (BIGINT, TEXT, DOUBLE PRECISION, BOOLEAN; ids assigned by the application; upserts with
-- ON CONFLICT, which both accept). Times are UTC microseconds since the Unix epoch.

-- The append-only readings log. `seq` is assigned by the store, gapless, in commit order.
-- Aggregate values only: there is no column for an image or any personal data.
CREATE TABLE readings (
    seq         BIGINT PRIMARY KEY,
    venue       TEXT NOT NULL,
    sensor      TEXT NOT NULL,
    channel     TEXT NOT NULL,
    sensor_time BIGINT NOT NULL,
    received    BIGINT NOT NULL,
    kind        TEXT NOT NULL
        CHECK (kind IN ('counter', 'crossings', 'occupancy', 'density', 'track')),
    direction   TEXT CHECK (direction IS NULL OR direction IN ('in', 'out')),
    count       BIGINT,
    value       DOUBLE PRECISION,
    track       BIGINT,
    x           DOUBLE PRECISION,
    y           DOUBLE PRECISION
);
CREATE INDEX readings_venue_seq ON readings (venue, seq);

-- Bad payloads, counted per sensor and kind of reason.
CREATE TABLE sensor_rejections (
    venue        TEXT NOT NULL,
    sensor       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    count        BIGINT NOT NULL,
    last_message TEXT NOT NULL,
    last_time    BIGINT NOT NULL,
    PRIMARY KEY (venue, sensor, kind)
);

-- API tokens. Only the SHA-256 digest of the secret is stored (hex).
CREATE TABLE tokens (
    id            TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'sensor')),
    venue         TEXT,
    sensor        TEXT,
    label         TEXT NOT NULL,
    secret_sha256 TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    revoked_at    BIGINT,
    CHECK ((role = 'sensor') = (venue IS NOT NULL AND sensor IS NOT NULL))
);

-- Alerts and their lifecycle, with the operator's verdict.
CREATE TABLE alerts (
    id              TEXT PRIMARY KEY,
    venue           TEXT NOT NULL,
    rule            TEXT NOT NULL,
    subject         TEXT NOT NULL,
    severity        TEXT NOT NULL,
    mode            TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('raised', 'acknowledged', 'resolved')),
    raised_at       BIGINT NOT NULL,
    acknowledged_at BIGINT,
    acknowledged_by TEXT,
    resolved_at     BIGINT,
    verdict         TEXT CHECK (verdict IS NULL OR verdict IN ('true_positive', 'false_positive')),
    verdict_by      TEXT,
    verdict_at      BIGINT
);
CREATE INDEX alerts_venue_raised ON alerts (venue, raised_at);

-- The CAP 1.2 messages of an alert, numbered 1, 2, … in the order they were sent.
CREATE TABLE cap_messages (
    alert_id TEXT NOT NULL REFERENCES alerts (id),
    n        BIGINT NOT NULL,
    msg_type TEXT NOT NULL CHECK (msg_type IN ('Alert', 'Update', 'Cancel')),
    sent     BIGINT NOT NULL,
    xml      TEXT NOT NULL,
    PRIMARY KEY (alert_id, n)
);

-- Per-zone (or per-line) time series for charts, at 1 s and 1 min resolution. The primary
-- key is the (venue, subject, resolution, t) index. (A BRIN index on t would suit
-- PostgreSQL, but its syntax is not portable: the B-tree of the key serves both.)
CREATE TABLE zone_history (
    venue      TEXT NOT NULL,
    subject    TEXT NOT NULL,
    resolution TEXT NOT NULL CHECK (resolution IN ('second', 'minute')),
    t          BIGINT NOT NULL,
    occupancy  DOUBLE PRECISION,
    density    DOUBLE PRECISION,
    flow_in    DOUBLE PRECISION,
    flow_out   DOUBLE PRECISION,
    pressure   DOUBLE PRECISION,
    PRIMARY KEY (venue, subject, resolution, t)
);
