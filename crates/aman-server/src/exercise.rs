//! Exercises (issue 16): a trainer plays a master events list (MSEL, `aman_ops::exercise`)
//! on the live server, and everything made during it carries the exercise.
//!
//! Each exercise has its own **context** ([`Exercise`]): a store handle that tags and selects
//! its records ([`aman_store::Store::in_exercise`]), its own ingest pipeline and live state
//! (a [`Monitor`] whose alert ids name the exercise), its own forecast, and its own live
//! stream. A request enters an exercise's context by the `Aman-Exercise` header (scripts) or
//! the `aman_exercise` cookie (the dashboard, set by `POST /exercises/{id}/join`); the route
//! table's check then hands the handler an [`AppState`] whose store, pipeline, forecast and
//! mode are the exercise's ([`AppState::in_exercise`], the [`Ctx`] extractor). So every view
//! and export of the server is the same code in both contexts, and live views never read an
//! exercise's records, nor an exercise the live ones (DESIGN: "an exercise is a tag carried
//! by every record, never a separate code path").
//!
//! The **runner** of an exercise is a task that delivers each inject when the exercise's
//! scenario clock (`aman_ops::exercise::Clock`: start, pause, resume, speed, skip) reaches
//! its time: a message is pushed to the exercise's live stream; an incident is created; a
//! CAP inject stores an alert with its CAP 1.2 message of `status` Exercise; a crowd inject
//! replays its sensor feed (made by simulating its scenario, `aman-inject`) through the
//! ingestion path of the exercise's pipeline, sample by sample at scenario pace, so the zone
//! states, rules and alerts of the exercise come from the same code as live ones. Each
//! delivery is an event of the exercise in the store, so a restarted server resumes the
//! clock without delivering an inject twice.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use aman_monitor::reading::Value;
use aman_monitor::{Monitor, Reading, Timestamp};
use aman_ops::Mode;
use aman_ops::exercise::{Clock, ClockState, Fired, InjectKind, Msel};
use aman_store::{ExerciseEvent, ExerciseRow, Store, StoreError};
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;

use crate::app::{AppState, now};
use crate::error::AppError;
use crate::forecast::Forecaster;
use crate::pipeline::{self, PipelineHandle};

/// The request header naming the exercise a script works in.
pub const EXERCISE_HEADER: &str = "aman-exercise";
/// The cookie naming the exercise a person works in (set by joining one).
pub const EXERCISE_COOKIE: &str = "aman_exercise";
/// Most readings in one sample of a crowd feed (as in one batch a sensor posts).
pub const MAX_SAMPLE_READINGS: usize = 10_000;
/// Most readings in all the crowd feeds of one exercise.
pub const MAX_FEED_READINGS: usize = 200_000;
/// How often the runner looks at its clock while nothing is due, at most.
const TICK: Duration = Duration::from_millis(250);

/// One sample of a crowd feed: what the venue's sensors report `t` seconds after the
/// crowd inject's delivery (scenario time). Readings are stamped when replayed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedSample {
    /// Seconds of scenario time after the inject.
    pub t: f64,
    /// The readings (sensor, channel, value).
    pub readings: Vec<FeedReading>,
}

/// One reading of a [`FeedSample`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedReading {
    /// Sensor id.
    pub sensor: String,
    /// Channel name.
    #[serde(default)]
    pub channel: String,
    /// The value (`kind` and its fields, as aman's own JSON).
    #[serde(flatten)]
    pub value: Value,
}

/// The crowd feeds of an exercise, by inject id.
pub type Feeds = HashMap<String, Vec<FeedSample>>;

/// A crowd feed being replayed.
#[derive(Debug, Clone, Copy)]
struct Playback {
    inject: usize,
    /// Scenario time it was delivered, s.
    from: f64,
    /// The inject's own speed (scenario seconds per feed second).
    speed: f64,
    /// Next sample to send.
    next: usize,
}

/// What the runner changes.
#[derive(Debug)]
struct Control {
    clock: Clock,
    fired: Vec<bool>,
    playing: Vec<Playback>,
}

/// One exercise's context and runner state.
pub struct Exercise {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// The master events list.
    pub msel: Msel,
    /// The store handle of the exercise.
    pub store: Store,
    /// Its pipeline (readings in, its live state and alerts out).
    pub pipeline: PipelineHandle,
    /// Its forecast.
    pub forecast: Arc<Forecaster>,
    /// Who made it (`login (agency)` or `token <label>`).
    pub created_by: String,
    /// The trainer's agency.
    pub agency: Option<String>,
    /// The trainer's language.
    pub language: String,
    feeds: HashMap<usize, Vec<FeedSample>>,
    control: Mutex<Control>,
    wake: Notify,
}

impl std::fmt::Debug for Exercise {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exercise")
            .field("id", &self.id)
            .field("name", &self.name)
            .finish()
    }
}

/// The exercise's state for the API.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// `ready`, `running`, `paused`, `ended`.
    pub state: &'static str,
    /// Scenario time now, s.
    pub scenario_s: f64,
    /// Clock speed.
    pub speed: f64,
    /// Injects delivered so far.
    pub delivered: usize,
    /// Injects in the MSEL.
    pub injects: usize,
    /// Seconds of wall time to the next inject, if one is due while running.
    pub next_in_s: Option<f64>,
    /// Who made it.
    pub created_by: String,
}

