//! Joint operations: incidents (with their timeline), units (with their activity log, the
//! rows of an ICS-214) and tasks, each owned by an agency and shared with the joint command
//! or restricted to its agency ([`aman_ops::access::sees`]).
//!
//! - **Visibility is filtered in SQL** (`visible_sql`): a restricted record of another
//!   agency is never read, so it is absent from every list and count, and a lookup of it
//!   finds nothing, exactly like an id that does not exist.
//! - **Optimistic locking**: each record has a `version`; an update names the version it
//!   read, and if another update came first nothing is changed and
//!   [`StoreError::Conflict`] names who changed it and when.
//! - **Audited in the same transaction**: every write appends its audit entry
//!   (`incident.create`, `incident.update`, …, before and after as JSON) inside its own
//!   transaction ([`crate::audit`]'s `audited!`), so a write that fails leaves neither the
//!   record nor its entry.
//! - **One context per handle**: every query selects the store handle's context (`exercise
//!   IS NULL` live, `exercise = id` in an exercise: [`Store::in_exercise`]) and every insert
//!   carries it, so exercise and live records never mix.

use aman_ops::access::{Viewer, Visibility, sees};
use aman_ops::audit::AuditRecord;
use aman_ops::incident::{IncidentFields, Status, transition_allowed};
use aman_ops::unit::{TaskState, UnitFields, UnitStatus, task_transition_allowed};
use serde::Serialize;
use serde_json::Value;

use crate::audit::audited;
use crate::changes::Change;
use crate::{Result, Store, StoreError, Timestamp};

/// Who writes, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// `login (agency)` for a person, `token <label>` for a token.
    pub label: String,
    /// The person's agency; `None` for the whole server (an admin token).
    pub agency: Option<String>,
    /// When.
    pub at: Timestamp,
}

impl Actor {
    /// Whose records the actor sees.
    pub fn viewer(&self) -> Viewer<'_> {
        match &self.agency {
            Some(a) => Viewer::Agency(a),
            None => Viewer::Server,
        }
    }

    fn record(
        &self,
        action: &str,
        object: String,
        before: Option<Value>,
        after: Option<Value>,
    ) -> AuditRecord {
        AuditRecord {
            at: self.at,
            actor: self.label.clone(),
            agency: self.agency.clone(),
            action: action.into(),
            object,
            before: before.map(|v| v.to_string()),
            after: after.map(|v| v.to_string()),
            exercise: None,
        }
    }
}

/// What every record carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Meta {
    /// Id (`inc-…`, `unit-…`, `task-…`, random).
    pub id: String,
    /// Owning agency.
    pub agency: String,
    /// Shared or restricted.
    pub visibility: Visibility,
    /// Optimistic lock: 1 at creation, +1 at each change.
    pub version: i64,
    /// Created (UTC).
    pub created_at: Timestamp,
    /// By whom.
    pub created_by: String,
    /// Last changed (UTC).
    pub updated_at: Timestamp,
    /// By whom.
    pub updated_by: String,
}

/// An incident as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Incident {
    /// Id, owner, visibility, version, times.
    #[serde(flatten)]
    pub meta: Meta,
    /// Status.
    pub status: Status,
    /// The alert it was raised from, if any.
    pub alert_id: Option<String>,
    /// M/ETHANE and briefing fields.
    #[serde(flatten)]
    pub fields: IncidentFields,
}

/// A unit as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unit {
    /// Id, owner, visibility, version, times.
    #[serde(flatten)]
    pub meta: Meta,
    /// Call sign, kind, status, position, leader, resources.
    #[serde(flatten)]
    pub fields: UnitFields,
}

/// One change of a task's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct TaskTime {
    /// The state entered.
    pub state: TaskState,
    /// When (UTC).
    pub at: Timestamp,
    /// By whom.
    pub by: String,
}

/// A task as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Task {
    /// Id, owner, visibility, version, times.
    #[serde(flatten)]
    pub meta: Meta,
    /// The incident.
    pub incident_id: String,
    /// The unit.
    pub unit_id: String,
    /// State.
    pub state: TaskState,
    /// What to do.
    pub note: String,
    /// Every state entered, in order.
    pub times: Vec<TaskTime>,
}

/// An entry of an incident's timeline or of a unit's activity log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    /// Number, 1, 2, … per record.
    pub n: i64,
    /// When (UTC).
    pub at: Timestamp,
    /// Who.
    pub actor: String,
    /// What happened, in words (a unit's "notable activity").
    pub what: String,
    /// The record before (JSON), if it existed.
    pub before: Option<Value>,
    /// The record after (JSON).
    pub after: Option<Value>,
}

/// Most characters of a task's note.
pub const MAX_TASK_NOTE_CHARS: usize = aman_ops::unit::MAX_NOTE_CHARS;

fn random_id(prefix: &str) -> Result<String> {
    let mut buf = [0u8; 8];
    getrandom::fill(&mut buf).map_err(|e| StoreError::Random(e.to_string()))?;
    Ok(format!(
        "{prefix}-{}",
        buf.iter().map(|b| format!("{b:02x}")).collect::<String>()
    ))
}

fn to_json<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn viewer_agency<'a>(v: Viewer<'a>) -> Option<&'a str> {
    match v {
        Viewer::Server => None,
        Viewer::Agency(a) => Some(a),
    }
}

