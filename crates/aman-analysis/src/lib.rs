//! # aman-analysis
//!
//! Measures of pedestrian dynamics, on any source of positions and crossing times (a
//! simulation run, a recorded experiment, live counters): what PedPy computes, typed and in SI
//! units. One function per measure; each documents its formula, its units, its edge handling and
//! the PedPy 1.5.1 function it matches.
//!
//! - [`flow`]: N–t diagrams, mean flow, specific flow, flow in time windows and by JPSreport's
//!   method A (persons, 1/s, 1/(m·s)).
//! - [`evacuation`]: t50, t90, t100 (s).
//! - [`density`]: classic density on a grid of cells, optionally divided by each cell's
//!   walkable area, with each cell's peak and when it occurred (1/m²).
//! - [`los`]: Fruin's level of service for walkways (A–F) from a density.
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
pub use los::FruinLevel;