impl Exercise {
    /// Its state now.
    pub fn status(&self) -> Status {
        let c = self.lock();
        let t = now();
        Status {
            id: self.id.clone(),
            name: self.name.clone(),
            state: c.clock.state.name(),
            scenario_s: c.clock.scenario_time(t),
            speed: c.clock.speed,
            delivered: c.fired.iter().filter(|f| **f).count(),
            injects: self.msel.injects.len(),
            next_in_s: c.clock.next_due_in(&self.msel, t, &c.fired),
            created_by: self.created_by.clone(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Control> {
        self.control.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The scenario clock now.
    pub fn clock(&self) -> Clock {
        self.lock().clock
    }
}

/// The exercises of a server, by id.
#[derive(Default)]
pub struct Exercises {
    runs: RwLock<HashMap<String, Arc<Exercise>>>,
}

impl Exercises {
    /// Exercise `id`, if the server holds it.
    pub fn get(&self, id: &str) -> Option<Arc<Exercise>> {
        self.runs
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(id)
            .cloned()
    }

    /// Every exercise, newest id last.
    pub fn all(&self) -> Vec<Arc<Exercise>> {
        let mut v: Vec<_> = self
            .runs
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .cloned()
            .collect();
        v.sort_by(|a, b| a.id.cmp(&b.id));
        v
    }

    fn insert(&self, e: Arc<Exercise>) {
        self.runs
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(e.id.clone(), e);
    }
}

/// The handler's view of the server in the request's context: the live [`AppState`], or the
/// exercise's ([`AppState::in_exercise`]) when the route table's check found the request in
/// one. Every handler that reads or writes operational records takes this, not `State`.
pub struct Ctx(pub AppState);

impl FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, AppError> {
        Ok(Ctx(match parts.extensions.get::<Arc<Exercise>>() {
            Some(e) => app.in_exercise(e.clone()),
            None => app.clone(),
        }))
    }
}

/// The exercise a request names (header first, then cookie), if any.
pub fn named(headers: &axum::http::HeaderMap) -> Option<String> {
    if let Some(v) = headers.get(EXERCISE_HEADER) {
        return Some(v.to_str().unwrap_or("\u{fffd}").trim().to_string());
    }
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == EXERCISE_COOKIE)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Parses an MSEL given as text in `format` (`toml` or `csv`).
///
/// # Errors
/// 422 naming the inject and field.
pub fn parse_msel(name: &str, text: &str, format: &str) -> Result<Msel, AppError> {
    let parsed = match format {
        "toml" => Msel::from_toml(text),
        "csv" => Msel::from_csv(name, text),
        other => {
            return Err(AppError::Unprocessable {
                message: format!(
                    "format {}: an MSEL is toml or csv",
                    crate::error::echo(other)
                ),
                field: Some("format".into()),
            });
        }
    };
    parsed.map_err(|e| AppError::Unprocessable {
        message: format!("msel: {e}"),
        field: Some("msel".into()),
    })
}

/// Checks `feeds` against `msel` and the venue: one feed per crowd inject and none for
/// anything else, every reading of a sensor channel of the venue, times finite and rising,
/// at most [`MAX_FEED_READINGS`] in all. Returns them by inject index.
///
/// # Errors
/// 422 naming the inject, sample and reading.
pub fn check_feeds(
    app: &AppState,
    msel: &Msel,
    feeds: &Feeds,
) -> Result<HashMap<usize, Vec<FeedSample>>, AppError> {
    let bad = |message: String, field: String| AppError::Unprocessable {
        message,
        field: Some(field),
    };
    let mut out = HashMap::new();
    let mut total = 0usize;
    for id in feeds.keys() {
        match msel.position(id) {
            Some(i) if matches!(msel.injects[i].kind, InjectKind::Crowd { .. }) => {}
            Some(_) => {
                return Err(bad(
                    format!("feeds.{id}: inject {id:?} is not a crowd inject"),
                    format!("feeds.{id}"),
                ));
            }
            None => {
                let shown = crate::error::bounded(id, crate::error::ECHO_CHARS);
                return Err(bad(
                    format!(
                        "feeds.{shown}: the MSEL has no inject {}",
                        crate::error::echo(id)
                    ),
                    format!("feeds.{shown}"),
                ));
            }
        }
    }
    for (i, inject) in msel.injects.iter().enumerate() {
        if !matches!(inject.kind, InjectKind::Crowd { .. }) {
            continue;
        }
        let id = &inject.id;
        let Some(samples) = feeds.get(id) else {
            return Err(bad(
                format!(
                    "feeds.{id}: crowd inject {id:?} has no feed; `aman exercise run` simulates \
                     its scenario and sends it"
                ),
                format!("feeds.{id}"),
            ));
        };
        if samples.is_empty() {
            return Err(bad(
                format!(
                    "feeds.{id}: crowd inject {id:?} has an empty feed: no samples to replay \
                     (a feed has at least its sample at t = 0)"
                ),
                format!("feeds.{id}"),
            ));
        }
        let mut last = f64::NEG_INFINITY;
        for (k, s) in samples.iter().enumerate() {
            if !s.t.is_finite() || s.t < 0.0 || s.t < last {
                return Err(bad(
                    format!(
                        "feeds.{id}[{k}].t = {}: sample times are seconds ≥ 0, rising",
                        s.t
                    ),
                    format!("feeds.{id}[{k}].t"),
                ));
            }
            last = s.t;
            total += s.readings.len();
            if total > MAX_FEED_READINGS {
                return Err(bad(
                    format!("feeds: more than {MAX_FEED_READINGS} readings in all"),
                    "feeds".into(),
                ));
            }
            if s.t > aman_ops::exercise::MAX_SCENARIO_S {
                return Err(bad(
                    format!(
                        "feeds.{id}[{k}].t = {}: at most {} s",
                        s.t,
                        aman_ops::exercise::MAX_SCENARIO_S
                    ),
                    format!("feeds.{id}[{k}].t"),
                ));
            }
            if s.readings.len() > MAX_SAMPLE_READINGS {
                return Err(bad(
                    format!(
                        "feeds.{id}[{k}].readings: {} readings, at most {MAX_SAMPLE_READINGS} \
                         in one sample (as in one batch of a sensor)",
                        s.readings.len()
                    ),
                    format!("feeds.{id}[{k}].readings"),
                ));
            }
            let t = now();
            for (j, r) in s.readings.iter().enumerate() {
                // The same checks as a live sensor's reading (values in range, names), then
                // the venue's (a channel of the sensor, of the right kind).
                let checked = reading(r, t);
                if let Err(e) = checked
                    .check(t, 0.0)
                    .and_then(|()| app.venue.resolve(&checked))
                {
                    let aman_monitor::ReadingError::Field { field, reason } = e;
                    return Err(bad(
                        format!("feeds.{id}[{k}].readings[{j}].{field}: {reason}"),
                        format!("feeds.{id}[{k}].readings[{j}].{field}"),
                    ));
                }
            }
        }
        out.insert(i, samples.clone());
    }
    Ok(out)
}

fn reading(r: &FeedReading, time: Timestamp) -> Reading {
    Reading {
        sensor: r.sensor.clone(),
        channel: r.channel.clone(),
        time,
        value: r.value.clone(),
    }
}

fn store_err(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound { what } => {
            AppError::NotFound(crate::error::bounded(&what, 2 * crate::error::ECHO_CHARS))
        }
        StoreError::Conflict(m) => AppError::Conflict(m),
        StoreError::Invalid { field, message } => AppError::Unprocessable {
            message: format!("{field}: {message}"),
            field: Some(field),
        },
        e => AppError::Unavailable(e.to_string()),
    }
}

/// Opens the context of stored exercise `row` (its pipeline rebuilt from its own readings),
/// registers it and, unless it has ended, starts its runner.
///
/// # Errors
/// A stored MSEL or feed that no longer parses (422), or the store's error.
pub async fn open(
    app: &AppState,
    row: &ExerciseRow,
    feeds: HashMap<usize, Vec<FeedSample>>,
) -> Result<Arc<Exercise>, AppError> {
    let msel = parse_msel(&row.name, &row.msel, &row.msel_format)?;
    let store = app.store.in_exercise(&row.id).map_err(store_err)?;
    let monitor = Monitor::new((*app.venue).clone(), now()).in_exercise(&row.id);
    let (pipeline, _task) =
        pipeline::start(store.clone(), monitor, app.sender.clone(), Mode::Exercise)
            .await
            .map_err(store_err)?;
    let forecast = Arc::new(Forecaster::new(app.venue.clone()));
    let mut clock: Clock = serde_json::from_str(&row.clock_json).unwrap_or_default();
    let scenario_now = clock.scenario_time(now());
    let mut fired = vec![false; msel.injects.len()];
    let mut playing = Vec::new();
    for e in store.exercise_events(&row.id).await.map_err(store_err)? {
        if e.kind == "control" && e.detail == "start" && clock.epoch.is_none() {
            // A clock stored before it had an epoch: the start's event gives it.
            clock.epoch = Some(e.at.add_secs(-e.scenario_s));
        }
        if e.kind != "inject" {
            continue;
        }
        if let Some(i) = e.inject.as_deref().and_then(|id| msel.position(id)) {
            fired[i] = true;
            if let InjectKind::Crowd { speed, .. } = msel.injects[i].kind {
                // Reopened mid-feed (a restart): the samples played before are in the log
                // already, and those due while the server was down are of the past. Only the
                // latest due sample is sent again, so the state is the scenario's now.
                let due = feeds.get(&i).map_or(0, |samples| {
                    samples
                        .iter()
                        .take_while(|s| e.scenario_s + s.t / speed <= scenario_now)
                        .count()
                });
                playing.push(Playback {
                    inject: i,
                    from: e.scenario_s,
                    speed,
                    next: due.saturating_sub(1),
                });
            }
        }
    }
    let exercise = Arc::new(Exercise {
        id: row.id.clone(),
        name: row.name.clone(),
        msel,
        store,
        pipeline: pipeline.clone(),
        forecast: forecast.clone(),
        created_by: row.created_by.clone(),
        agency: row.agency.clone(),
        language: row.language.clone(),
        feeds,
        control: Mutex::new(Control {
            clock,
            fired,
            playing,
        }),
        wake: Notify::new(),
    });
    app.exercises.insert(exercise.clone());
    let stop = app.stop.clone();
    tokio::spawn(crate::forecast::run(forecast, pipeline, wait(stop.clone())));
    tokio::spawn(run(
        app.in_exercise(exercise.clone()),
        exercise.clone(),
        stop,
    ));
    Ok(exercise)
}

async fn wait(mut rx: tokio::sync::watch::Receiver<bool>) {
    while !*rx.borrow() {
        if rx.changed().await.is_err() {
            break;
        }
    }
}

/// A change of the clock asked by the trainer.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClockChange {
    /// Start (STARTEX).
    Start,
    /// Pause.
    Pause,
    /// Resume after a pause.
    Resume,
    /// Set the speed (scenario seconds per wall second, 0.1 to 100).
    Speed {
        /// The speed.
        speed: f64,
    },
    /// Jump forward to this scenario time, s.
    Skip {
        /// Scenario time, s.
        to_s: f64,
    },
    /// End (ENDEX).
    End,
}

/// The body of `POST /api/v1/exercises/{id}/clock`, as sent: `action`, and `speed` or `to_s`
/// for the actions that take them. Unknown fields are refused (serde), and so is a field the
/// action does not take ([`ClockBody::change`]).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockBody {
    /// `start`, `pause`, `resume`, `speed`, `skip` or `end`.
    pub action: String,
    /// For `speed`: scenario seconds per wall second, 0.1 to 100.
    #[serde(default)]
    pub speed: Option<f64>,
    /// For `skip`: the scenario time to jump to, s.
    #[serde(default)]
    pub to_s: Option<f64>,
}