fn visibility(s: &str) -> Result<Visibility> {
    Visibility::parse(s).ok_or_else(|| StoreError::Corrupt(format!("visibility {s:?}")))
}

fn parse_json<T: serde::de::DeserializeOwned>(what: &str, s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

fn stale(kind: &str, id: &str, meta: &Meta, given: i64) -> StoreError {
    StoreError::Conflict(format!(
        "{kind} {id} was changed by {} at {} (now version {}); your change was made on version \
         {given} and was not saved: reload it and make your change again",
        meta.updated_by, meta.updated_at, meta.version
    ))
}

/// `$1`-style visibility filter: the viewer's agency bound at `$n` (NULL for the server).
impl Store {
    /// The records of this handle's context (live or its exercise) that the viewer bound as
    /// parameter `$n` (`NULL`: the whole server) sees.
    fn visible_sql(&self, n: usize) -> String {
        format!(
            "{} AND (${n} IS NULL OR agency = ${n} OR visibility = 'shared')",
            self.ctx_sql("")
        )
    }
}

type MetaRow = (String, String, String, i64, i64, String, i64, String);

fn meta(r: MetaRow) -> Result<Meta> {
    let (id, agency, vis, version, created_at, created_by, updated_at, updated_by) = r;
    Ok(Meta {
        id,
        agency,
        visibility: visibility(&vis)?,
        version,
        created_at: Timestamp(created_at),
        created_by,
        updated_at: Timestamp(updated_at),
        updated_by,
    })
}

const META_COLS: &str =
    "id, agency, visibility, version, created_at, created_by, updated_at, updated_by";

fn incident_of(r: FullIncidentRow) -> Result<Incident> {
    let (a, b, c, d, e, f, g, h, status, fields, alert_id) = r;
    Ok(Incident {
        meta: meta((a, b, c, d, e, f, g, h))?,
        status: Status::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("incident status {status:?}")))?,
        alert_id,
        fields: parse_json("incident fields", &fields)?,
    })
}

type FullIncidentRow = (
    String,
    String,
    String,
    i64,
    i64,
    String,
    i64,
    String,
    String,
    String,
    Option<String>,
);
type FullUnitRow = (
    String,
    String,
    String,
    i64,
    i64,
    String,
    i64,
    String,
    String,
);
type FullTaskRow = (
    String,
    String,
    String,
    i64,
    i64,
    String,
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
);

fn unit_of(r: FullUnitRow) -> Result<Unit> {
    let (a, b, c, d, e, f, g, h, fields) = r;
    Ok(Unit {
        meta: meta((a, b, c, d, e, f, g, h))?,
        fields: parse_json("unit fields", &fields)?,
    })
}

fn task_of(r: FullTaskRow) -> Result<Task> {
    let (a, b, c, d, e, f, g, h, incident_id, unit_id, state, note, times) = r;
    let state: TaskState = parse_json("task state", &format!("\"{state}\""))?;
    Ok(Task {
        meta: meta((a, b, c, d, e, f, g, h))?,
        incident_id,
        unit_id,
        state,
        note,
        times: parse_json("task times", &times)?,
    })
}

fn incident_sql(filter: &str) -> String {
    format!("SELECT {META_COLS}, status, fields_json, alert_id FROM incidents WHERE {filter}")
}
fn unit_sql(filter: &str) -> String {
    format!("SELECT {META_COLS}, fields_json FROM units WHERE {filter}")
}
fn task_sql(filter: &str) -> String {
    format!(
        "SELECT {META_COLS}, incident_id, unit_id, state, note, times_json FROM tasks WHERE \
         {filter}"
    )
}

/// Fetches one row of `$sql` (binding `$id` and the viewer's agency) on `$tx`, mapped by
/// `$of`; `Option<T>`.
macro_rules! fetch_one {
    ($tx:expr, $row:ty, $sql:expr, $id:expr, $agency:expr, $of:expr, $what:expr) => {{
        let row: Option<$row> = sqlx::query_as(sqlx::AssertSqlSafe($sql))
            .bind($id)
            .bind($agency)
            .fetch_optional(&mut *$tx)
            .await
            .map_err(StoreError::db($what))?;
        row.map($of).transpose()?
    }};
}

