-- Agencies, user accounts and their sessions (issue 15). Portable SQL as in 0001: BIGINT
-- times in UTC microseconds, TEXT ids chosen by the application, no BOOLEAN (a disabled
-- account is one with a `disabled_at` time).

-- The forces working side by side, e.g. fr-pn (Police nationale), ma-dgsn (Sûreté
-- nationale), each named in the three languages of the dashboard.
CREATE TABLE agencies (
    id         TEXT PRIMARY KEY,
    name_fr    TEXT NOT NULL,
    name_ar    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- User accounts. `password_hash` is an Argon2id PHC string (never the password).
-- `failed_logins` counts consecutive failures; reaching the limit sets `locked_until`.
CREATE TABLE users (
    login         TEXT PRIMARY KEY,
    display_name  TEXT NOT NULL,
    agency        TEXT NOT NULL REFERENCES agencies (id),
    role          TEXT NOT NULL
        CHECK (role IN ('commander', 'operator', 'analyst', 'observer', 'trainer', 'admin')),
    language      TEXT NOT NULL CHECK (language IN ('fr', 'ar', 'en')),
    password_hash TEXT NOT NULL,
    disabled_at   BIGINT,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until  BIGINT,
    created_at    BIGINT NOT NULL
);
CREATE INDEX users_agency ON users (agency);

-- Browser sessions. Only the SHA-256 of the 256-bit session id is stored; the CSRF token
-- is the per-session synchroniser token sent back in a header or form field.
CREATE TABLE sessions (
    id_sha256  TEXT PRIMARY KEY,
    login      TEXT NOT NULL REFERENCES users (login) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen  BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_login ON sessions (login);