impl ClockBody {
    /// The change it asks for.
    ///
    /// # Errors
    /// 422 naming the field: an unknown action, `speed` or `to_s` missing for the action that
    /// needs it, or given to one that does not take it.
    pub fn change(&self) -> Result<ClockChange, AppError> {
        let bad = |field: &str, message: String| AppError::Unprocessable {
            message: format!("{field}: {message}"),
            field: Some(field.to_string()),
        };
        let change = match self.action.as_str() {
            "start" => ClockChange::Start,
            "pause" => ClockChange::Pause,
            "resume" => ClockChange::Resume,
            "end" => ClockChange::End,
            "speed" => ClockChange::Speed {
                speed: self
                    .speed
                    .ok_or_else(|| bad("speed", "missing: the new speed, 0.1 to 100".into()))?,
            },
            "skip" => ClockChange::Skip {
                to_s: self.to_s.ok_or_else(|| {
                    bad("to_s", "missing: the scenario time to skip to, s".into())
                })?,
            },
            other => {
                return Err(bad(
                    "action",
                    format!(
                        "{} is not a clock action: start, pause, resume, speed, skip or end",
                        crate::error::echo(other)
                    ),
                ));
            }
        };
        if self.speed.is_some() && !matches!(change, ClockChange::Speed { .. }) {
            return Err(bad(
                "speed",
                format!("not a field of action {:?}", self.action),
            ));
        }
        if self.to_s.is_some() && !matches!(change, ClockChange::Skip { .. }) {
            return Err(bad(
                "to_s",
                format!("not a field of action {:?}", self.action),
            ));
        }
        Ok(change)
    }
}

