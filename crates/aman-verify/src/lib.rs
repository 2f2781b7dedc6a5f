//! # aman-verify
//!
//! Is the simulator right? Two suites, each a list of [`Outcome`]s that `aman verify` prints
//! (PASS/FAIL with the measured figure and the criterion) and writes as an HTML report:
//!
//! - [`rimea`]: the RiMEA 3.0 guideline's tests 1–15 (RiMEA e.V., "Richtlinie für
//!   Mikroskopische Entfluchtungsanalysen", version 3.0.0, 2016; also the base of DIN SPEC
//!   91284), each a shipped scenario under `scenarios/rimea/` run and checked against the
//!   guideline's criterion;
//! - [`experiments`]: the bottleneck experiments of `../shared/data` simulated and compared with
//!   the measured flow, density in front of the opening and N–t curve, followed by the
//!   [`published`] bottleneck experiments (flow against width tables) rebuilt and simulated.
//!
//! Both run with either pedestrian model (`--model`) at its default parameters.
#![forbid(unsafe_code)]

pub mod calibrate;
pub mod experiments;
pub mod harness;
pub mod published;
pub mod rimea;

use std::path::PathBuf;

pub use harness::{Options, RunLog};

/// Errors that stop a test from running at all (a test that runs and misses its criterion is an
/// [`Outcome`] with [`Verdict::Fail`], not an error).
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// A shipped scenario failed to load.
    #[error(transparent)]
    Scenario(#[from] aman_scenario::ScenarioError),
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A scenario file is not valid TOML for a scenario.
    #[error("{path}: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Real data needed by a test is missing or unreadable.
    #[error("{0}")]
    Data(String),
    /// An analysis of the simulated or measured trajectories failed.
    #[error("{0}")]
    Analysis(String),
    /// The options name something that does not exist (a model, a test number).
    #[error("{0}")]
    Options(String),
}

/// The result of one test.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The criterion is met.
    Pass,
    /// The criterion is missed.
    Fail,
    /// The guideline asks for documentation only: the figures are reported, nothing is judged.
    Documented,
}

impl Verdict {
    /// `PASS`, `FAIL` or `DOC`.
    pub fn label(&self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
            Verdict::Documented => "DOC",
        }
    }
    /// Pass if `ok`, else fail.
    pub fn from_bool(ok: bool) -> Self {
        if ok { Verdict::Pass } else { Verdict::Fail }
    }
}

/// What one test found.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Short id, e.g. `RiMEA 4` or `HERMES AO300`.
    pub id: String,
    /// What is tested, e.g. "fundamental diagram".
    pub title: String,
    /// The criterion in words with its numbers, e.g. "travel time 26–34 s".
    pub criterion: String,
    /// The measured figure(s) in words with units, e.g. "30.08 s".
    pub measured: String,
    /// Pass, fail or documentation only.
    pub verdict: Verdict,
    /// Further lines for the report: per-group counts, parameter values, the scenario files.
    pub details: Vec<String>,
    /// Plots for the report.
    pub figures: Vec<Figure>,
}

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesStyle {
    /// Straight segments between points.
    Line,
    /// A staircase (value holds until the next point): N–t curves, histograms.
    Step,
    /// Unconnected dots: measured fundamental-diagram points.
    Points,
    /// Dashed: reference curves (Weidmann's fundamental diagram, measured N–t).
    Dashed,
}

/// One named series of `(x, y)` points in data units.
#[derive(Debug, Clone)]
pub struct Series {
    /// Legend entry.
    pub name: String,
    /// The points.
    pub points: Vec<(f64, f64)>,
    /// How to draw it.
    pub style: SeriesStyle,
}

/// An x–y plot of the report.
#[derive(Debug, Clone)]
pub struct Figure {
    /// Title above the plot.
    pub title: String,
    /// x-axis label with unit.
    pub x_label: String,
    /// y-axis label with unit.
    pub y_label: String,
    /// The series.
    pub series: Vec<Series>,
}

/// Weidmann's fundamental diagram, speed (m/s) at density `rho` (1/m²):
/// `v(ρ) = 1.34 · (1 − exp(−1.913 · (1/ρ − 1/5.4)))`, zero at and above the jam density 5.4 /m²
/// (U. Weidmann, "Transporttechnik der Fussgänger", Schriftenreihe des IVT 90, ETH Zürich, 1993,
/// as quoted by RiMEA 3.0, test 4: free speed 1.34 m/s, γ = 1.913 m⁻², ρ_max = 5.4 m⁻²).
pub fn weidmann_speed(rho: f64) -> f64 {
    if rho <= 0.0 {
        return 1.34;
    }
    (1.34 * (1.0 - (-1.913 * (1.0 / rho - 1.0 / 5.4)).exp())).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Weidmann's curve: 1.34 m/s free, 0 at the jam density, 1.058 m/s at 1 /m² and
    /// 0.331 m/s at 3 /m² (the formula evaluated by hand).
    #[test]
    fn weidmann_curve_values() {
        assert!((weidmann_speed(0.0) - 1.34).abs() < 1e-12);
        assert_eq!(weidmann_speed(5.4), 0.0);
        assert_eq!(weidmann_speed(6.0), 0.0);
        // 1 − exp(−1.913·(1 − 0.185185)) = 1 − exp(−1.558741) = 0.789599
        assert!((weidmann_speed(1.0) - 1.34 * 0.789_599).abs() < 1e-5);
        // 1 − exp(−1.913·(0.333333 − 0.185185)) = 1 − exp(−0.283407) = 0.246787
        assert!((weidmann_speed(3.0) - 1.34 * 0.246_787).abs() < 1e-5);
    }
}
