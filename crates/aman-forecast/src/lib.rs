//! # aman-forecast
//!
//! Where the crowd will be in the next minutes, from the live state of a venue: a pure core
//! with no I/O, used by `aman serve` (always on, every few seconds) and `aman forecast`
//! (offline, for planners).
//!
//! - [`fd`]: the fundamental diagram (Weidmann 1993) and the demand and supply functions of
//!   the cell-transmission model.
//! - [`ctm`]: the network forecast, a pedestrian cell-transmission model (Daganzo 1994, 1995)
//!   over cells (zones) and links (gates, openings), with bottleneck capacities per metre of
//!   clear width: per-cell density over time, time until a density is reached, queues at the
//!   gates.
//! - [`live`]: the live input (the monitor's state, or a state file).
//! - [`venue`]: a venue's zones and lines as that network, started from the live input, with
//!   what-ifs (close, open or hold a gate, evacuate a zone) compared against doing nothing,
//!   and bands that widen with the inputs missing or from stale sensors.
//! - [`sim`]: the simulation forecast, `aman-sim` run ahead from the live state as an
//!   ensemble of seeds (per-zone density percentiles), with the same what-ifs.
//! - [`report`]: the network forecast's JSON shape, shared by `aman forecast --json` and
//!   `aman serve`'s API.
#![forbid(unsafe_code)]

pub mod ctm;
pub mod fd;
pub mod live;
pub mod report;
pub mod sim;
pub mod venue;

pub use ctm::{
    Cell, Link, Network, NetworkError, Sample, State, WidthChange, forecast, forecast_with, step,
    time_to_reach,
};
pub use fd::{DemandSupply, Weidmann};
pub use live::{Live, LiveError};
pub use report::ForecastReport;
pub use sim::{SimForecast, SimForecastError, SimOptions, simulate};
pub use venue::{
    ForecastError, InputKind, LineForecast, UncertainInput, Uncertainty, VenueForecast,
    VenueNetwork, WhatIf,
};