impl ClockChange {
    fn words(&self) -> String {
        match self {
            ClockChange::Start => "start".into(),
            ClockChange::Pause => "pause".into(),
            ClockChange::Resume => "resume".into(),
            ClockChange::Speed { speed } => format!("speed ×{speed}"),
            ClockChange::Skip { to_s } => {
                format!("skip to {}", aman_ops::exercise::format_time(*to_s))
            }
            ClockChange::End => "end".into(),
        }
    }
}

/// Applies `change` to `exercise`'s clock, stores the clock with a `control` event, and
/// wakes its runner.
///
/// # Errors
/// 409 for a change its state does not allow (pause when not running, any change once
/// ended), 422 for a bad speed or skip, or the store's error (then nothing changed).
pub async fn change_clock(
    exercise: &Exercise,
    change: ClockChange,
    actor: (String, Option<String>),
) -> Result<Status, AppError> {
    let t = now();
    let (clock, scenario) = {
        let c = exercise.lock();
        let mut clock = c.clock;
        let r = match change {
            ClockChange::Start => clock.start(t),
            ClockChange::Pause => clock.pause(t),
            ClockChange::Resume => clock.resume(t),
            ClockChange::Speed { speed } => clock.set_speed(t, speed),
            ClockChange::Skip { to_s } => clock.skip_to(t, to_s),
            ClockChange::End => clock.end(t),
        };
        // A step the state does not allow (any step once ended) is a conflict with the
        // exercise's state, whatever its value; a bad value in a state that allows the step
        // is a bad value.
        r.map_err(|e| match e {
            aman_ops::exercise::ClockError::Speed(_) => AppError::Unprocessable {
                message: e.to_string(),
                field: Some("speed".into()),
            },
            aman_ops::exercise::ClockError::Skip { .. } => AppError::Unprocessable {
                message: e.to_string(),
                field: Some("to_s".into()),
            },
            _ => AppError::Conflict(e.to_string()),
        })?;
        (clock, clock.scenario_time(t))
    };
    let event = ExerciseEvent {
        n: 0,
        at: t,
        scenario_s: scenario,
        kind: "control".into(),
        inject: None,
        actor: actor.0,
        agency: actor.1,
        object: None,
        detail: change.words(),
    };
    let json = serde_json::to_string(&clock).unwrap_or_default();
    // The trainer's change is audited in the exercise's context, in the same transaction.
    let audit = crate::audit::entry(
        (event.actor.clone(), event.agency.clone()),
        "exercise.clock",
        format!("exercise/{}", exercise.id),
        None,
        Some(serde_json::json!({
            "change": event.detail,
            "state": clock.state.name(),
            "scenario_s": scenario,
        })),
    );
    exercise
        .store
        .set_exercise_state(
            &exercise.id,
            clock.state.name(),
            &json,
            Some(&event),
            Some(audit),
        )
        .await
        .map_err(store_err)?;
    exercise.lock().clock = clock;
    exercise.wake.notify_one();
    Ok(exercise.status())
}

