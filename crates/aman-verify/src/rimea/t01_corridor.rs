//! RiMEA 3.0, test 1: "Maintaining the set walking speed in a corridor".
//!
//! Geometry: a corridor 2 m wide and 40 m long between a start line (x = 0.5 m) and a finish
//! line (x = 40.5 m) (`scenarios/rimea/01-corridor.toml`). One person of radius 0.2 m with a
//! desired speed of 1.33 m/s (4.8 km/h) starts just behind the start line.
//!
//! Criterion (RiMEA 3.0, section 4, test 1): the travel time between the two lines lies between
//! 26 s and 34 s (40 m / 1.33 m/s = 30.1 s ± about 13 %). The test also fails if the person does
//! not arrive by the end time, or is ever outside the corridor or walks through a wall.

use aman_sim::Simulation;

use super::util::{base_details, no_wall_problems};
use crate::{Figure, Options, Outcome, Series, SeriesStyle, Verdict, VerifyError, harness};

/// The scenario, relative to `scenarios/`.
pub const SCENARIO: &str = "rimea/01-corridor.toml";
/// Shortest admissible travel time, s.
pub const MIN_TIME: f64 = 26.0;
/// Longest admissible travel time, s.
pub const MAX_TIME: f64 = 34.0;

/// Runs test 1.
///
/// # Errors
/// [`VerifyError`] if the scenario cannot be loaded.
pub fn run(opts: &Options) -> Result<Outcome, VerifyError> {
    let path = opts.scenario_path(SCENARIO);
    let mut sc = harness::load(opts, SCENARIO)?;
    let mut track: Vec<(f64, f64)> = Vec::new();
    let mut every = 0u32;
    let log = harness::run(&mut sc, |sim: &Simulation| {
        every += 1;
        if every.is_multiple_of(50)
            && let Some(v) = sim.agents().velocity.first()
        {
            track.push((sim.time(), v.norm()));
        }
    });
    let sim = &sc.simulation;
    let first = |line: usize| sim.crossing_times(line).first().copied();
    let travel = match (first(0), first(1)) {
        (Some(a), Some(b)) => Some(b - a),
        _ => None,
    };
    let ok = travel.is_some_and(|t| (MIN_TIME..=MAX_TIME).contains(&t))
        && log.remaining == 0
        && no_wall_problems(&log);
    let measured = match travel {
        Some(t) => format!("travel time {t:.2} s (mean speed {:.3} m/s)", 40.0 / t),
        None => "the person did not cross both lines".into(),
    };
    let mut details = base_details(opts, &[&path], &[("", &log)]);
    let when = |t: Option<f64>| t.map_or("never".to_string(), |t| format!("at {t:.3} s"));
    details.push(format!(
        "start line crossed {}, finish line {}",
        when(first(0)),
        when(first(1))
    ));
    Ok(Outcome {
        id: "RiMEA 1".into(),
        title: "maintaining the set walking speed in a corridor".into(),
        criterion: format!(
            "one person at 1.33 m/s walks 40 m in {MIN_TIME}–{MAX_TIME} s; arrives, never outside, no wall crossed"
        ),
        measured,
        verdict: Verdict::from_bool(ok),
        details,
        figures: vec![Figure {
            title: "Speed of the walker".into(),
            x_label: "time (s)".into(),
            y_label: "speed (m/s)".into(),
            series: vec![
                Series {
                    name: "simulated".into(),
                    points: track,
                    style: SeriesStyle::Line,
                },
                Series {
                    name: "desired speed 1.33 m/s".into(),
                    points: vec![(0.0, 1.33), (sc.simulation.time(), 1.33)],
                    style: SeriesStyle::Dashed,
                },
            ],
        }],
    })
}
