//! The audit log's rows: appended with the next link of the hash chain
//! ([`aman_ops::audit`]), read back in order for `aman audit verify`; UPDATE and DELETE
//! refused by a trigger on each backend.

use aman_ops::audit::{AuditEntry, AuditRecord, from_hex};

use crate::{Result, Store, StoreError, Timestamp, with_pool};

/// Most attempts to append when another process took the next number first.
pub(crate) const APPEND_TRIES: usize = 16;

/// The triggers that make `audit_log` append-only, per backend (idempotent).
pub(crate) const SQLITE_GUARD: [&str; 2] = [
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log \
     BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log \
     BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
];
/// See [`SQLITE_GUARD`].
pub(crate) const POSTGRES_GUARD: [&str; 3] = [
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS \
     $$ BEGIN RAISE EXCEPTION 'audit entries are append-only'; END $$",
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log \
     FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
];

type Row = (
    i64,
    i64,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
);

fn entry(r: Row) -> AuditEntry {
    let (seq, at, actor, agency, action, object, before, after, exercise, prev, hash) = r;
    // A hash that is not 64 hex digits was edited: it then matches nothing, and the chain
    // breaks there.
    let bad = [0xff; 32];
    AuditEntry {
        seq: u64::try_from(seq).unwrap_or(0),
        record: AuditRecord {
            at: Timestamp(at),
            actor,
            agency,
            action,
            object,
            before,
            after,
            exercise,
        },
        prev: from_hex(&prev).unwrap_or(bad),
        hash: from_hex(&hash).unwrap_or(bad),
    }
}

/// Appends `$record` (an [`AuditRecord`]) as the next entry of the chain on `$tx`, a
/// transaction of either backend: reads the last entry and inserts the next in that
/// transaction, so the entry commits or rolls back with the write it records. Evaluates to
/// `Result<Option<AuditEntry>>`: `Ok(None)` when another writer (another process) took the
/// next number first, and the whole transaction must be retried.
macro_rules! append_in_tx {
    ($tx:expr, $record:expr) => {{
        let last: Option<(i64, String)> =
            sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                .fetch_optional(&mut *$tx)
                .await
                .map_err($crate::StoreError::db("reading the audit log's last entry"))?;
        let last = match last {
            Some((seq, hash)) => (
                u64::try_from(seq).unwrap_or(0),
                aman_ops::audit::from_hex(&hash).unwrap_or([0xff; 32]),
            ),
            None => (0, aman_ops::audit::GENESIS),
        };
        let e = aman_ops::audit::next_entry(last, $record);
        let r = &e.record;
        let inserted = sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, agency, action, object, before_json, \
             after_json, exercise, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(e.seq as i64)
        .bind(r.at.0)
        .bind(&r.actor)
        .bind(r.agency.as_deref())
        .bind(&r.action)
        .bind(&r.object)
        .bind(r.before.as_deref())
        .bind(r.after.as_deref())
        .bind(r.exercise.as_deref())
        .bind(aman_ops::audit::to_hex(&e.prev))
        .bind(aman_ops::audit::to_hex(&e.hash))
        .execute(&mut *$tx)
        .await
        .map(|_| ())
        .map_err($crate::StoreError::db("appending to the audit log"));
        match inserted {
            Ok(()) => Ok::<_, $crate::StoreError>(Some(e)),
            // Another process appended entry `seq` first: the transaction is retried.
            Err($crate::StoreError::Conflict(_)) => Ok(None),
            Err(err) => Err(err),
        }
    }};
}
pub(crate) use append_in_tx;