/// The runner: delivers the injects that are due and replays the crowd feeds, until the
/// exercise ends or the server stops.
async fn run(app: AppState, exercise: Arc<Exercise>, stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        if *stop.borrow() {
            return;
        }
        let t = now();
        let (due, sends, state) = {
            let mut c = exercise.lock();
            let due = if c.clock.state == ClockState::Running {
                c.clock.due(&exercise.msel, t, &c.fired)
            } else {
                Vec::new()
            };
            for &i in &due {
                c.fired[i] = true;
            }
            let scenario = c.clock.scenario_time(t);
            let clock = c.clock;
            let mut sends = Vec::new();
            if c.clock.state == ClockState::Running {
                for p in &mut c.playing {
                    let Some(samples) = exercise.feeds.get(&p.inject) else {
                        continue;
                    };
                    while let Some(s) = samples.get(p.next) {
                        let at = p.from + s.t / p.speed;
                        if at > scenario {
                            break;
                        }
                        // Stamped on the exercise's timeline (scenario pace), not with the
                        // wall clock: the monitor's holds, flows and trends then count
                        // scenario seconds at any speed (docs/exercise.md).
                        sends.push((clock.stamp(at).unwrap_or(t), s.readings.clone()));
                        p.next += 1;
                    }
                }
            }
            (due, sends, c.clock.state)
        };
        for i in due {
            deliver(&app, &exercise, i, t).await;
        }
        for (time, readings) in sends {
            let received = now();
            let readings: Vec<Reading> = readings.iter().map(|r| reading(r, time)).collect();
            if let Err(e) = crate::ingest::accept(&app, received, readings).await {
                tracing::error!(exercise = %exercise.id, error = %e, "crowd inject readings refused");
            }
        }
        if state == ClockState::Ended {
            return;
        }
        let _ = tokio::time::timeout(TICK, exercise.wake.notified()).await;
    }
}

/// Delivers inject `i`: records it, then does what its kind says.
async fn deliver(app: &AppState, exercise: &Exercise, i: usize, t: Timestamp) {
    let inject = &exercise.msel.injects[i];
    let scenario = exercise.lock().clock.scenario_time(t);
    let object = match &inject.kind {
        InjectKind::Incident {
            title,
            kind,
            zone,
            severity,
        } => match crate::ops::inject_incident(
            app,
            exercise,
            inject,
            title,
            kind,
            zone.as_deref(),
            *severity,
        )
        .await
        {
            Ok(id) => Some(format!("incident/{id}")),
            Err(e) => {
                tracing::error!(exercise = %exercise.id, inject = %inject.id, error = %e, "incident inject failed");
                None
            }
        },
        InjectKind::Cap { .. } => {
            match crate::alert_actions::inject_cap(app, exercise, inject, t).await {
                Ok(id) => Some(format!("alert/{id}")),
                Err(e) => {
                    tracing::error!(exercise = %exercise.id, inject = %inject.id, error = %e, "CAP inject failed");
                    None
                }
            }
        }
        InjectKind::Crowd { speed, .. } => {
            exercise.lock().playing.push(Playback {
                inject: i,
                from: scenario,
                speed: *speed,
                next: 0,
            });
            None
        }
        InjectKind::Message => None,
    };
    let event = ExerciseEvent {
        n: 0,
        at: t,
        scenario_s: scenario,
        kind: "inject".into(),
        inject: Some(inject.id.clone()),
        actor: format!("exercise control ({})", inject.from),
        agency: None,
        object: object.clone(),
        detail: inject.text.clone(),
    };
    if let Err(e) = exercise
        .store
        .append_exercise_event(&exercise.id, &event)
        .await
    {
        tracing::error!(exercise = %exercise.id, error = %e, "recording an inject failed");
    }
    let push = serde_json::json!({
        "type": "inject",
        "exercise": exercise.id,
        "id": inject.id,
        "kind": inject.kind.name(),
        "at": aman_ops::exercise::format_time(scenario),
        "from": inject.from,
        "to": inject.to,
        "method": inject.method.name(),
        "text": inject.text,
        "object": object,
    });
    exercise.pipeline.push(push.to_string());
}

/// The fired injects of `exercise` from its events (for the after-action report).
pub fn fired_of(exercise: &Exercise, events: &[ExerciseEvent]) -> Vec<Fired> {
    events
        .iter()
        .filter(|e| e.kind == "inject")
        .filter_map(|e| {
            let i = exercise.msel.position(e.inject.as_deref()?)?;
            Some(Fired {
                inject: i,
                wall: e.at,
                scenario: e.scenario_s,
            })
        })
        .collect()
}

/// Reopens, at start, every stored exercise of the venue.
///
/// # Errors
/// The store's error.
pub async fn restore(app: &AppState) -> Result<(), AppError> {
    let rows = app
        .store
        .exercise_rows(&app.venue.id)
        .await
        .map_err(store_err)?;
    for row in rows {
        let feeds = match app.store.exercise_feeds(&row.id).await.map_err(store_err)? {
            Some(json) => {
                let feeds: Feeds = serde_json::from_str(&json).unwrap_or_default();
                let msel = parse_msel(&row.name, &row.msel, &row.msel_format)?;
                check_feeds(app, &msel, &feeds).unwrap_or_default()
            }
            None => HashMap::new(),
        };
        if let Err(e) = open(app, &row, feeds).await {
            tracing::error!(exercise = %row.id, error = %e, "an exercise could not be reopened");
        }
    }
    Ok(())
}

