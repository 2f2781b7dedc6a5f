//! # aman-analysis
//!
//! Measures of pedestrian dynamics, on any source of positions and crossing times (a
//! simulation run, a recorded experiment, live counters): what PedPy 1.5.1 and JPSreport
//! compute, typed, in SI units, and matching them (the real-data tests in `tests/` compare
//! with both, frame by frame). One function per measure; each documents its formula, its
//! units, its edge handling and the PedPy function it matches.
//!
//! Everything starts from a [`TrajectoryIndex`] over an
//! [`aman_trajectory::TrajectoryData`]: per-frame row ranges and per-person tracks, built once
//! in O(n). Per-row results (speeds, Voronoi cells) are vectors aligned with the rows;
//! per-frame results are a [`FrameSeries`].
//!
//! - [`validation`]: points outside the walkable area, reported or moved in (PedPy's
//!   `correct_invalid_trajectories`).
//! - [`speed`]: individual speed, velocity and acceleration with the three border methods;
//!   mean speed in an area (m/s, m/s²).
//! - [`classic`]: classic density in a measurement area per frame (1/m²).
//! - [`voronoi`]: individual Voronoi cells clipped to the walkable area (cut-off, blind
//!   points), Voronoi density and speed (Zhang et al. 2011).
//! - [`crossing`] and [`flow`]: crossing frames, N–t diagram, mean and specific flow, flow in
//!   time windows and JPSreport's method A (1/s, 1/(m·s)).
//! - [`passing`]: JPSreport's method B, passing density and speed.
//! - [`line_fd`]: the line-based fundamental diagram (Adrian et al. 2024).
//! - [`profiles`]: density and speed profiles on a grid; [`rset`]: the RSET map;
//!   [`pressure`]: Helbing's crowd pressure ρ·Var(v) (1/s²).
//! - [`neighbours`]: Voronoi neighbours and their distances; [`time_distance`]: time and
//!   distance to a line.
//! - [`los`]: Fruin's level of service (walkway, stairway, queue) per value and over time;
//!   [`density`]: the peak-density grid of the simulation report; [`evacuation`]: t50, t90,
//!   t100 (s); [`stats`]: mean, standard deviation and 95th percentile of a figure over
//!   repeated runs.
//! - [`steady`]: automatic detection of the steady state of a density or speed time series
//!   (the modified CUSUM of Liao et al. 2016).
//!
//! ```
//! use aman_analysis::{evacuation_times, mean_flow, FruinLevel};
//! let exits = [2.0, 2.5, 3.0, 3.5, 4.0];
//! assert_eq!(mean_flow(&exits), Some(2.0)); // 4 gaps in 2 s
//! assert_eq!(evacuation_times(&exits, 5).t100, Some(4.0));
//! assert_eq!(FruinLevel::walkway(2.5), FruinLevel::F);
//! ```
#![forbid(unsafe_code)]

pub mod classic;
pub mod crossing;
pub mod density;
mod error;
pub mod evacuation;
pub mod flow;
pub mod index;
pub mod line_fd;
pub mod los;
pub mod neighbours;
pub mod passing;
pub mod pressure;
pub mod profiles;
pub mod rset;
pub mod speed;
pub mod stats;
pub mod steady;
pub mod time_distance;
pub mod validation;
pub mod voronoi;

pub use density::{DensityGrid, DensityPeak};
pub use error::AnalysisError;
pub use evacuation::{EvacuationTimes, evacuation_times};
pub use flow::{
    IntervalFlow, NtPoint, flow_in_windows, interval_flows, mean_flow, n_t, specific_flow,
};
pub use index::{FrameSeries, TrajectoryIndex};
pub use los::{FruinLevel, LosTable};
pub use speed::{IndividualVelocity, SpeedBorder};
pub use voronoi::{Cutoff, VoronoiCells};
