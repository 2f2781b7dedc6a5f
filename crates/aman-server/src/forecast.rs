//! The always-on forecast of `aman serve` (issue 17): every [`PERIOD`] the live state is
//! rolled forward [`HORIZON_S`] seconds by the venue's network model ([`aman_forecast`]:
//! the cell-transmission model of Daganzo 1994, 1995 over the venue's zones and gates), and
//! the result is kept for `GET /api/v1/forecast` and pushed to the live subscribers as
//! `{"type": "forecast", "forecast": …}`. `POST /api/v1/forecast/what-if` runs the same
//! forecast with changes (close, open or hold a gate, evacuate a zone) against doing
//! nothing, from the same live state.
//!
//! The network is built once at start. A venue whose lines join no zone (no line has an
//! `into` or a `from` zone, docs/serve.md §1.6) has no network: the forecast is off, said
//! once in the log, and both endpoints answer 409 with the reason.
//!
//! The model runs off the async runtime ([`tokio::task::spawn_blocking`]): it takes a few
//! milliseconds for a venue of a hundred zones, and the pipeline task that owns the live
//! state only answers one `state()` request for it.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use aman_forecast::venue::{
    BOTTLENECK_CAPACITY, ForecastError, VenueForecast, VenueNetwork, WhatIf, ZoneSummary, forecast,
};
use aman_forecast::{ForecastReport, Live, Weidmann};
use aman_monitor::{Timestamp, Venue, VenueState};
use axum::Json;
use axum::body::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::Semaphore;

use crate::app::now;
use crate::auth::Caller;
use crate::error::AppError;
use crate::exercise::Ctx;
use crate::pipeline::PipelineHandle;

/// How often the server forecasts: every 5 s, a tenth of the shortest rule hold a venue
/// usually has and well above the model's few milliseconds per run.
pub const PERIOD: Duration = Duration::from_secs(5);
/// How far ahead, s: the next 10 minutes (issue 17).
pub const HORIZON_S: f64 = 600.0;
/// Sample interval of the forecast series, s (61 samples over the horizon).
pub const EVERY_S: f64 = 10.0;
/// Largest step of the model, s (cut further by each zone's CFL bound; as `aman forecast`).
pub const DT_S: f64 = 0.5;
/// Most changes in one what-if.
pub const MAX_CHANGES: usize = 8;
/// Most characters of one change (`hold:LINE:SECONDS`; a line id has at most 64).
pub const MAX_CHANGE_CHARS: usize = 100;
/// Largest body of `POST /api/v1/forecast/what-if`, bytes.
pub const MAX_WHAT_IF_BODY: usize = 4096;
/// What-ifs computed at once (more wait their turn).
const WHAT_IF_CONCURRENCY: usize = 2;

/// The forecast of the latest live state.
#[derive(Debug, Clone)]
pub struct Latest {
    /// When it was computed (server clock, UTC); sample `k` is at this time + `t[k]`.
    pub at: Timestamp,
    /// `seq` of the latest reading the state had applied.
    pub seq: u64,
    /// The forecast.
    pub forecast: VenueForecast,
    /// Milliseconds the model took.
    pub compute_ms: f64,
}

/// The server's forecaster: the venue's network (or why there is none) and the latest
/// forecast. Cheap to share ([`Arc`]).
pub struct Forecaster {
    venue: Arc<Venue>,
    network: Result<VenueNetwork, String>,
    latest: RwLock<Option<Arc<Latest>>>,
    what_ifs: Semaphore,
}

impl std::fmt::Debug for Forecaster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Forecaster")
            .field("venue", &self.venue.id)
            .field("on", &self.network.is_ok())
            .finish()
    }
}

/// Why a what-if cannot be computed.
#[derive(Debug, Clone, PartialEq)]
pub enum WhatIfError {
    /// The forecast is off for this venue (the reason).
    Off(String),
    /// Change `index` names a line or zone the venue does not have (the model's message).
    Unknown {
        /// Index of the change.
        index: usize,
        /// `line` or `zone`.
        kind: &'static str,
        /// The id.
        id: String,
        /// The message.
        message: String,
    },
    /// The server is shutting down, or the model failed (the message).
    Failed(String),
}