// ---- The API (docs/serve.md §2.13) ----

/// `POST /api/v1/exercises`: the body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewExercise {
    /// Id (`[a-z0-9-]`, 1 to 40); default: made from the time.
    #[serde(default)]
    pub id: Option<String>,
    /// The master events list, as text.
    pub msel: String,
    /// `toml` (default) or `csv`.
    #[serde(default)]
    pub format: Option<String>,
    /// The exercise's name, for a CSV MSEL (which has no `[exercise]` table; default
    /// `exercise`; `aman exercise run` sends the file's stem). Refused with a TOML MSEL.
    #[serde(default)]
    pub name: Option<String>,
    /// The crowd injects' sensor feeds, by inject id (`aman exercise run` simulates them).
    #[serde(default)]
    pub feeds: Feeds,
    /// Start the clock at once.
    #[serde(default)]
    pub start: bool,
}

/// Checks that the agency each incident inject names in its `to` (the incident's owner,
/// [`aman_ops::exercise::agency_named`]) is one of the server's.
///
/// # Errors
/// 422 naming the inject and the agency, with the server's agencies; 503 if the store fails.
async fn check_agencies(app: &AppState, msel: &Msel) -> Result<(), AppError> {
    let agencies = app.store.agencies().await.map_err(store_err)?;
    for inject in &msel.injects {
        if !matches!(inject.kind, InjectKind::Incident { .. }) {
            continue;
        }
        if let Some(a) = aman_ops::exercise::agency_named(&inject.to)
            && !agencies.iter().any(|x| x.id == a)
        {
            let ids: Vec<&str> = agencies.iter().map(|x| x.id.as_str()).collect();
            return Err(AppError::Unprocessable {
                message: format!(
                    "msel: inject {:?}: to: agency {a:?} is not an agency of this server \
                     (its agencies: {}); an incident inject's incident is owned by the agency \
                     its `to` names first",
                    inject.id,
                    ids.join(", ")
                ),
                field: Some("msel".into()),
            });
        }
    }
    Ok(())
}

/// `GET /api/v1/exercises`.
pub async fn list(
    State(app): State<AppState>,
    _: crate::auth::Caller,
) -> axum::Json<serde_json::Value> {
    let all: Vec<Status> = app.exercises.all().iter().map(|e| e.status()).collect();
    axum::Json(serde_json::json!({ "exercises": all }))
}

/// `POST /api/v1/exercises`: makes an exercise from an MSEL (and its crowd feeds), opens its
/// context and, with `start`, starts its clock ([`make`]). 201 with its status.
///
/// # Errors
/// 422 naming the field (a bad MSEL, a feed missing or not fitting the venue, a bad id),
/// 409 for an id taken.
pub async fn create(
    State(app): State<AppState>,
    crate::auth::Caller(p): crate::auth::Caller,
    body: Result<axum::Json<NewExercise>, axum::extract::rejection::JsonRejection>,
) -> Result<(axum::http::StatusCode, axum::Json<Status>), AppError> {
    let axum::Json(body) = body.map_err(|e| body_error(&app, e, "an exercise"))?;
    let status = make(&app, &p, body).await?;
    Ok((axum::http::StatusCode::CREATED, axum::Json(status)))
}

/// Makes an exercise from `body` for `p`: the MSEL parsed and checked against the venue and
/// the server's agencies, the feeds checked ([`check_feeds`]), the id checked (default
/// `ex-<µs>`), the exercise stored, `exercise.create` audited, its context opened and, with
/// `start`, its clock started. The one path of `POST /api/v1/exercises` and of the
/// dashboard's MSEL library (`POST /exercises`, [`crate::library`]).
///
/// # Errors
/// 422 naming the field (`name`, `msel`, `feeds…`, `id`), 409 for an id taken (nothing
/// stored), 503 if the store fails.
pub async fn make(
    app: &AppState,
    p: &crate::auth::Principal,
    body: NewExercise,
) -> Result<Status, AppError> {
    let format = body.format.as_deref().unwrap_or("toml");
    let name = match (&body.name, format) {
        (Some(_), "toml") => {
            return Err(AppError::Unprocessable {
                message: "name: a TOML MSEL names its exercise in its [exercise] table; \
                          name is for a CSV MSEL"
                    .into(),
                field: Some("name".into()),
            });
        }
        (Some(n), _) => n.as_str(),
        (None, _) => "exercise",
    };
    let msel = parse_msel(name, &body.msel, format)?;
    if let Err(errors) = msel.check_venue(&app.venue) {
        let all: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        return Err(AppError::Unprocessable {
            message: format!("msel: {}", all.join("; ")),
            field: Some("msel".into()),
        });
    }
    check_agencies(app, &msel).await?;
    let feeds = check_feeds(app, &msel, &body.feeds)?;
    let t = now();
    let id = match body.id {
        Some(id) => id,
        // Microseconds: two exercises made in the same second get two ids.
        None => format!("ex-{}", t.0),
    };
    aman_store::check_exercise_id(&id).map_err(|m| AppError::Unprocessable {
        message: format!("id: {m}"),
        field: Some("id".into()),
    })?;
    let (label, agency) = crate::audit::actor(p);
    let language = match p {
        crate::auth::Principal::User { session, .. } => session.user.language.code().to_string(),
        crate::auth::Principal::Token(_) => "en".to_string(),
    };
    let row = ExerciseRow {
        id: id.clone(),
        venue: app.venue.id.clone(),
        name: msel.name.clone(),
        msel: body.msel.clone(),
        msel_format: format.to_string(),
        feeds_json: Some(serde_json::to_string(&body.feeds).unwrap_or_default()),
        state: "ready".into(),
        clock_json: serde_json::to_string(&Clock::new()).unwrap_or_default(),
        created_at: t,
        created_by: label.clone(),
        agency: agency.clone(),
        language,
        version: 1,
    };
    // Stored with its audit entry, in one transaction.
    let audit = crate::audit::entry(
        crate::audit::actor(p),
        "exercise.create",
        format!("exercise/{id}"),
        None,
        Some(serde_json::json!({ "name": row.name, "injects": msel.injects.len() })),
    );
    app.store
        .create_exercise(&row, Some(audit))
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => AppError::Conflict(format!(
                "exercise id {id:?} is taken: give another id (or none, for one made from the time)"
            )),
            e => store_err(e),
        })?;
    let exercise = open(app, &row, feeds).await?;
    if body.start {
        change_clock(&exercise, ClockChange::Start, (label, agency)).await
    } else {
        Ok(exercise.status())
    }
}

