//! Exercises and what happened during them (migration `0007_exercises.sql`).
//!
//! An exercise row holds its master events list as given, the trainer who made it and the
//! scenario clock (as JSON, so a restarted server resumes it). Its events — each inject
//! delivered, and what the players did that the records do not already say — are numbered
//! 1, 2, … in order. The records made during an exercise (readings, alerts, incidents, …)
//! are not here: they carry the exercise's id in their own tables ([`Store::in_exercise`]).

use serde::Serialize;

use aman_ops::audit::AuditRecord;

use crate::{Result, Store, StoreError, Timestamp, with_pool};

/// Most characters of an exercise's name.
pub const MAX_EXERCISE_NAME_CHARS: usize = 200;
/// Most bytes of a stored master events list.
pub const MAX_MSEL_BYTES: usize = 1 << 20;
/// Most bytes of an exercise's stored crowd feeds.
pub const MAX_FEEDS_BYTES: usize = 64 << 20;
/// Most characters of an event's detail.
pub const MAX_DETAIL_CHARS: usize = 4000;

/// An exercise as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExerciseRow {
    /// Id (`[a-z0-9-]`, [`crate::check_exercise_id`]).
    pub id: String,
    /// Venue id.
    pub venue: String,
    /// Name.
    pub name: String,
    /// The master events list as given.
    #[serde(skip)]
    pub msel: String,
    /// `toml` or `csv`.
    pub msel_format: String,
    /// The crowd injects' feeds as JSON, stored at creation ([`Store::exercise_feeds`]
    /// reads them back; not read with the row).
    #[serde(skip)]
    pub feeds_json: Option<String>,
    /// `ready`, `running`, `paused` or `ended`.
    pub state: String,
    /// The scenario clock, JSON (aman-ops `exercise::Clock`).
    #[serde(skip)]
    pub clock_json: String,
    /// When it was made.
    pub created_at: Timestamp,
    /// Who made it (`login (agency)` or `token <label>`).
    pub created_by: String,
    /// The trainer's agency; `None` for an admin token.
    pub agency: Option<String>,
    /// The trainer's language (`fr`, `ar`, `en`): the after-action report's.
    pub language: String,
    /// Changes so far (1 at creation).
    pub version: i64,
}

/// One event of an exercise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExerciseEvent {
    /// Number, from 1.
    pub n: i64,
    /// When (wall clock, UTC).
    pub at: Timestamp,
    /// Scenario time, s from the exercise's start.
    pub scenario_s: f64,
    /// `inject` (an inject delivered), `control` (start, pause, speed, skip, end), or a
    /// player's action (`acknowledged`, `opened_incident`, `tasked_unit`, `other`).
    pub kind: String,
    /// The inject's id, for an inject.
    pub inject: Option<String>,
    /// Who.
    pub actor: String,
    /// Their agency.
    pub agency: Option<String>,
    /// The record it made or concerns (`incident/inc-…`, `alert/…`), if any.
    pub object: Option<String>,
    /// What, in words.
    pub detail: String,
}

type Row = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
    String,
    Option<String>,
    String,
    i64,
);

const COLUMNS: &str = "id, venue, name, msel, msel_format, state, clock_json, created_at, \
                       created_by, agency, language, version";

fn row(r: Row) -> ExerciseRow {
    let (id, venue, name, msel, msel_format, state, clock_json, at, by, agency, language, v) = r;
    ExerciseRow {
        id,
        venue,
        name,
        msel,
        msel_format,
        feeds_json: None,
        state,
        clock_json,
        created_at: Timestamp(at),
        created_by: by,
        agency,
        language,
        version: v,
    }
}

fn check_state(state: &str) -> Result<()> {
    if matches!(state, "ready" | "running" | "paused" | "ended") {
        Ok(())
    } else {
        Err(StoreError::invalid(
            "state",
            format!("{state:?}: an exercise is ready, running, paused or ended"),
        ))
    }
}

