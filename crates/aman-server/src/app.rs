//! The server's shared state and limits.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use aman_monitor::{Timestamp, Venue};
use aman_ops::Mode;
use aman_store::Store;

use crate::auth::TokenCache;
use crate::exercise::{Exercise, Exercises};
use crate::pipeline::PipelineHandle;
use crate::users::LoginGuard;

/// Limits on what clients may send.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Largest request body, bytes (default 4 MiB).
    pub max_body: usize,
    /// Readings a sensor may send per second, sustained (default 20 000).
    pub rate: f64,
    /// Readings a sensor may send in a burst above the rate (default 2 s worth).
    pub burst: f64,
    /// How far a sensor's clock may run ahead of the server's, s (default 300).
    pub max_ahead_s: f64,
    /// Login attempts a minute, per client address and per login name, sustained
    /// (default 10).
    pub login_per_min: f64,
    /// Login attempts allowed in a burst above that rate (default 10).
    pub login_burst: f64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_body: 4 << 20,
            rate: 20_000.0,
            burst: 40_000.0,
            max_ahead_s: 300.0,
            login_per_min: 10.0,
            login_burst: 10.0,
        }
    }
}

/// Token buckets per key (sensor, client address, login name).
#[derive(Debug, Default)]
pub struct RateLimiter {
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

/// Most keys a [`RateLimiter`] remembers; past that, the full buckets are forgotten (a
/// full bucket is the state of a key never seen), so keys chosen by a client cannot grow
/// the map without bound.
const MAX_KEYS: usize = 100_000;

impl RateLimiter {
    /// Takes `n` readings from `sensor`'s bucket; `Err(seconds to wait)` if they do not fit.
    pub fn take(&self, sensor: &str, n: usize, limits: &Limits) -> Result<(), f64> {
        self.take_with(sensor, n, limits.rate, limits.burst)
    }

    /// Takes `n` from `key`'s bucket of `burst` refilled at `rate` per second;
    /// `Err(seconds to wait)` if they do not fit.
    pub fn take_with(&self, key: &str, n: usize, rate: f64, burst: f64) -> Result<(), f64> {
        let Ok(mut map) = self.buckets.lock() else {
            return Ok(());
        };
        let now = Instant::now();
        if map.len() >= MAX_KEYS && !map.contains_key(key) {
            map.retain(|_, (level, at)| *level + at.elapsed().as_secs_f64() * rate < burst);
            if map.len() >= MAX_KEYS {
                map.clear();
            }
        }
        let (level, at) = map.entry(key.to_string()).or_insert((burst, now));
        *level = (*level + at.elapsed().as_secs_f64() * rate).min(burst);
        *at = now;
        let n = n as f64;
        if n <= *level {
            *level -= n;
            Ok(())
        } else {
            Err((n - *level) / rate)
        }
    }
}

/// Everything a handler may use. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The venue served.
    pub venue: Arc<Venue>,
    /// Persistence.
    pub store: Store,
    /// The ingest pipeline (readings in, state and alerts out).
    pub pipeline: PipelineHandle,
    /// Verified tokens.
    pub tokens: Arc<TokenCache>,
    /// Rate limits per sensor.
    pub rates: Arc<RateLimiter>,
    /// Login throttling and lock state.
    pub logins: Arc<LoginGuard>,
    /// Limits.
    pub limits: Limits,
    /// Actual, exercise or test.
    pub mode: Mode,
    /// The always-on forecast and the what-ifs ([`crate::forecast`]).
    pub forecast: Arc<crate::forecast::Forecaster>,
    /// CAP `sender` of the alerts.
    pub sender: String,
    /// The server's exercises ([`crate::exercise`]).
    pub exercises: Arc<Exercises>,
    /// The exercise whose context this is; `None`: live operations.
    pub exercise: Option<Arc<Exercise>>,
    /// Becomes `true` when the server stops.
    pub stop: tokio::sync::watch::Receiver<bool>,
    /// The MSEL library (`aman serve --exercises DIR`, [`crate::library`]), if any.
    pub library: Option<Arc<crate::library::Library>>,
    /// One permit: the exercise being made from the library (its crowd injects simulated)
    /// holds it, so a second one meanwhile is refused rather than queued.
    pub preparing: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    /// This state in exercise `e`'s context: its store handle, pipeline, forecast, and the
    /// `Exercise` mode (CAP `status`). See [`crate::exercise`].
    pub fn in_exercise(&self, e: Arc<Exercise>) -> AppState {
        AppState {
            store: e.store.clone(),
            pipeline: e.pipeline.clone(),
            forecast: e.forecast.clone(),
            mode: Mode::Exercise,
            exercise: Some(e),
            ..self.clone()
        }
    }
}

/// The server's clock, UTC.
pub fn now() -> Timestamp {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    Timestamp(d.as_micros() as i64)
}