/// The error for a JSON body that is not `what`: 413 over the server's body limit; 422
/// naming the field for an unknown field (`deny_unknown_fields`) or a missing one; 400
/// otherwise (not JSON, wrong types). What serde repeats of the input is bounded.
fn body_error(app: &AppState, e: axum::extract::rejection::JsonRejection, what: &str) -> AppError {
    use crate::error::{ECHO_CHARS, bounded};
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        return AppError::TooLarge(format!(
            "the body is larger than {} bytes",
            app.limits.max_body
        ));
    }
    let text = e.body_text();
    let detail = text
        .split_once(": ")
        .map_or(text.as_str(), |(_, d)| d)
        .to_string();
    let named = |prefix: &str| {
        detail
            .split_once(prefix)
            .and_then(|(_, r)| r.split_once('`'))
            .map(|(f, _)| f.to_string())
    };
    if let Some(f) = named("unknown field `") {
        return AppError::Unprocessable {
            message: format!(
                "{}: unknown field: {what} has no such field",
                bounded(&f, ECHO_CHARS)
            ),
            field: Some(bounded(&f, ECHO_CHARS)),
        };
    }
    if let Some(f) = named("missing field `") {
        return AppError::Unprocessable {
            message: format!("{f}: missing: {what} needs it"),
            field: Some(f),
        };
    }
    AppError::BadRequest {
        message: format!("the body is not {what}: {}", bounded(&detail, 300)),
        field: None,
    }
}

fn find(app: &AppState, id: &str) -> Result<Arc<Exercise>, AppError> {
    app.exercises
        .get(id)
        .ok_or_else(|| AppError::NotFound(format!("exercise {} not found", crate::error::echo(id))))
}

/// `GET /api/v1/exercises/{id}`: its status and events.
///
/// # Errors
/// 404.
pub async fn get(
    State(app): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    _: crate::auth::Caller,
) -> Result<axum::Json<serde_json::Value>, AppError> {
    let e = find(&app, &id)?;
    let events = e.store.exercise_events(&id).await.map_err(store_err)?;
    let injects: Vec<serde_json::Value> = e
        .msel
        .injects
        .iter()
        .map(|i| {
            serde_json::json!({
                "id": i.id, "at_s": i.at, "kind": i.kind.name(), "from": i.from, "to": i.to,
                "method": i.method.name(), "text": i.text,
                "expected_action": i.expected_action, "objective": i.objective,
            })
        })
        .collect();
    Ok(axum::Json(serde_json::json!({
        "status": e.status(),
        "injects": injects,
        "events": events,
    })))
}

/// `POST /api/v1/exercises/{id}/clock`: start, pause, resume, speed, skip or end.
///
/// # Errors
/// 413 for a body over the limit, 404, 409 for a change the state does not allow (any once
/// ended), 422 for a bad speed or skip, an unknown field (named) or action, 400 for a body
/// that is not JSON.
pub async fn clock(
    State(app): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    crate::auth::Caller(p): crate::auth::Caller,
    body: Result<axum::Json<ClockBody>, axum::extract::rejection::JsonRejection>,
) -> Result<axum::Json<Status>, AppError> {
    // A body over the limit is 413 whatever the path says.
    let body = match body {
        Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
            return Err(body_error(&app, e, "a clock change"));
        }
        b => b,
    };
    let e = find(&app, &id)?;
    let axum::Json(body) = body.map_err(|e| {
        body_error(
            &app,
            e,
            "a clock change ({\"action\": \"start\" | \"pause\" | \"resume\" | \"end\"}, \
             {\"action\": \"speed\", \"speed\": 2}, {\"action\": \"skip\", \"to_s\": 120})",
        )
    })?;
    let change = body.change()?;
    Ok(axum::Json(
        change_clock(&e, change, crate::audit::actor(&p)).await?,
    ))
}