/// One audited write: runs `$body` on `$tx`, a transaction of the store's backend (an
/// expression using `?`, evaluating to `(value, AuditRecord)`), appends the record's entry
/// to the audit log **in the same transaction** (with the store handle's exercise, if any:
/// [`crate::Store::in_exercise`]), and commits: the write and its entry are
/// stored together or not at all. Evaluates to `Result<(value, AuditEntry)>`.
///
/// Concurrency: the store's audit mutex is held across the whole transaction, so the
/// audited writers of one process take turns and each reads the chain's true last entry;
/// a writer of another process that took the next number first makes the insert fail on
/// the entry number's uniqueness, and the whole transaction (the write included) is rolled
/// back and run again, at most [`APPEND_TRIES`] times. On SQLite the transaction starts
/// with `BEGIN IMMEDIATE` (it takes the write lock first, waiting up to the busy timeout),
/// so a read-then-write transaction never fails on a lock upgrade.
macro_rules! audited {
    ($store:expr, |$tx:ident| $body:expr) => {{
        $crate::audit::audited_if!($store, |$tx| {
            let (value, record): (_, aman_ops::audit::AuditRecord) = $body;
            (value, Some(record))
        })
        .and_then(|(value, entry)| match entry {
            Some(entry) => Ok((value, entry)),
            None => Err($crate::StoreError::Conflict(
                "the write's audit entry was not appended; retry".into(),
            )),
        })
    }};
}
pub(crate) use audited;

/// [`audited`] for a write that may find nothing to change: `$body` evaluates to `(value,
/// Option<AuditRecord>)`; with `None` the transaction commits without an entry (it wrote
/// nothing). Evaluates to `Result<(value, Option<AuditEntry>)>`.
macro_rules! audited_if {
    ($store:expr, |$tx:ident| $body:expr) => {{
        let store: &$crate::Store = $store;
        let _turn = store.inner.audit.lock().await;
        let begin = match store.backend() {
            $crate::BackendKind::Sqlite => "BEGIN IMMEDIATE",
            $crate::BackendKind::Postgres => "BEGIN",
        };
        let mut outcome = Err($crate::StoreError::Conflict(
            "the audit log is being appended to by too many writers at once; retry".into(),
        ));
        for _ in 0..$crate::audit::APPEND_TRIES {
            let step: $crate::Result<Option<_>> = $crate::with_pool!(store, p => {
                async {
                    let mut $tx = p
                        .begin_with(begin)
                        .await
                        .map_err($crate::StoreError::db("beginning a transaction"))?;
                    let (value, record): (_, Option<aman_ops::audit::AuditRecord>) = $body;
                    let Some(mut record) = record else {
                        $tx.commit()
                            .await
                            .map_err($crate::StoreError::db("committing"))?;
                        return Ok(Some((value, None)));
                    };
                    // The entry carries the handle's context (live or its exercise).
                    record.exercise = store.exercise().map(str::to_string);
                    match $crate::audit::append_in_tx!($tx, record)? {
                        Some(entry) => {
                            $tx.commit()
                                .await
                                .map_err($crate::StoreError::db("committing"))?;
                            Ok(Some((value, Some(entry))))
                        }
                        None => Ok(None),
                    }
                }
                .await
            });
            match step {
                Ok(Some(v)) => {
                    outcome = Ok(v);
                    break;
                }
                Ok(None) => continue,
                Err(e) => {
                    outcome = Err(e);
                    break;
                }
            }
        }
        outcome
    }};
}
pub(crate) use audited_if;

impl Store {
    /// Appends `record` to the audit log as the next entry of the chain, in a transaction
    /// of its own (a write that has its own transaction appends its entry in it instead:
    /// [`audited`]); returns it.
    ///
    /// # Errors
    /// [`StoreError::Database`]; [`StoreError::Conflict`] if other writers kept taking the
    /// next number ([`APPEND_TRIES`] times).
    pub async fn append_audit(&self, record: AuditRecord) -> Result<AuditEntry> {
        let ((), entry) = audited!(self, |tx| {
            let _ = &mut tx;
            ((), record.clone())
        })?;
        Ok(entry)
    }

    /// At most `limit` audit entries after number `after`, in order (as stored: a row edited
    /// by hand is returned as it now is, for [`aman_ops::audit::verify`] to find).
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn audit_entries(&self, after: u64, limit: usize) -> Result<Vec<AuditEntry>> {
        let rows: Vec<Row> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT seq, at, actor, agency, action, object, before_json, after_json, \
                 exercise, prev_hash, hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
            )
            .bind(i64::try_from(after).unwrap_or(i64::MAX))
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(p)
            .await
            .map_err(StoreError::db("reading the audit log"))?
        });
        Ok(rows.into_iter().map(entry).collect())
    }
}