impl Forecaster {
    /// The forecaster of `venue`: builds its network with the default bottleneck capacity
    /// ([`BOTTLENECK_CAPACITY`]). A venue without a network gets a forecaster that is off.
    pub fn new(venue: Arc<Venue>) -> Forecaster {
        let network = match VenueNetwork::new(&venue, BOTTLENECK_CAPACITY) {
            Ok(vn) if vn.net.links.is_empty() => Err(format!(
                "the forecast is off for venue {:?}: none of its lines has an `into` or `from` \
                 zone, so its zones are not joined into a network (docs/serve.md §1.6)",
                venue.id
            )),
            Ok(vn) => Ok(vn),
            Err(e) => Err(format!("the forecast is off for venue {:?}: {e}", venue.id)),
        };
        match &network {
            Ok(vn) => tracing::info!(
                zones = vn.net.cells.len(),
                links = vn.net.links.len(),
                every_s = PERIOD.as_secs(),
                "forecast on"
            ),
            Err(why) => tracing::warn!("{why}"),
        }
        Forecaster {
            venue,
            network,
            latest: RwLock::new(None),
            what_ifs: Semaphore::new(WHAT_IF_CONCURRENCY),
        }
    }

    /// Why the forecast is off, if it is.
    pub fn off(&self) -> Option<&str> {
        self.network.as_ref().err().map(String::as_str)
    }

    /// The latest forecast, if one was computed.
    pub fn latest(&self) -> Option<Arc<Latest>> {
        self.latest.read().ok().and_then(|l| l.clone())
    }

    /// The forecast of `state` with `what_ifs` (none: doing nothing), on this thread; `None`
    /// when the forecast is off ([`Forecaster::off`]).
    ///
    /// # Errors
    /// [`ForecastError`] from the model (a what-if naming what the venue does not have).
    pub fn compute(
        &self,
        state: &VenueState,
        what_ifs: &[WhatIf],
    ) -> Option<Result<VenueForecast, ForecastError>> {
        let vn = self.network.as_ref().ok()?;
        Some(forecast(
            vn,
            &self.venue,
            &Live::from_state_at(state, now()),
            what_ifs,
            HORIZON_S,
            DT_S,
            EVERY_S,
        ))
    }

    /// Forecasts `state` off the runtime and keeps it as the latest.
    async fn refresh(self: &Arc<Self>, state: VenueState) -> Option<Arc<Latest>> {
        let me = self.clone();
        let at = now();
        let seq = state.seq;
        let done = tokio::task::spawn_blocking(move || {
            let start = Instant::now();
            let f = me.compute(&state, &[]);
            (f, start.elapsed().as_secs_f64() * 1e3)
        })
        .await;
        let (f, compute_ms) = match done {
            Ok((Some(Ok(f)), ms)) => (f, ms),
            Ok((None, _)) => return None,
            Ok((Some(Err(e)), _)) => {
                tracing::error!(error = %e, "forecast of the live state failed");
                return None;
            }
            Err(e) => {
                tracing::error!(error = %e, "forecast task failed");
                return None;
            }
        };
        tracing::debug!(compute_ms, "forecast");
        let latest = Arc::new(Latest {
            at,
            seq,
            forecast: f,
            compute_ms,
        });
        if let Ok(mut l) = self.latest.write() {
            *l = Some(latest.clone());
        }
        Some(latest)
    }

    /// The latest forecast; computed now from the live state if none is yet.
    ///
    /// # Errors
    /// [`AppError::Conflict`] when the forecast is off; [`AppError::Unavailable`] when the
    /// server is shutting down or the model failed.
    pub async fn latest_or_now(
        self: &Arc<Self>,
        pipeline: &PipelineHandle,
    ) -> Result<Arc<Latest>, AppError> {
        if let Some(why) = self.off() {
            return Err(AppError::Conflict(why.to_owned()));
        }
        if let Some(l) = self.latest() {
            return Ok(l);
        }
        let state = pipeline
            .state()
            .await
            .ok_or_else(|| AppError::Unavailable("the server is shutting down".into()))?;
        self.refresh(state)
            .await
            .ok_or_else(|| AppError::Unavailable("the forecast failed; see the log".into()))
    }