/// Appends an event (timeline or activity log) numbered after the last of the record.
macro_rules! add_event {
    ($tx:expr, $exercise:expr, $table:literal, $key:literal, $col:literal, $id:expr, $actor:expr, $what:expr, $only:expr, $before:expr, $after:expr) => {{
        let last: Option<i64> = sqlx::query_scalar(concat!(
            "SELECT MAX(n) FROM ",
            $table,
            " WHERE ",
            $key,
            " = $1"
        ))
        .bind($id)
        .fetch_one(&mut *$tx)
        .await
        .map_err(StoreError::db(concat!("numbering ", $table)))?;
        sqlx::query(concat!(
            "INSERT INTO ",
            $table,
            " (",
            $key,
            ", n, at, actor, ",
            $col,
            ", only_agency, before_json, after_json, exercise) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        ))
        .bind($id)
        .bind(last.unwrap_or(0) + 1)
        .bind($actor.at.0)
        .bind(&$actor.label)
        .bind($what)
        .bind($only)
        .bind($before.map(|v: Value| v.to_string()))
        .bind($after.map(|v: Value| v.to_string()))
        .bind($exercise)
        .execute(&mut *$tx)
        .await
        .map_err(StoreError::db(concat!("appending to ", $table)))?;
    }};
}

fn not_found(kind: &str, id: &str) -> StoreError {
    StoreError::not_found(format!("{kind} {id:?}"))
}

impl Store {
    // ----- incidents -----

    /// Creates an incident of `agency` (the actor's, or any for the server) with
    /// `visibility`, status `reported`, optionally raised from alert `alert_id`.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] if a field does not fit; [`StoreError::NotFound`] for an
    /// unknown alert; [`StoreError::Database`].
    pub async fn create_incident(
        &self,
        actor: &Actor,
        agency: &str,
        visibility: Visibility,
        fields: &IncidentFields,
        alert_id: Option<&str>,
    ) -> Result<Incident> {
        fields
            .check()
            .map_err(|e| StoreError::invalid(&e.field, e.message))?;
        let id = random_id("inc")?;
        let inc = Incident {
            meta: Meta {
                id: id.clone(),
                agency: agency.into(),
                visibility,
                version: 1,
                created_at: actor.at,
                created_by: actor.label.clone(),
                updated_at: actor.at,
                updated_by: actor.label.clone(),
            },
            status: Status::Reported,
            alert_id: alert_id.map(str::to_string),
            fields: fields.clone(),
        };
        let fields_json = serde_json::to_string(fields).unwrap_or_default();
        let after = to_json(&inc);
        let (inc, _) = audited!(self, |tx| {
            if let Some(a) = alert_id {
                // The alert must be of this context: an exercise's incident comes from its
                // alerts, a live one from live alerts.
                let alert_sql = format!(
                    "SELECT id FROM alerts WHERE id = $1 AND {}",
                    self.ctx_sql("")
                );
                let found: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(alert_sql))
                    .bind(a)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(StoreError::db("reading the alert"))?;
                if found.is_none() {
                    return Err(not_found("alert", a));
                }
            }
            sqlx::query(
                "INSERT INTO incidents (id, agency, visibility, status, fields_json, alert_id, \
                 version, created_at, created_by, updated_at, updated_by, exercise) \
                 VALUES ($1, $2, $3, 'reported', $4, $5, 1, $6, $7, $6, $7, $8)",
            )
            .bind(&id)
            .bind(agency)
            .bind(visibility.name())
            .bind(&fields_json)
            .bind(alert_id)
            .bind(actor.at.0)
            .bind(&actor.label)
            .bind(self.exercise())
            .execute(&mut *tx)
            .await
            .map_err(StoreError::db("storing the incident"))?;
            let what = match alert_id {
                Some(a) => format!("raised from alert {a}"),
                None => "reported".to_string(),
            };
            add_event!(
                tx,
                self.exercise(),
                "incident_events",
                "incident_id",
                "what",
                &id,
                actor,
                what,
                None::<&str>,
                None::<Value>,
                Some(after.clone())
            );
            let rec = actor.record(
                if alert_id.is_some() {
                    "incident.raise_from_alert"
                } else {
                    "incident.create"
                },
                format!("incident/{id}"),
                None,
                Some(after.clone()),
            );
            (inc.clone(), rec)
        })?;
        self.publish(Change::Incident(Box::new(inc.clone())));
        Ok(inc)
    }

    /// The incident `id` if `viewer` sees it (a restricted incident of another agency is
    /// `None`, as an unknown id).
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::Corrupt`].
    pub async fn incident(&self, id: &str, viewer: Viewer<'_>) -> Result<Option<Incident>> {
        let sql = incident_sql(&format!("id = $1 AND {}", self.visible_sql(2)));
        let row: Option<FullIncidentRow> = crate::with_pool!(self, p => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .bind(viewer_agency(viewer))
                .fetch_optional(p)
                .await
                .map_err(StoreError::db("reading an incident"))?
        });
        row.map(incident_of).transpose()
    }

    /// The incidents `viewer` sees, newest first, at most `limit`, and how many it sees in
    /// all (both filtered in SQL).
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::Corrupt`].
    pub async fn incidents(
        &self,
        viewer: Viewer<'_>,
        limit: usize,
    ) -> Result<(Vec<Incident>, u64)> {
        let filter = self.visible_sql(1);
        let sql = incident_sql(&format!("{filter} ORDER BY created_at DESC, id LIMIT $2"));
        let count_sql = format!("SELECT COUNT(*) FROM incidents WHERE {filter}");
        let agency = viewer_agency(viewer);
        let (rows, n): (Vec<FullIncidentRow>, i64) = crate::with_pool!(self, p => {
            let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(agency)
                .bind(i64::try_from(limit).unwrap_or(i64::MAX))
                .fetch_all(p)
                .await
                .map_err(StoreError::db("listing incidents"))?;
            let n = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql))
                .bind(agency)
                .fetch_one(p)
                .await
                .map_err(StoreError::db("counting incidents"))?;
            (rows, n)
        });
        let list = rows
            .into_iter()
            .map(incident_of)
            .collect::<Result<Vec<_>>>()?;
        Ok((list, u64::try_from(n).unwrap_or(0)))
    }

    /// The timeline of incident `id` (which the caller has checked `viewer` sees), without
    /// the lines about a restricted task of another agency.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn incident_events(&self, id: &str, viewer: Viewer<'_>) -> Result<Vec<Event>> {
        self.events(
            format!(
                "SELECT n, at, actor, what, before_json, after_json FROM incident_events \
                 WHERE incident_id = $1 AND {} \
                 AND ($2 IS NULL OR only_agency IS NULL OR only_agency = $2) ORDER BY n",
                self.ctx_sql("")
            ),
            id,
            viewer,
        )
        .await
    }

    /// The activity log of unit `id` (which the caller has checked `viewer` sees), in order,
    /// without the lines about a restricted task of another agency.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn unit_events(&self, id: &str, viewer: Viewer<'_>) -> Result<Vec<Event>> {
        self.events(
            format!(
                "SELECT n, at, actor, activity, before_json, after_json FROM unit_events \
                 WHERE unit_id = $1 AND {} \
                 AND ($2 IS NULL OR only_agency IS NULL OR only_agency = $2) ORDER BY n",
                self.ctx_sql("")
            ),
            id,
            viewer,
        )
        .await
    }

    async fn events(&self, sql: String, id: &str, viewer: Viewer<'_>) -> Result<Vec<Event>> {
        type Row = (i64, i64, String, String, Option<String>, Option<String>);
        let rows: Vec<Row> = crate::with_pool!(self, p => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(id)
                .bind(viewer_agency(viewer))
                .fetch_all(p)
                .await
                .map_err(StoreError::db("reading events"))?
        });
        Ok(rows
            .into_iter()
            .map(|(n, at, actor, what, b, a)| Event {
                n,
                at: Timestamp(at),
                actor,
                what,
                before: b.and_then(|s| serde_json::from_str(&s).ok()),
                after: a.and_then(|s| serde_json::from_str(&s).ok()),
            })
            .collect())
    }

    /// Changes incident `id`'s fields if it is still at `version` and `actor` sees it.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] (unknown or not visible), [`StoreError::Conflict`] (another
    /// change came first: it names who and when; nothing is changed),
    /// [`StoreError::Invalid`], [`StoreError::Database`].
    pub async fn update_incident(
        &self,
        actor: &Actor,
        id: &str,
        version: i64,
        fields: &IncidentFields,
    ) -> Result<Incident> {
        fields
            .check()
            .map_err(|e| StoreError::invalid(&e.field, e.message))?;
        self.change_incident(actor, id, Some(version), "incident.update", |inc| {
            let mut next = inc.clone();
            next.fields = fields.clone();
            Ok((next, "fields changed".to_string()))
        })
        .await
    }

    /// Moves incident `id` to `status` (at `version`, if given).
    ///
    /// # Errors
    /// As [`Store::update_incident`]; [`StoreError::Invalid`] on `status` for a transition
    /// [`transition_allowed`] refuses.
    pub async fn set_incident_status(
        &self,
        actor: &Actor,
        id: &str,
        version: Option<i64>,
        status: Status,
    ) -> Result<Incident> {
        self.change_incident(actor, id, version, "incident.status", |inc| {
            if !transition_allowed(inc.status, status) {
                return Err(StoreError::invalid(
                    "status",
                    format!(
                        "an incident cannot go from {} to {} (reported → confirmed → \
                         responding → contained → closed, forward only, contained may go \
                         back to responding, closed is final)",
                        inc.status.name(),
                        status.name()
                    ),
                ));
            }
            let mut next = inc.clone();
            next.status = status;
            Ok((
                next,
                format!("status {} → {}", inc.status.name(), status.name()),
            ))
        })
        .await
    }

    /// Shares incident `id` with the joint command. Only the owning agency may (or the
    /// server); to another agency a restricted incident does not exist.
    ///
    /// # Errors
    /// [`StoreError::NotFound`]; [`StoreError::Conflict`] if the actor's agency does not own
    /// it (a shared incident of another agency) or it is already shared.
    pub async fn share_incident(&self, actor: &Actor, id: &str) -> Result<Incident> {
        self.change_incident(actor, id, None, "incident.share", |inc| {
            if let Some(a) = &actor.agency
                && a != &inc.meta.agency
            {
                return Err(StoreError::Conflict(format!(
                    "incident {id} belongs to {}: only its own agency's commander shares it",
                    inc.meta.agency
                )));
            }
            if inc.meta.visibility == Visibility::Shared {
                return Err(StoreError::Conflict(format!(
                    "incident {id} is already shared with the joint command"
                )));
            }
            let mut next = inc.clone();
            next.meta.visibility = Visibility::Shared;
            Ok((next, "shared with the joint command".to_string()))
        })
        .await
    }

    /// The common path of incident changes: in one audited transaction, read the incident as
    /// `actor` sees it, check the version, apply `change` (the new incident and the words
    /// of the timeline), write it with version + 1, add the timeline event.
    async fn change_incident<F>(
        &self,
        actor: &Actor,
        id: &str,
        version: Option<i64>,
        action: &str,
        change: F,
    ) -> Result<Incident>
    where
        F: Fn(&Incident) -> Result<(Incident, String)>,
    {
        let sql = incident_sql(&format!("id = $1 AND {}", self.visible_sql(2)));
        let agency = viewer_agency(actor.viewer());
        let (inc, _) = audited!(self, |tx| {
            let cur: Option<Incident> = fetch_one!(
                tx,
                FullIncidentRow,
                sql.clone(),
                id,
                agency,
                incident_of,
                "reading an incident"
            );
            let cur = cur.ok_or_else(|| not_found("incident", id))?;
            if let Some(v) = version
                && v != cur.meta.version
            {
                return Err(stale("incident", id, &cur.meta, v));
            }
            let (mut next, what) = change(&cur)?;
            next.meta.version = cur.meta.version + 1;
            next.meta.updated_at = actor.at;
            next.meta.updated_by = actor.label.clone();
            let n = sqlx::query(
                "UPDATE incidents SET visibility = $1, status = $2, fields_json = $3, \
                 version = $4, updated_at = $5, updated_by = $6 WHERE id = $7 AND version = $8",
            )
            .bind(next.meta.visibility.name())
            .bind(next.status.name())
            .bind(serde_json::to_string(&next.fields).unwrap_or_default())
            .bind(next.meta.version)
            .bind(actor.at.0)
            .bind(&actor.label)
            .bind(id)
            .bind(cur.meta.version)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::db("updating the incident"))?
            .rows_affected();
            if n != 1 {
                return Err(StoreError::Conflict(format!(
                    "incident {id} changed while being updated; reload it"
                )));
            }
            let (before, after) = (to_json(&cur), to_json(&next));
            add_event!(
                tx,
                self.exercise(),
                "incident_events",
                "incident_id",
                "what",
                id,
                actor,
                what,
                None::<&str>,
                Some(before.clone()),
                Some(after.clone())
            );
            let rec = actor.record(action, format!("incident/{id}"), Some(before), Some(after));
            (next, rec)
        })?;
        self.publish(Change::Incident(Box::new(inc.clone())));
        Ok(inc)
    }

    // ----- units -----

    /// Creates a unit of `agency` with `visibility`.
    ///
    /// # Errors
    /// [`StoreError::Invalid`], [`StoreError::Database`].
    pub async fn create_unit(
        &self,
        actor: &Actor,
        agency: &str,
        visibility: Visibility,
        fields: &UnitFields,
    ) -> Result<Unit> {
        fields
            .check()
            .map_err(|e| StoreError::invalid(&e.field, e.message))?;
        let id = random_id("unit")?;
        let unit = Unit {
            meta: Meta {
                id: id.clone(),
                agency: agency.into(),
                visibility,
                version: 1,
                created_at: actor.at,
                created_by: actor.label.clone(),
                updated_at: actor.at,
                updated_by: actor.label.clone(),
            },
            fields: fields.clone(),
        };
        let after = to_json(&unit);
        let (unit, _) = audited!(self, |tx| {
            sqlx::query(
                "INSERT INTO units (id, agency, visibility, call_sign, status, fields_json, \
                 version, created_at, created_by, updated_at, updated_by, exercise) \
                 VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $7, $8, $9)",
            )
            .bind(&id)
            .bind(agency)
            .bind(visibility.name())
            .bind(&fields.call_sign)
            .bind(fields.status.name())
            .bind(serde_json::to_string(fields).unwrap_or_default())
            .bind(actor.at.0)
            .bind(&actor.label)
            .bind(self.exercise())
            .execute(&mut *tx)
            .await
            .map_err(StoreError::db("storing the unit"))?;
            let what = format!(
                "Unit {} created, {}",
                fields.call_sign,
                fields.status.name()
            );
            add_event!(
                tx,
                self.exercise(),
                "unit_events",
                "unit_id",
                "activity",
                &id,
                actor,
                what,
                None::<&str>,
                None::<Value>,
                Some(after.clone())
            );
            (
                unit.clone(),
                actor.record(
                    "unit.create",
                    format!("unit/{id}"),
                    None,
                    Some(after.clone()),
                ),
            )
        })?;
        self.publish(Change::Unit(unit.clone()));
        Ok(unit)
    }

    /// The unit `id` if `viewer` sees it.
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::Corrupt`].
    pub async fn unit(&self, id: &str, viewer: Viewer<'_>) -> Result<Option<Unit>> {
        let sql = unit_sql(&format!("id = $1 AND {}", self.visible_sql(2)));
        let row: Option<FullUnitRow> = crate::with_pool!(self, p => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .bind(viewer_agency(viewer))
                .fetch_optional(p)
                .await
                .map_err(StoreError::db("reading a unit"))?
        });
        row.map(unit_of).transpose()
    }

    /// The units `viewer` sees, by agency and call sign, at most `limit`, and their count.
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::Corrupt`].
    pub async fn units(&self, viewer: Viewer<'_>, limit: usize) -> Result<(Vec<Unit>, u64)> {
        let filter = self.visible_sql(1);
        let sql = unit_sql(&format!("{filter} ORDER BY agency, call_sign, id LIMIT $2"));
        let count_sql = format!("SELECT COUNT(*) FROM units WHERE {filter}");
        let agency = viewer_agency(viewer);
        let (rows, n): (Vec<FullUnitRow>, i64) = crate::with_pool!(self, p => {
            let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(agency)
                .bind(i64::try_from(limit).unwrap_or(i64::MAX))
                .fetch_all(p)
                .await
                .map_err(StoreError::db("listing units"))?;
            let n = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql))
                .bind(agency)
                .fetch_one(p)
                .await
                .map_err(StoreError::db("counting units"))?;
            (rows, n)
        });
        let list = rows.into_iter().map(unit_of).collect::<Result<Vec<_>>>()?;
        Ok((list, u64::try_from(n).unwrap_or(0)))
    }

    /// Changes unit `id` (at `version`) to `fields`; each changed status or position enters
    /// its activity log.
    ///
    /// # Errors
    /// As [`Store::update_incident`].
    pub async fn update_unit(
        &self,
        actor: &Actor,
        id: &str,
        version: i64,
        fields: &UnitFields,
    ) -> Result<Unit> {
        fields
            .check()
            .map_err(|e| StoreError::invalid(&e.field, e.message))?;
        let sql = unit_sql(&format!("id = $1 AND {}", self.visible_sql(2)));
        let agency = viewer_agency(actor.viewer());
        let (unit, _) = audited!(self, |tx| {
            let cur: Option<Unit> = fetch_one!(
                tx,
                FullUnitRow,
                sql.clone(),
                id,
                agency,
                unit_of,
                "reading a unit"
            );
            let cur = cur.ok_or_else(|| not_found("unit", id))?;
            if version != cur.meta.version {
                return Err(stale("unit", id, &cur.meta, version));
            }
            let mut next = cur.clone();
            next.fields = fields.clone();
            write_unit!(tx, next, cur, actor);
            let what = unit_change_words(&cur.fields, fields);
            let (before, after) = (to_json(&cur), to_json(&next));
            add_event!(
                tx,
                self.exercise(),
                "unit_events",
                "unit_id",
                "activity",
                id,
                actor,
                what,
                None::<&str>,
                Some(before.clone()),
                Some(after.clone())
            );
            let rec = actor.record(
                "unit.update",
                format!("unit/{id}"),
                Some(before),
                Some(after),
            );
            (next, rec)
        })?;
        self.publish(Change::Unit(unit.clone()));
        Ok(unit)
    }

    // ----- tasks -----

    /// Gives unit `unit_id` a task on incident `incident_id`. Both must be visible to
    /// `actor`; a unit of another agency than the incident's is tasked only on a shared
    /// incident (the task is then shared, so the unit's agency sees it); the task is
    /// restricted only when the incident is restricted. The unit's status becomes
    /// `assigned`; the unit's activity log and the incident's timeline get a line each.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for an incident or unit not seen; [`StoreError::Conflict`]
    /// for a closed incident or a restricted incident and another agency's unit;
    /// [`StoreError::Invalid`] on `note`; [`StoreError::Database`].
    pub async fn create_task(
        &self,
        actor: &Actor,
        incident_id: &str,
        unit_id: &str,
        note: &str,
    ) -> Result<Task> {
        aman_ops::record::check_text("note", note, 0, MAX_TASK_NOTE_CHARS, true)
            .map_err(|e| StoreError::invalid(&e.field, e.message))?;
        let agency = viewer_agency(actor.viewer());
        let isql = incident_sql(&format!("id = $1 AND {}", self.visible_sql(2)));
        let usql = unit_sql(&format!("id = $1 AND {}", self.visible_sql(2)));
        let id = random_id("task")?;
        let ((task, unit), _) = audited!(self, |tx| {
            let inc: Option<Incident> = fetch_one!(
                tx,
                FullIncidentRow,
                isql.clone(),
                incident_id,
                agency,
                incident_of,
                "reading an incident"
            );
            let inc = inc.ok_or_else(|| not_found("incident", incident_id))?;
            let unit: Option<Unit> = fetch_one!(
                tx,
                FullUnitRow,
                usql.clone(),
                unit_id,
                agency,
                unit_of,
                "reading a unit"
            );
            let unit = unit.ok_or_else(|| not_found("unit", unit_id))?;
            if inc.status == Status::Closed {
                return Err(StoreError::Conflict(format!(
                    "incident {incident_id} is closed: no new tasks"
                )));
            }
            if inc.meta.visibility == Visibility::Restricted && unit.meta.agency != inc.meta.agency
            {
                return Err(StoreError::Conflict(format!(
                    "incident {incident_id} is restricted to its agency: a unit of {} can be \
                     tasked on it once its commander shares it",
                    unit.meta.agency
                )));
            }
            // A task is restricted when the incident or the unit is, and then belongs to the
            // agency of the restricted one (a restricted incident is tasked only its own
            // agency's units, above); a shared task belongs to the tasking agency.
            let (owner, vis) = if unit.meta.visibility == Visibility::Restricted {
                (unit.meta.agency.clone(), Visibility::Restricted)
            } else if inc.meta.visibility == Visibility::Restricted {
                (inc.meta.agency.clone(), Visibility::Restricted)
            } else {
                (
                    actor
                        .agency
                        .clone()
                        .unwrap_or_else(|| inc.meta.agency.clone()),
                    Visibility::Shared,
                )
            };
            // Lines about a restricted task in the unit's log and the incident's timeline
            // are seen by the task's agency only.
            let only = (vis == Visibility::Restricted).then_some(owner.clone());
            let times = vec![TaskTime {
                state: TaskState::Assigned,
                at: actor.at,
                by: actor.label.clone(),
            }];
            let task = Task {
                meta: Meta {
                    id: id.clone(),
                    agency: owner.clone(),
                    visibility: vis,
                    version: 1,
                    created_at: actor.at,
                    created_by: actor.label.clone(),
                    updated_at: actor.at,
                    updated_by: actor.label.clone(),
                },
                incident_id: incident_id.into(),
                unit_id: unit_id.into(),
                state: TaskState::Assigned,
                note: note.into(),
                times,
            };
            sqlx::query(
                "INSERT INTO tasks (id, incident_id, unit_id, agency, visibility, state, note, \
                 times_json, version, created_at, created_by, updated_at, updated_by, exercise) \
                 VALUES ($1, $2, $3, $4, $5, 'assigned', $6, $7, 1, $8, $9, $8, $9, $10)",
            )
            .bind(&id)
            .bind(incident_id)
            .bind(unit_id)
            .bind(&owner)
            .bind(vis.name())
            .bind(note)
            .bind(serde_json::to_string(&task.times).unwrap_or_default())
            .bind(actor.at.0)
            .bind(&actor.label)
            .bind(self.exercise())
            .execute(&mut *tx)
            .await
            .map_err(StoreError::db("storing the task"))?;
            let mut next_unit = unit.clone();
            next_unit.fields.status = UnitStatus::Assigned;
            write_unit!(tx, next_unit, unit, actor);
            let after = to_json(&task);
            let words = format!(
                "Task {id} on incident {incident_id} ({}): assigned{}",
                inc.fields.title,
                if note.is_empty() {
                    String::new()
                } else {
                    format!(" — {note}")
                }
            );
            add_event!(
                tx,
                self.exercise(),
                "unit_events",
                "unit_id",
                "activity",
                unit_id,
                actor,
                words.clone(),
                only.as_deref(),
                None::<Value>,
                Some(after.clone())
            );
            let iwords = format!(
                "unit {} ({}) tasked: {id}",
                unit.fields.call_sign, unit.meta.agency
            );
            add_event!(
                tx,
                self.exercise(),
                "incident_events",
                "incident_id",
                "what",
                incident_id,
                actor,
                iwords,
                only.as_deref(),
                None::<Value>,
                Some(after.clone())
            );
            (
                (task.clone(), next_unit),
                actor.record("task.create", format!("task/{id}"), None, Some(after)),
            )
        })?;
        self.publish(Change::Task(task.clone()));
        self.publish(Change::Unit(unit));
        Ok(task)
    }

    /// The task `id` if `viewer` sees it.
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::Corrupt`].
    pub async fn task(&self, id: &str, viewer: Viewer<'_>) -> Result<Option<Task>> {
        let sql = task_sql(&format!("id = $1 AND {}", self.visible_sql(2)));
        let row: Option<FullTaskRow> = crate::with_pool!(self, p => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .bind(viewer_agency(viewer))
                .fetch_optional(p)
                .await
                .map_err(StoreError::db("reading a task"))?
        });
        row.map(task_of).transpose()
    }

    /// The tasks `viewer` sees on incident `incident_id`, or of unit `unit_id` (exactly one
    /// of the two is `Some`), oldest first.
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::Corrupt`].
    pub async fn tasks_of(
        &self,
        incident_id: Option<&str>,
        unit_id: Option<&str>,
        viewer: Viewer<'_>,
    ) -> Result<Vec<Task>> {
        let (col, key) = match (incident_id, unit_id) {
            (Some(i), _) => ("incident_id", i),
            (None, Some(u)) => ("unit_id", u),
            (None, None) => return Ok(Vec::new()),
        };
        let sql = task_sql(&format!(
            "{col} = $1 AND {} ORDER BY created_at, id",
            self.visible_sql(2)
        ));
        let rows: Vec<FullTaskRow> = crate::with_pool!(self, p => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(key)
                .bind(viewer_agency(viewer))
                .fetch_all(p)
                .await
                .map_err(StoreError::db("listing tasks"))?
        });
        rows.into_iter().map(task_of).collect()
    }

    /// Moves task `id` (at `version`) to `state` ([`task_transition_allowed`]); the unit's
    /// status follows ([`TaskState::unit_status`]) and the unit's activity log gets a line.
    ///
    /// # Errors
    /// [`StoreError::NotFound`], [`StoreError::Conflict`] (stale version),
    /// [`StoreError::Invalid`] on `state` for a refused transition, [`StoreError::Database`].
    pub async fn update_task(
        &self,
        actor: &Actor,
        id: &str,
        version: i64,
        state: TaskState,
    ) -> Result<Task> {
        let agency = viewer_agency(actor.viewer());
        let tsql = task_sql(&format!("id = $1 AND {}", self.visible_sql(2)));
        // The unit is read whatever its visibility: the task (seen) names it, and only its
        // status changes.
        let usql = unit_sql(&format!("id = $1 AND {}", self.ctx_sql("")));
        let ((task, unit), _) = audited!(self, |tx| {
            let cur: Option<Task> = fetch_one!(
                tx,
                FullTaskRow,
                tsql.clone(),
                id,
                agency,
                task_of,
                "reading a task"
            );
            let cur = cur.ok_or_else(|| not_found("task", id))?;
            if version != cur.meta.version {
                return Err(stale("task", id, &cur.meta, version));
            }
            if !task_transition_allowed(cur.state, state) {
                return Err(StoreError::invalid(
                    "state",
                    format!(
                        "a task cannot go from {} to {} (assigned → accepted → en_route → \
                         on_scene → done, forward only, or cancelled before done)",
                        cur.state.name(),
                        state.name()
                    ),
                ));
            }
            let mut next = cur.clone();
            next.state = state;
            next.meta.version += 1;
            next.meta.updated_at = actor.at;
            next.meta.updated_by = actor.label.clone();
            next.times.push(TaskTime {
                state,
                at: actor.at,
                by: actor.label.clone(),
            });
            sqlx::query(
                "UPDATE tasks SET state = $1, times_json = $2, version = $3, updated_at = $4, \
                 updated_by = $5 WHERE id = $6 AND version = $7",
            )
            .bind(state.name())
            .bind(serde_json::to_string(&next.times).unwrap_or_default())
            .bind(next.meta.version)
            .bind(actor.at.0)
            .bind(&actor.label)
            .bind(id)
            .bind(cur.meta.version)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::db("updating the task"))?;
            let unit: Option<FullUnitRow> = sqlx::query_as(sqlx::AssertSqlSafe(usql.clone()))
                .bind(&cur.unit_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(StoreError::db("reading a unit"))?;
            let unit = unit.map(unit_of).transpose()?;
            let mut changed_unit = None;
            if let (Some(unit), Some(us)) = (unit, state.unit_status()) {
                let mut nu = unit.clone();
                nu.fields.status = us;
                write_unit!(tx, nu, unit, actor);
                changed_unit = Some(nu);
            }
            let (before, after) = (to_json(&cur), to_json(&next));
            let words = format!(
                "Task {id} on incident {}: {}",
                cur.incident_id,
                state.name()
            );
            let only =
                (cur.meta.visibility == Visibility::Restricted).then_some(cur.meta.agency.clone());
            add_event!(
                tx,
                self.exercise(),
                "unit_events",
                "unit_id",
                "activity",
                &cur.unit_id,
                actor,
                words.clone(),
                only.as_deref(),
                Some(before.clone()),
                Some(after.clone())
            );
            add_event!(
                tx,
                self.exercise(),
                "incident_events",
                "incident_id",
                "what",
                &cur.incident_id,
                actor,
                words,
                only.as_deref(),
                Some(before.clone()),
                Some(after.clone())
            );
            (
                (next.clone(), changed_unit),
                actor.record(
                    "task.update",
                    format!("task/{id}"),
                    Some(before),
                    Some(after),
                ),
            )
        })?;
        self.publish(Change::Task(task.clone()));
        if let Some(unit) = unit {
            self.publish(Change::Unit(unit));
        }
        Ok(task)
    }
}