/// Inserts an event numbered after the exercise's last, on transaction `$tx`; evaluates to
/// its number.
macro_rules! insert_event {
    ($tx:expr, $id:expr, $e:expr) => {{
        let e: &ExerciseEvent = $e;
        let last: Option<i64> =
            sqlx::query_scalar("SELECT MAX(n) FROM exercise_events WHERE exercise = $1")
                .bind($id)
                .fetch_one(&mut *$tx)
                .await
                .map_err(StoreError::db("numbering exercise events"))?;
        let n = last.unwrap_or(0) + 1;
        let detail: String = e.detail.chars().take(MAX_DETAIL_CHARS).collect();
        sqlx::query(
            "INSERT INTO exercise_events (exercise, n, at, scenario_s, kind, inject, actor, \
             agency, object, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind($id)
        .bind(n)
        .bind(e.at.0)
        .bind(e.scenario_s)
        .bind(&e.kind)
        .bind(e.inject.as_deref())
        .bind(&e.actor)
        .bind(e.agency.as_deref())
        .bind(e.object.as_deref())
        .bind(detail)
        .execute(&mut *$tx)
        .await
        .map_err(StoreError::db("appending an exercise event"))?;
        n
    }};
}

/// Runs `f` again while it fails on a taken event number: two writers numbered their events
/// at the same moment and the second insert hit the key of the first. Within one process the
/// writers take turns (the store's write mutex), so this is for writers of two processes.
/// Each try is its own transaction.
async fn retry<T, F, Fut>(mut f: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let mut last = None;
    for _ in 0..EVENT_TRIES {
        match f().await {
            Err(StoreError::Conflict(m)) => last = Some(m),
            other => return other,
        }
    }
    Err(StoreError::Conflict(last.unwrap_or_default()))
}

/// Tries of an event's insert ([`retry`]).
const EVENT_TRIES: usize = 20;

impl Store {
    /// `BEGIN IMMEDIATE` on SQLite (the write lock at once), `BEGIN` on PostgreSQL.
    fn begin_write(&self) -> &'static str {
        match self.backend() {
            crate::BackendKind::Sqlite => "BEGIN IMMEDIATE",
            crate::BackendKind::Postgres => "BEGIN",
        }
    }

    /// Stores a new exercise (state `ready`, version 1).
    ///
    /// # Errors
    /// [`StoreError::Invalid`] for a bad id, an empty or too long name, a master events list
    /// over [`MAX_MSEL_BYTES`], a format other than `toml`/`csv`; [`StoreError::Conflict`] if
    /// the id is taken; [`StoreError::Database`]. With `audit`, its entry is appended in the
    /// same transaction: if it cannot be, the exercise is not stored either.
    pub async fn create_exercise(&self, e: &ExerciseRow, audit: Option<AuditRecord>) -> Result<()> {
        crate::check_exercise_id(&e.id).map_err(|m| StoreError::invalid("id", m))?;
        let n = e.name.trim().chars().count();
        if n == 0 || n > MAX_EXERCISE_NAME_CHARS {
            return Err(StoreError::invalid(
                "name",
                format!("{n} characters: a name has 1 to {MAX_EXERCISE_NAME_CHARS}"),
            ));
        }
        if e.msel.len() > MAX_MSEL_BYTES {
            return Err(StoreError::invalid(
                "msel",
                format!("{} bytes: at most {MAX_MSEL_BYTES}", e.msel.len()),
            ));
        }
        if e.feeds_json
            .as_ref()
            .is_some_and(|f| f.len() > MAX_FEEDS_BYTES)
        {
            return Err(StoreError::invalid(
                "feeds",
                format!("more than {MAX_FEEDS_BYTES} bytes"),
            ));
        }
        if !matches!(e.msel_format.as_str(), "toml" | "csv") {
            return Err(StoreError::invalid("format", "toml or csv"));
        }
        check_state(&e.state)?;
        let sql = format!(
            "INSERT INTO exercises ({COLUMNS}, feeds_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
             $9, $10, $11, 1, $12)"
        );
        crate::audit::audited_if!(self, |tx| {
            sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .bind(&e.id)
                .bind(&e.venue)
                .bind(e.name.trim())
                .bind(&e.msel)
                .bind(&e.msel_format)
                .bind(&e.state)
                .bind(&e.clock_json)
                .bind(e.created_at.0)
                .bind(&e.created_by)
                .bind(e.agency.as_deref())
                .bind(&e.language)
                .bind(e.feeds_json.as_deref())
                .execute(&mut *tx)
                .await
                .map_err(StoreError::db(format!("storing exercise {:?}", e.id)))?;
            ((), audit.clone())
        })?;
        Ok(())
    }

    /// Exercise `id`, if it exists.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn exercise_row(&self, id: &str) -> Result<Option<ExerciseRow>> {
        let sql = format!("SELECT {COLUMNS} FROM exercises WHERE id = $1");
        let r: Option<Row> = with_pool!(self, p => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(p)
                .await
                .map_err(StoreError::db(format!("reading exercise {id:?}")))?
        });
        Ok(r.map(row))
    }

    /// The crowd feeds stored with exercise `id` (JSON), if any.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn exercise_feeds(&self, id: &str) -> Result<Option<String>> {
        let f: Option<Option<String>> = with_pool!(self, p => {
            sqlx::query_scalar("SELECT feeds_json FROM exercises WHERE id = $1")
                .bind(id)
                .fetch_optional(p)
                .await
                .map_err(StoreError::db(format!("reading the feeds of exercise {id:?}")))?
        });
        Ok(f.flatten())
    }

    /// The exercises of `venue`, newest first.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn exercise_rows(&self, venue: &str) -> Result<Vec<ExerciseRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM exercises WHERE venue = $1 ORDER BY created_at DESC, id"
        );
        let rows: Vec<Row> = with_pool!(self, p => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(venue)
                .fetch_all(p)
                .await
                .map_err(StoreError::db("listing exercises"))?
        });
        Ok(rows.into_iter().map(row).collect())
    }

    /// Stores exercise `id`'s state and clock, appends `event` to its events and `audit` to
    /// the audit log, in one transaction; returns the new version.
    ///
    /// # Errors
    /// [`StoreError::NotFound`]; [`StoreError::Invalid`] for a bad state;
    /// [`StoreError::Database`] (nothing stored).
    pub async fn set_exercise_state(
        &self,
        id: &str,
        state: &str,
        clock_json: &str,
        event: Option<&ExerciseEvent>,
        audit: Option<AuditRecord>,
    ) -> Result<i64> {
        check_state(state)?;
        retry(|| self.try_set_exercise_state(id, state, clock_json, event, audit.clone())).await
    }

    async fn try_set_exercise_state(
        &self,
        id: &str,
        state: &str,
        clock_json: &str,
        event: Option<&ExerciseEvent>,
        audit: Option<AuditRecord>,
    ) -> Result<i64> {
        // (SQLite: `BEGIN IMMEDIATE` takes the write lock first, so reading the last event
        // number and writing the next never fails on a lock upgrade.)
        let (v, _) = crate::audit::audited_if!(self, |tx| {
            let v: Option<i64> = sqlx::query_scalar(
                "UPDATE exercises SET state = $2, clock_json = $3, version = version + 1 \
                 WHERE id = $1 RETURNING version",
            )
            .bind(id)
            .bind(state)
            .bind(clock_json)
            .fetch_optional(&mut *tx)
            .await
            .map_err(StoreError::db(format!("updating exercise {id:?}")))?;
            let Some(v) = v else {
                return Err(StoreError::not_found(format!("exercise {id:?}")));
            };
            if let Some(e) = event {
                insert_event!(tx, id, e);
            }
            (v, audit.clone())
        })?;
        Ok(v)
    }

    /// Appends `event` to exercise `id`'s events (its `n` is assigned); returns its number.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] if there is no such exercise; [`StoreError::Database`].
    pub async fn append_exercise_event(&self, id: &str, event: &ExerciseEvent) -> Result<i64> {
        if self.exercise_row(id).await?.is_none() {
            return Err(StoreError::not_found(format!("exercise {id:?}")));
        }
        let _turn = self.inner.audit.lock().await;
        retry(|| self.try_append_exercise_event(id, event)).await
    }

    async fn try_append_exercise_event(&self, id: &str, event: &ExerciseEvent) -> Result<i64> {
        with_pool!(self, p => {
            // SQLite: take the write lock first, so reading the last number and writing the next
            // never fails on a lock upgrade while the readings log is being written.
            let mut tx = p
                .begin_with(self.begin_write())
                .await
                .map_err(StoreError::db("beginning a transaction"))?;
            let n = insert_event!(tx, id, event);
            tx.commit().await.map_err(StoreError::db("committing"))?;
            Ok(n)
        })
    }

    /// The events of exercise `id`, in order.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn exercise_events(&self, id: &str) -> Result<Vec<ExerciseEvent>> {
        type EvRow = (
            i64,
            i64,
            f64,
            String,
            Option<String>,
            String,
            Option<String>,
            Option<String>,
            String,
        );
        let rows: Vec<EvRow> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT n, at, scenario_s, kind, inject, actor, agency, object, detail \
                 FROM exercise_events WHERE exercise = $1 ORDER BY n",
            )
            .bind(id)
            .fetch_all(p)
            .await
            .map_err(StoreError::db(format!("reading the events of exercise {id:?}")))?
        });
        Ok(rows
            .into_iter()
            .map(
                |(n, at, scenario_s, kind, inject, actor, agency, object, detail)| ExerciseEvent {
                    n,
                    at: Timestamp(at),
                    scenario_s,
                    kind,
                    inject,
                    actor,
                    agency,
                    object,
                    detail,
                },
            )
            .collect())
    }
}