    /// The forecast of the live state now with `changes` and without, from the same state:
    /// (when, seq, doing nothing, with the changes).
    ///
    /// # Errors
    /// [`WhatIfError`].
    pub async fn what_if(
        self: &Arc<Self>,
        pipeline: &PipelineHandle,
        changes: Vec<WhatIf>,
    ) -> Result<(Timestamp, u64, VenueForecast, VenueForecast), WhatIfError> {
        if let Some(why) = self.off() {
            return Err(WhatIfError::Off(why.to_owned()));
        }
        let _permit = self
            .what_ifs
            .acquire()
            .await
            .map_err(|e| WhatIfError::Failed(e.to_string()))?;
        let state = pipeline
            .state()
            .await
            .ok_or_else(|| WhatIfError::Failed("the server is shutting down".into()))?;
        let at = now();
        let seq = state.seq;
        let written: Vec<String> = changes.iter().map(ToString::to_string).collect();
        let me = self.clone();
        let (base, alt) = tokio::task::spawn_blocking(move || {
            (me.compute(&state, &[]), me.compute(&state, &changes))
        })
        .await
        .map_err(|e| WhatIfError::Failed(e.to_string()))?;
        let off = || WhatIfError::Off(self.off().unwrap_or_default().to_owned());
        let base = base
            .ok_or_else(off)?
            .map_err(|e| WhatIfError::Failed(e.to_string()))?;
        let alt = alt.ok_or_else(off)?.map_err(|e| match e {
            ForecastError::WhatIf { what, kind, id, .. } => WhatIfError::Unknown {
                index: written.iter().position(|w| *w == what).unwrap_or(0),
                kind,
                id,
                message: what,
            },
            other => WhatIfError::Failed(other.to_string()),
        })?;
        Ok((at, seq, base, alt))
    }
}

/// Forecasts the live state every [`PERIOD`] (the first at once), keeps it and pushes it,
/// until `stop` resolves or the pipeline ends. Does nothing when the forecast is off.
pub async fn run(
    forecaster: Arc<Forecaster>,
    pipeline: PipelineHandle,
    stop: impl Future<Output = ()>,
) {
    if forecaster.off().is_some() {
        return;
    }
    let mut tick = tokio::time::interval(PERIOD);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => break,
            _ = tick.tick() => {
                let Some(state) = pipeline.state().await else { break };
                if let Some(latest) = forecaster.refresh(state).await {
                    pipeline.push(message(&forecaster.venue, &latest));
                }
            }
        }
    }
}

/// The live message of a forecast: `{"type": "forecast", "forecast": …}`, the body of
/// `GET /api/v1/forecast`.
pub fn message(venue: &Venue, latest: &Latest) -> String {
    json!({"type": "forecast", "forecast": latest_json(venue, latest)}).to_string()
}

/// `x` rounded to `digits` decimals (the series are sent with the precision they have).
fn round(x: f64, digits: i32) -> f64 {
    let k = 10f64.powi(digits);
    (x * k).round() / k
}

/// A zone's summary (peak, time at E or worse and at F, time to clear) in `venue`.
pub fn summaries(venue: &Venue, f: &VenueForecast) -> Vec<ZoneSummary> {
    (0..f.zones.len())
        .map(|i| f.summary(i, venue.zones[i].walkable_m2))
        .collect()
}

/// A forecast as JSON: [`aman_forecast::report`]'s shape, the same as `aman forecast
/// --json`'s `forecast` (per zone the density, its band and Fruin level at each sample, the
/// peak, the seconds at E or worse and at F, the time to clear, when each threshold is
/// reached; per gate from the outside the persons waiting; the inputs missing or stale).
pub fn forecast_json(venue: &Venue, f: &VenueForecast) -> Value {
    let areas: Vec<f64> = venue.zones.iter().map(|z| z.walkable_m2).collect();
    serde_json::to_value(ForecastReport::new(f, &areas)).unwrap_or(Value::Null)
}

fn model_json() -> Value {
    json!({
        "model": "cell-transmission (Daganzo 1994, 1995) on Weidmann's fundamental diagram",
        "horizon_s": HORIZON_S,
        "every_s": EVERY_S,
        "capacity_per_m_s": BOTTLENECK_CAPACITY,
        "free_speed_m_s": Weidmann::default().free_speed,
    })
}

/// The body of `GET /api/v1/forecast`.
pub fn latest_json(venue: &Venue, latest: &Latest) -> Value {
    let mut v = model_json();
    v["venue"] = json!(venue.id);
    v["computed_at"] = json!(latest.at);
    v["seq"] = json!(latest.seq);
    v["period_s"] = json!(PERIOD.as_secs());
    v["compute_ms"] = json!(round(latest.compute_ms, 3));
    if let (Some(o), Value::Object(f)) = (v.as_object_mut(), forecast_json(venue, &latest.forecast))
    {
        o.extend(f);
    }
    v
}

/// Per zone, the what-if's figures against doing nothing: the change of peak density, of
/// seconds at E or worse and at F, and both times to clear.
pub fn difference_json(venue: &Venue, base: &VenueForecast, alt: &VenueForecast) -> Value {
    let (b, a) = (summaries(venue, base), summaries(venue, alt));
    Value::Array(
        b.iter()
            .zip(&a)
            .zip(&base.zones)
            .map(|((b, a), z)| {
                json!({
                    "zone": z.id,
                    "peak_density": a.peak - b.peak,
                    "seconds_at_los_e_or_worse": a.above[0] - b.above[0],
                    "seconds_at_los_f": a.above[1] - b.above[1],
                    "clear_s": {"base": b.clear, "what_if": a.clear,
                                "difference": a.clear.zip(b.clear).map(|(a, b)| a - b)},
                })
            })
            .collect(),
    )
}