/// Writes unit `$next` over `$cur` (version + 1) on `$tx`.
macro_rules! write_unit {
    ($tx:expr, $next:ident, $cur:expr, $actor:expr) => {{
        $next.meta.version = $cur.meta.version + 1;
        $next.meta.updated_at = $actor.at;
        $next.meta.updated_by = $actor.label.clone();
        let n = sqlx::query(
            "UPDATE units SET call_sign = $1, status = $2, fields_json = $3, version = $4, \
             updated_at = $5, updated_by = $6 WHERE id = $7 AND version = $8",
        )
        .bind(&$next.fields.call_sign)
        .bind($next.fields.status.name())
        .bind(serde_json::to_string(&$next.fields).unwrap_or_default())
        .bind($next.meta.version)
        .bind($actor.at.0)
        .bind(&$actor.label)
        .bind(&$cur.meta.id)
        .bind($cur.meta.version)
        .execute(&mut *$tx)
        .await
        .map_err(StoreError::db("updating the unit"))?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::Conflict(format!(
                "unit {} changed while being updated; reload it",
                $cur.meta.id
            )));
        }
    }};
}
use write_unit;

/// The activity-log words of a unit's edit.
fn unit_change_words(a: &UnitFields, b: &UnitFields) -> String {
    let mut parts = Vec::new();
    if a.status != b.status {
        parts.push(format!("status {} → {}", a.status.name(), b.status.name()));
    }
    if a.position != b.position {
        parts.push(match &b.position {
            Some(aman_ops::record::Location::Zone(z)) => format!("position: zone {z}"),
            Some(aman_ops::record::Location::Point([x, y])) => {
                format!("position: ({x:.1} m, {y:.1} m)")
            }
            None => "position unknown".to_string(),
        });
    }
    if a.call_sign != b.call_sign {
        parts.push(format!("call sign {} → {}", a.call_sign, b.call_sign));
    }
    if a.leader != b.leader || a.resources != b.resources || a.kind != b.kind {
        parts.push("details edited".to_string());
    }
    if parts.is_empty() {
        "no change".to_string()
    } else {
        parts.join("; ")
    }
}

/// Whether `viewer` sees a record of `meta` (the same rule as the SQL filter, for records
/// already in hand).
pub fn seen(meta: &Meta, viewer: Viewer<'_>) -> bool {
    sees(&meta.agency, meta.visibility, viewer)
}
