//! The server's shared state and limits.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use aman_monitor::{Timestamp, Venue};
use aman_ops::Mode;
use aman_store::Store;

use crate::auth::TokenCache;
use crate::pipeline::PipelineHandle;

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
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_body: 4 << 20,
            rate: 20_000.0,
            burst: 40_000.0,
            max_ahead_s: 300.0,
        }
    }
}

/// Per-sensor token buckets (rate limit in readings per second).
#[derive(Debug, Default)]
pub struct RateLimiter {
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    /// Takes `n` readings from `sensor`'s bucket; `Err(seconds to wait)` if they do not fit.
    pub fn take(&self, sensor: &str, n: usize, limits: &Limits) -> Result<(), f64> {
        let Ok(mut map) = self.buckets.lock() else {
            return Ok(());
        };
        let now = Instant::now();
        let (level, at) = map.entry(sensor.to_string()).or_insert((limits.burst, now));
        *level = (*level + at.elapsed().as_secs_f64() * limits.rate).min(limits.burst);
        *at = now;
        let n = n as f64;
        if n <= *level {
            *level -= n;
            Ok(())
        } else {
            Err((n - *level) / limits.rate)
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
    /// Limits.
    pub limits: Limits,
    /// Actual, exercise or test.
    pub mode: Mode,
}

/// The server's clock, UTC.
pub fn now() -> Timestamp {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    Timestamp(d.as_micros() as i64)
}