/// `GET /api/v1/forecast`: the latest forecast (computed every [`PERIOD`]); 409 when the
/// forecast is off for this venue.
pub async fn latest(Ctx(app): Ctx, _: Caller) -> Result<Json<Value>, AppError> {
    let l = app.forecast.latest_or_now(&app.pipeline).await?;
    Ok(Json(latest_json(&app.venue, &l)))
}

/// Body of `POST /api/v1/forecast/what-if`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhatIfBody {
    /// `close:LINE`, `open:LINE`, `hold:LINE:SECONDS`, `evacuate:ZONE`.
    pub changes: Vec<String>,
}

/// Parses and bounds the changes of a what-if: 1 to [`MAX_CHANGES`], each at most
/// [`MAX_CHANGE_CHARS`] characters and of the form `WhatIf` parses.
///
/// # Errors
/// [`AppError::Unprocessable`] naming the change (`changes[i]`).
pub fn parse_changes(changes: &[String]) -> Result<Vec<WhatIf>, AppError> {
    let bad = |field: String, message: String| AppError::Unprocessable {
        message,
        field: Some(field),
    };
    if changes.is_empty() {
        return Err(bad(
            "changes".into(),
            "changes: give at least one change (close:LINE, open:LINE, hold:LINE:SECONDS or \
             evacuate:ZONE)"
                .into(),
        ));
    }
    if changes.len() > MAX_CHANGES {
        return Err(bad(
            "changes".into(),
            format!("changes: {} changes; at most {MAX_CHANGES}", changes.len()),
        ));
    }
    changes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if c.chars().count() > MAX_CHANGE_CHARS {
                return Err(bad(
                    format!("changes[{i}]"),
                    format!("changes[{i}]: longer than {MAX_CHANGE_CHARS} characters"),
                ));
            }
            c.parse::<WhatIf>()
                .map_err(|e| bad(format!("changes[{i}]"), format!("changes[{i}]: {e}")))
        })
        .collect()
}

/// `POST /api/v1/forecast/what-if`: `{"changes": ["close:LINE", "hold:LINE:300", …]}`, the
/// forecast of the live state with the changes and without, and per zone the difference.
/// 413 for a body over [`MAX_WHAT_IF_BODY`] bytes, 400 for one that is not that JSON, 422 for
/// a bad change or one naming a line or zone the venue does not have, 409 when the forecast
/// is off.
pub async fn what_if(Ctx(app): Ctx, _: Caller, body: Bytes) -> Result<Json<Value>, AppError> {
    if body.len() > MAX_WHAT_IF_BODY {
        return Err(AppError::TooLarge(format!(
            "the body is {} bytes; a what-if has at most {MAX_WHAT_IF_BODY}",
            body.len()
        )));
    }
    let b: WhatIfBody = serde_json::from_slice(&body).map_err(|e| AppError::BadRequest {
        message: format!(
            "body: {e}; expected {{\"changes\": [\"close:LINE\", \"hold:LINE:SECONDS\", …]}}"
        ),
        field: Some("changes".into()),
    })?;
    let changes = parse_changes(&b.changes)?;
    let written: Vec<String> = changes.iter().map(ToString::to_string).collect();
    let (at, seq, base, alt) = app
        .forecast
        .what_if(&app.pipeline, changes)
        .await
        .map_err(|e| match e {
            WhatIfError::Off(why) => AppError::Conflict(why),
            WhatIfError::Unknown {
                index: i,
                kind,
                id,
                message,
            } => AppError::Unprocessable {
                message: format!(
                    "changes[{i}]: {message}: venue {:?} has no {kind} {id:?}",
                    app.venue.id
                ),
                field: Some(format!("changes[{i}]")),
            },
            WhatIfError::Failed(m) => AppError::Unavailable(m),
        })?;
    let mut v = model_json();
    v["venue"] = json!(app.venue.id);
    v["computed_at"] = json!(at);
    v["seq"] = json!(seq);
    v["changes"] = json!(written);
    v["base"] = forecast_json(&app.venue, &base);
    v["what_if"] = forecast_json(&app.venue, &alt);
    v["difference"] = difference_json(&app.venue, &base, &alt);
    Ok(Json(v))
}
