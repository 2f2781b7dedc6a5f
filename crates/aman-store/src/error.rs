//! The store's errors.

use std::sync::Arc;

/// Result of a store operation.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Why a store operation failed. Cloneable (database errors are shared behind an `Arc`), so
/// the [`crate::IngestWriter`] can give one failed commit's error to every batch in it.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    /// The record asked for does not exist.
    #[error("{what} not found")]
    NotFound {
        /// What was looked for, e.g. `alert "a-17"`.
        what: String,
    },
    /// The operation contradicts what is stored (a duplicate key, a forbidden transition).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database URL or directory is not usable.
    #[error("database {url}: {reason}")]
    BadUrl {
        /// The URL as given, password replaced by `***`.
        url: String,
        /// What is wrong and what to write instead.
        reason: String,
    },
    /// The migrations could not be applied.
    #[error("migrating database {url}: {source}")]
    Migrate {
        /// The URL, password replaced by `***`.
        url: String,
        /// The migrator's error.
        #[source]
        source: Arc<sqlx::migrate::MigrateError>,
    },
    /// The database failed.
    #[error("{context}: {source}")]
    Database {
        /// What the store was doing.
        context: String,
        /// The driver's error.
        #[source]
        source: Arc<sqlx::Error>,
    },
    /// A stored value cannot be turned back into its type (a row written by another program
    /// or a newer version).
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// A value given by a user does not fit (too long, control characters, unknown role):
    /// nothing was stored.
    #[error("{field}: {message}")]
    Invalid {
        /// The field (`login`, `display_name`, `password`, …).
        field: String,
        /// What is wrong and what fits.
        message: String,
    },
    /// The operating system's random generator failed (creating a token).
    #[error("the operating system's random generator failed: {0}")]
    Random(String),
    /// The [`crate::IngestWriter`]'s task has stopped (the runtime is shutting down).
    #[error("the ingest writer has stopped")]
    WriterStopped,
}

impl StoreError {
    /// A closure mapping a driver error to [`StoreError::Database`] with `context`; a unique
    /// or primary-key violation becomes [`StoreError::Conflict`].
    pub(crate) fn db(context: impl Into<String>) -> impl FnOnce(sqlx::Error) -> StoreError {
        let context = context.into();
        move |e| {
            if let sqlx::Error::Database(d) = &e
                && d.is_unique_violation()
            {
                return StoreError::Conflict(format!("{context}: {d}"));
            }
            StoreError::Database {
                context,
                source: Arc::new(e),
            }
        }
    }

    /// [`StoreError::Invalid`] on `field`.
    pub(crate) fn invalid(field: &str, message: impl Into<String>) -> StoreError {
        StoreError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// [`StoreError::NotFound`] for `what`.
    pub(crate) fn not_found(what: impl Into<String>) -> StoreError {
        StoreError::NotFound { what: what.into() }
    }
}
