//! # aman-scenario
//!
//! The aman scenario file (TOML): what a planner writes to describe a run — geometry, model,
//! stages, journeys, populations, sources, events, measurement lines, output. [`load`] parses
//! it (unknown keys are errors), resolves every name, checks every value against its documented
//! range, places the agents and returns a [`Scenario`] whose [`aman_sim::Simulation`] is ready to
//! step. Every error names the file, the key and what would be valid.
#![forbid(unsafe_code)]

mod build;
pub mod defaults;
mod error;
pub mod file;
mod run;
mod syntax;

pub use build::{
    MAX_AGENTS, MAX_SNAPSHOTS, Overrides, Scenario, build, draw_params, load, load_str, load_with,
    place,
};
pub use defaults::ParameterSet;
pub use error::ScenarioError;
pub use run::{RunLog, run_checked};
pub use syntax::parse_str;