/// `GET /api/v1/exercises/{id}/report`: the after-action report's figures
/// (`aman_ops::exercise::after_action`): per inject, when it was delivered and the wall
/// seconds to the first acknowledgement, incident and task, the expected and the actual
/// actions; and the exercise's alerts with their verdicts. Player actions are read from the
/// exercise's own records (alerts acknowledged, incidents opened, tasks given).
///
/// # Errors
/// 404; 503 if the store fails.
pub async fn report(
    State(app): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    _: crate::auth::Caller,
) -> Result<axum::Json<serde_json::Value>, AppError> {
    let e = find(&app, &id)?;
    let r = after_action_of(&app, &e).await?;
    Ok(axum::Json(serde_json::json!({
        "status": e.status(),
        "injects": r.outcomes,
        "alerts": r.alerts,
    })))
}

/// What the after-action report shows.
#[derive(Debug, Clone, Serialize)]
pub struct AfterAction {
    /// Per inject, in MSEL order.
    pub outcomes: Vec<aman_ops::exercise::InjectOutcome>,
    /// The exercise's alerts, oldest first (as `GET /api/v1/alerts/{id}`).
    pub alerts: Vec<serde_json::Value>,
}

/// Gathers the after-action report of `e` from its records.
///
/// # Errors
/// 503 if the store fails.
pub async fn after_action_of(app: &AppState, e: &Exercise) -> Result<AfterAction, AppError> {
    use aman_ops::access::Viewer;
    use aman_ops::exercise::{ActionKind, AfterActionInput, PlayerEvent, after_action};
    let events = e.store.exercise_events(&e.id).await.map_err(store_err)?;
    let fired = fired_of(e, &events);
    let epoch = e.clock().epoch;
    let mut alerts = e
        .store
        .alerts(&app.venue.id, aman_store::AlertFilter::All, 100_000)
        .await
        .map_err(store_err)?;
    alerts.reverse();
    // Alerts of an inject: the one a CAP inject stored, and those the monitor raised while
    // a crowd inject's feed played (after the latest crowd inject delivered before them, in
    // scenario time: the monitor's alerts are raised at a reading's time, on the exercise's
    // timeline, `Clock::stamp`).
    let mut of_inject: Vec<(String, usize)> = Vec::new();
    let mut incidents_of: Vec<(String, usize)> = Vec::new();
    for ev in events.iter().filter(|ev| ev.kind == "inject") {
        let Some(i) = ev.inject.as_deref().and_then(|x| e.msel.position(x)) else {
            continue;
        };
        match ev.object.as_deref().and_then(|o| o.split_once('/')) {
            Some(("alert", a)) => of_inject.push((a.to_string(), i)),
            Some(("incident", inc)) => incidents_of.push((inc.to_string(), i)),
            _ => {}
        }
    }
    for a in &alerts {
        if of_inject.iter().any(|(x, _)| *x == a.id) {
            continue;
        }
        let Some(raised_s) = epoch.map(|ep| a.raised_at.secs_since(ep)) else {
            continue;
        };
        let crowd = fired
            .iter()
            .filter(|f| {
                matches!(e.msel.injects[f.inject].kind, InjectKind::Crowd { .. })
                    && f.scenario <= raised_s + 1e-6
            })
            .max_by(|x, y| x.scenario.total_cmp(&y.scenario));
        if let Some(f) = crowd {
            of_inject.push((a.id.clone(), f.inject));
        }
    }
    let mut players: Vec<PlayerEvent> = Vec::new();
    let who = |label: &str| -> (String, String) {
        // `login (agency)` for a person.
        match label.rsplit_once(" (") {
            Some((login, rest)) => (login.to_string(), rest.trim_end_matches(')').to_string()),
            None => (label.to_string(), String::new()),
        }
    };
    for a in &alerts {
        if let (Some(at), Some(by)) = (a.acknowledged_at, a.acknowledged_by.as_deref()) {
            let (login, agency) = who(by);
            players.push(PlayerEvent {
                time: at,
                kind: ActionKind::Acknowledged,
                who: login,
                agency,
                inject: None,
                alert: Some(a.id.clone()),
                incident: None,
                detail: format!("acknowledged alert {}", a.id),
            });
        }
    }
    let (incidents, _) = e
        .store
        .incidents(Viewer::Server, 10_000)
        .await
        .map_err(store_err)?;
    for inc in &incidents {
        if !incidents_of.iter().any(|(x, _)| *x == inc.meta.id) {
            let (login, agency) = who(&inc.meta.created_by);
            players.push(PlayerEvent {
                time: inc.meta.created_at,
                kind: ActionKind::OpenedIncident,
                who: login,
                agency,
                inject: None,
                alert: inc.alert_id.clone(),
                incident: Some(inc.meta.id.clone()),
                detail: format!(
                    "opened incident {} \u{201c}{}\u{201d}",
                    inc.meta.id, inc.fields.title
                ),
            });
        }
        let tasks = e
            .store
            .tasks_of(Some(&inc.meta.id), None, Viewer::Server)
            .await
            .map_err(store_err)?;
        for t in tasks {
            let (login, agency) = who(&t.meta.created_by);
            players.push(PlayerEvent {
                time: t.meta.created_at,
                kind: ActionKind::TaskedUnit,
                who: login,
                agency,
                inject: None,
                alert: None,
                incident: Some(inc.meta.id.clone()),
                detail: format!(
                    "task {} to unit {} ({})",
                    t.meta.id, t.unit_id, t.meta.agency
                ),
            });
        }
    }
    let outcomes = after_action(&AfterActionInput {
        msel: &e.msel,
        fired: &fired,
        alerts: &of_inject,
        incidents: &incidents_of,
        events: &players,
    });
    Ok(AfterAction {
        outcomes,
        alerts: alerts.iter().map(crate::api::alert_json).collect(),
    })
}
