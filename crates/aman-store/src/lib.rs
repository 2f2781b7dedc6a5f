//! Persistence of `aman serve`, behind one interface: SQLite (embedded default, WAL) or
//! PostgreSQL (production), with one set of migrations (`migrations/`, portable SQL).
//!
//! What is stored:
//! - the append-only **readings log** ([`Store::append_readings`], [`IngestWriter`]): durable
//!   before a reading is acknowledged, numbered by a gapless `seq`, so the live state is a
//!   projection rebuilt from it ([`Store::readings_after`]);
//! - **sensor rejections**, counted per sensor and reason ([`Store::count_rejection`]);
//! - **tokens** of sensors and administrators, hashed ([`Store::create_token`]);
//! - **alerts**, their lifecycle, verdicts and CAP messages ([`Store::insert_alert`]);
//! - per-zone **history** at 1 s and 1 min resolution ([`Store::append_history`]);
//! - **agencies, users and sessions** ([`Store::create_user`], [`Store::create_session`]),
//!   passwords as Argon2id hashes ([`password`]);
//! - the **audit log**, each entry appended in its write's transaction;
//! - **incidents, units and tasks** of the joint operations ([`Store::create_incident`],
//!   [`Incident`], [`Unit`], [`Task`]): shared or restricted, optimistically locked;
//!   each committed change published to the subscribers of its context
//!   ([`Store::subscribe_changes`], [`changes`]);
//! - **exercises** ([`Store::create_exercise`]) and their events; every record made during
//!   one carries it, through the exercise's handle ([`Store::in_exercise`]).
//!
//! Times are UTC microseconds ([`Timestamp`]). One process writes a database's readings
//! log: the next `seq` is kept in memory.

mod alerts;
mod audit;
pub mod changes;
mod error;
mod exercises;
mod history;
mod ops;
pub mod password;
mod readings;
mod rejections;
mod tokens;
mod url;
mod users;
mod writer;

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use tokio::sync::Mutex;

pub use alerts::{
    AlertChange, AlertFilter, AlertRecord, AlertStatus, CapMessage, MsgType, RuleStats, Verdict,
};
pub use aman_monitor::{Logged, Reading, Timestamp, Value};
pub use changes::Change;
pub use error::{Result, StoreError};
pub use exercises::{
    ExerciseEvent, ExerciseRow, MAX_DETAIL_CHARS, MAX_EXERCISE_NAME_CHARS, MAX_FEEDS_BYTES,
    MAX_MSEL_BYTES,
};
pub use history::{HistoryRow, Resolution};
pub use ops::{Actor, Event, Incident, MAX_TASK_NOTE_CHARS, Meta, Task, TaskTime, Unit, seen};
pub use password::Password;
pub use readings::Batch;
pub use rejections::{MAX_MESSAGE_LEN, Rejection};
pub use tokens::{TokenInfo, TokenRole};
pub use users::{
    Agency, Language, MAX_AGENCY_ID_CHARS, MAX_LOGIN_CHARS, MAX_NAME_CHARS, NewUser, Session, User,
    UserAudit, check_agency_id, check_login, check_name,
};
pub use writer::{GROUP_MAX_ROWS, IngestWriter};

/// File name of the SQLite database when [`Store::open`] is given a directory.
pub const SQLITE_FILE: &str = "aman.sqlite";

/// How long a SQLite connection waits for another's write lock before failing.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// How long [`Store::open`] keeps trying to reach a PostgreSQL server (and how long a query
/// waits for a free connection of the pool).
pub const PG_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The migrations, applied by [`Store::open`] to either backend.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The store: a connection pool to SQLite or PostgreSQL. Cheap to clone (an `Arc`); clones
/// share the pool and the readings log's sequence.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
    /// The exercise this handle reads and writes (`None`: live operations). See
    /// [`Store::in_exercise`].
    exercise: Option<Arc<str>>,
}

struct Inner {
    pool: Backend,
    /// The URL with its password replaced by `***`.
    redacted: String,
    /// Next `seq` of the readings log; `None` until read from the database (at open, and
    /// again after a failed append, whose commit may or may not have happened). Held across
    /// each append transaction, so seqs are gapless and in commit order.
    next_seq: Mutex<Option<u64>>,
    /// Held across each audit append (read the last entry, insert the next), so the writers
    /// of one process take turns; writers of other processes are told apart by the entry
    /// number's uniqueness and retry.
    /// (Also held across an exercise event's append: numbered the same way.)
    audit: Mutex<()>,
    /// The channels of the changes of incidents, units and tasks, per context
    /// ([`changes`]).
    changes: changes::Channels,
}

enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$p` bound to the SQLite or the PostgreSQL pool (the body is compiled
/// once for each backend: the SQL, with `$1` placeholders, is the same).
macro_rules! with_pool {
    ($store:expr, $p:ident => $body:expr) => {
        match &$store.inner.pool {
            $crate::Backend::Sqlite($p) => $body,
            $crate::Backend::Postgres($p) => $body,
        }
    };
}
pub(crate) use with_pool;

/// Which database a [`Store`] uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    /// SQLite, embedded, WAL.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend())
            .field("url", &self.inner.redacted)
            .field("exercise", &self.exercise)
            .finish()
    }
}

/// Most characters of an exercise id.
pub const MAX_EXERCISE_ID_CHARS: usize = 40;

/// Checks an exercise id: 1 to [`MAX_EXERCISE_ID_CHARS`] characters of `a`–`z`, `0`–`9` and
/// `-`, starting with a letter or digit.
///
/// # Errors
/// What is wrong with it, in words.
pub fn check_exercise_id(id: &str) -> std::result::Result<(), String> {
    let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    if id.is_empty() || id.chars().count() > MAX_EXERCISE_ID_CHARS {
        return Err(format!(
            "an exercise id has 1 to {MAX_EXERCISE_ID_CHARS} characters, not {}",
            id.chars().count()
        ));
    }
    if !id.chars().all(ok_char) || id.starts_with('-') {
        return Err(format!(
            "exercise id {id:?}: use a-z, 0-9 and '-' (not first), e.g. \"ex-2026-07-14\""
        ));
    }
    Ok(())
}

impl Store {
    /// This store's handle for exercise `id`: the same database, but every record it writes
    /// (readings, alerts and their CAP messages, history, incidents, units, tasks, audit
    /// entries) carries the exercise, and every query it runs sees only that exercise's
    /// records. [`Store::live`] is the handle of live operations, which never sees an
    /// exercise's records. The handles share the pool and the readings log's sequence (one
    /// log, numbered across live and exercises). DESIGN: an exercise is a tag carried by
    /// every record, never a separate code path.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] for an id that [`check_exercise_id`] refuses.
    pub fn in_exercise(&self, id: &str) -> Result<Store> {
        check_exercise_id(id).map_err(|m| StoreError::invalid("exercise", m))?;
        Ok(Store {
            inner: self.inner.clone(),
            exercise: Some(id.into()),
        })
    }

    /// This store's handle of live operations (see [`Store::in_exercise`]).
    pub fn live(&self) -> Store {
        Store {
            inner: self.inner.clone(),
            exercise: None,
        }
    }

    /// The exercise of this handle; `None` for live operations.
    pub fn exercise(&self) -> Option<&str> {
        self.exercise.as_deref()
    }

    /// The SQL condition selecting this handle's records in a table with an `exercise`
    /// column (`NULL` for live), optionally qualified by a table alias. The id is inlined as
    /// a literal: [`Store::in_exercise`] admits only `[a-z0-9-]`, which cannot leave a
    /// quoted literal, and an inlined constant lets the databases use their indexes.
    pub(crate) fn ctx_sql(&self, alias: &str) -> String {
        let col = if alias.is_empty() {
            "exercise".to_string()
        } else {
            format!("{alias}.exercise")
        };
        match &self.exercise {
            None => format!("{col} IS NULL"),
            Some(id) => format!("{col} = '{id}'"),
        }
    }

    /// Opens the store at `url_or_dir`, creating it if needed, and runs the migrations:
    /// - `postgres://user:password@host:port/db` (or `postgresql://`): PostgreSQL;
    /// - `sqlite:///path/aman.db` (or `sqlite:relative.db`): that SQLite file;
    /// - anything else without a `scheme://`: a directory (created if missing) holding
    ///   [`SQLITE_FILE`].
    ///
    /// SQLite is set up with `journal_mode=WAL`, `synchronous=FULL`, a
    /// [`BUSY_TIMEOUT`] and foreign keys on. `synchronous=FULL` because a reading that was
    /// acknowledged must survive a SIGKILL *and* a power loss: in WAL mode, `NORMAL` survives
    /// a crash of the process but may lose the last commits on power loss, `FULL` syncs the
    /// WAL at every commit. The cost is one fsync per transaction, which the
    /// [`IngestWriter`]'s group commit spreads over many readings.
    ///
    /// # Errors
    /// [`StoreError::BadUrl`] for a URL of another scheme or one that does not parse;
    /// [`StoreError::Database`] if the database cannot be reached, created or migrated.
    pub async fn open(url_or_dir: &str) -> Result<Store> {
        let target = url::parse(url_or_dir)?;
        let redacted = url::redact(url_or_dir);
        let pool = match target {
            url::Target::Postgres(u) => {
                let pool = PgPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(PG_CONNECT_TIMEOUT)
                    .connect(&u)
                    .await
                    .map_err(StoreError::db(format!("connecting to {redacted}")))?;
                Backend::Postgres(pool)
            }
            url::Target::SqliteUrl(u) => {
                let options: SqliteConnectOptions = u.parse().map_err(|e| StoreError::BadUrl {
                    url: redacted.clone(),
                    reason: format!("{e}; write sqlite:///absolute/path/aman.db or a directory"),
                })?;
                Backend::Sqlite(open_sqlite(options, &redacted).await?)
            }
            url::Target::Directory(dir) => {
                std::fs::create_dir_all(&dir).map_err(|e| StoreError::BadUrl {
                    url: redacted.clone(),
                    reason: format!(
                        "cannot create the data directory: {e}; give a writable directory"
                    ),
                })?;
                let options = SqliteConnectOptions::new().filename(dir.join(SQLITE_FILE));
                Backend::Sqlite(open_sqlite(options, &redacted).await?)
            }
        };
        let store = Store {
            inner: Arc::new(Inner {
                pool,
                redacted,
                next_seq: Mutex::new(None),
                audit: Mutex::new(()),
                changes: changes::Channels::default(),
            }),
            exercise: None,
        };
        if !store.migrated_by_owner().await? {
            with_pool!(store, p => MIGRATOR.run(p).await).map_err(|e| StoreError::Migrate {
                url: store.inner.redacted.clone(),
                source: Arc::new(e),
            })?;
        }
        store.guard_audit_log().await?;
        // Read the log's end now, so a database that cannot be read fails at open.
        store
            .reload_next_seq(&mut *store.inner.next_seq.lock().await)
            .await?;
        Ok(store)
    }

    /// PostgreSQL, connected as a role that does not own the tables (the server's role of
    /// [`Store::grant_server_role`]): `true` when every migration is applied, so there is
    /// nothing to migrate (the migrator would try to create its table, which such a role may
    /// not); `false` for the owner, or on SQLite, who migrate as usual.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] when migrations are pending and this role cannot apply them;
    /// [`StoreError::Database`].
    async fn migrated_by_owner(&self) -> Result<bool> {
        let Backend::Postgres(p) = &self.inner.pool else {
            return Ok(false);
        };
        let owner: Option<bool> = sqlx::query_scalar(
            "SELECT tableowner = current_user FROM pg_tables \
             WHERE schemaname = current_schema() AND tablename = '_sqlx_migrations'",
        )
        .fetch_optional(p)
        .await
        .map_err(StoreError::db("checking the migrations' owner"))?;
        if owner != Some(false) {
            return Ok(false);
        }
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(p)
                .await
                .map_err(StoreError::db("reading the applied migrations"))?;
        let pending: Vec<String> = MIGRATOR
            .iter()
            .filter(|m| !applied.contains(&m.version))
            .map(|m| format!("{:04} {}", m.version, m.description))
            .collect();
        if pending.is_empty() {
            return Ok(true);
        }
        Err(StoreError::Invalid {
            field: "database".into(),
            message: format!(
                "migrations {} are pending and only the database's owner can apply them: \
                 open the database once as its owner (e.g. aman audit verify --database \
                 OWNER_URL), then grant this role again (aman audit grant-server)",
                pending.join(", ")
            ),
        })
    }

    /// Makes the audit log append-only: a trigger refusing UPDATE and DELETE (and TRUNCATE
    /// on PostgreSQL), written per backend. On PostgreSQL only the table's owner can write
    /// the trigger: a server running as another role (one given its rights by
    /// [`Store::grant_server_role`], which cannot change audit rows at all) checks that the
    /// trigger is there instead.
    ///
    /// # Errors
    /// [`StoreError::Database`]; [`StoreError::Invalid`] when the server's role is not the
    /// owner and the trigger is missing (only the owner can put it back).
    async fn guard_audit_log(&self) -> Result<()> {
        if let Backend::Postgres(p) = &self.inner.pool {
            let (owner, guarded): (bool, bool) = sqlx::query_as(
                "SELECT \
                   EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema() \
                           AND tablename = 'audit_log' AND tableowner = current_user), \
                   EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'audit_log_append_only' \
                           AND tgenabled <> 'D')",
            )
            .fetch_one(p)
            .await
            .map_err(StoreError::db("checking the audit log's owner"))?;
            if !owner {
                return if guarded {
                    Ok(())
                } else {
                    Err(StoreError::Invalid {
                        field: "audit_log".into(),
                        message: "the audit log's append-only trigger is missing or disabled, \
                                  and only the table's owner can restore it: open the database \
                                  once as its owner (e.g. aman audit verify --database OWNER_URL)"
                            .into(),
                    })
                };
            }
        }
        let statements: &[&str] = match self.backend() {
            BackendKind::Sqlite => &audit::SQLITE_GUARD,
            BackendKind::Postgres => &audit::POSTGRES_GUARD,
        };
        for sql in statements {
            with_pool!(self, p => {
                sqlx::query(sqlx::AssertSqlSafe(*sql))
                    .execute(p)
                    .await
                    .map(|_| ())
                    .map_err(StoreError::db("guarding the audit log"))?
            });
        }
        Ok(())
    }

    /// PostgreSQL: lets the existing role `role` run `aman serve` on this database — read
    /// and write every table — except changing the audit log: it may read and append
    /// entries, never update, delete or truncate them (and, not owning the table, it cannot
    /// switch off its trigger either). Run by the database's owner (the role that created
    /// the tables: `aman audit grant-server`); the server then connects as `role`. Tables
    /// added by a later version's migrations need the grant again.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] for a role name that is not a plain identifier
    /// (`[a-z_][a-z0-9_]*`, at most 63 characters) or on SQLite (a file has no roles:
    /// protect it with the file system's permissions); [`StoreError::Database`] when the
    /// role does not exist or this connection may not grant.
    pub async fn grant_server_role(&self, role: &str) -> Result<()> {
        let plain = !role.is_empty()
            && role.len() <= 63
            && role.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
            && role
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !plain {
            return Err(StoreError::Invalid {
                field: "role".into(),
                message: format!(
                    "{role:?} is not a plain PostgreSQL role name: lower-case letters, digits \
                     and _, not starting with a digit, at most 63 characters"
                ),
            });
        }
        let Backend::Postgres(p) = &self.inner.pool else {
            return Err(StoreError::Invalid {
                field: "database".into(),
                message: "SQLite has no roles: protect the database file with the file \
                          system's permissions instead"
                    .into(),
            });
        };
        let statements = [
            format!("GRANT USAGE ON SCHEMA public TO {role}"),
            format!(
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"
            ),
            format!("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}"),
            format!("REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {role}"),
            format!("REVOKE INSERT, UPDATE, DELETE ON _sqlx_migrations FROM {role}"),
        ];
        let mut tx = p
            .begin()
            .await
            .map_err(StoreError::db("granting the server's role"))?;
        for sql in statements {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut *tx)
                .await
                .map_err(StoreError::db(format!("granting role {role}")))?;
        }
        tx.commit()
            .await
            .map_err(StoreError::db("granting the server's role"))
    }

    /// Which database this store uses.
    pub fn backend(&self) -> BackendKind {
        match self.inner.pool {
            Backend::Sqlite(_) => BackendKind::Sqlite,
            Backend::Postgres(_) => BackendKind::Postgres,
        }
    }

    /// The URL it was opened with, password replaced by `***`.
    pub fn url(&self) -> &str {
        &self.inner.redacted
    }

    /// Closes the pool: waits for the connections in use to be returned, then closes them
    /// (on SQLite this checkpoints the WAL). Calls after this fail.
    pub async fn close(&self) {
        with_pool!(self, p => p.close().await)
    }
}

async fn open_sqlite(options: SqliteConnectOptions, redacted: &str) -> Result<SqlitePool> {
    let options = options
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(BUSY_TIMEOUT)
        .foreign_keys(true);
    SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await
        .map_err(StoreError::db(format!("opening {redacted}")))
}

/// The system clock as a [`Timestamp`] (µs; 0 if the clock is before 1970).
pub(crate) fn now() -> Timestamp {
    let us = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    Timestamp(us)
}
