//! RiMEA 3.0, test 15: "Movement around a corner at large scale".
//!
//! Geometry: a crowd of 60 persons (x ∈ [0, 15] m of a 4 m wide corridor, 1 /m², desired
//! speeds uniform in 1.0–1.4 m/s) walks along x, turns left around a corner (inner corner at
//! (20, 4), outer at (24, 0)) and leaves at the end of the second leg (y > 23 m)
//! (`scenarios/rimea/15-large-corner.toml`). The same crowd walks two straight corridors of the
//! same width whose lengths from the crowd's front (x = 15 m) to the exit are the inner path
//! length around the corner, 5 + 19 = 24 m (`15-straight-short.toml`), and the outer one,
//! 9 + 23 = 32 m (`15-straight-long.toml`).
//!
//! Criterion (RiMEA 3.0, test 15): the time to walk around the corner lies between the times of
//! the short and the long straight corridor. Compared here: the evacuation time (last person
//! out); the mean exit time is reported too. Everybody must leave in all three runs, no position
//! outside, no wall crossed.

use super::util::{base_details, mean, no_wall_problems};
use crate::{Figure, Options, Outcome, Series, SeriesStyle, Verdict, VerifyError, harness};

/// The corner scenario, relative to `scenarios/`.
pub const SCENARIO: &str = "rimea/15-large-corner.toml";
/// The straight corridor as long as the inner path.
pub const SCENARIO_SHORT: &str = "rimea/15-straight-short.toml";
/// The straight corridor as long as the outer path.
pub const SCENARIO_LONG: &str = "rimea/15-straight-long.toml";

/// Runs test 15.
///
/// # Errors
/// [`VerifyError`] if a scenario cannot be loaded.
pub fn run(opts: &Options) -> Result<Outcome, VerifyError> {
    let mut runs = Vec::new();
    for rel in [SCENARIO_SHORT, SCENARIO, SCENARIO_LONG] {
        let mut sc = harness::load(opts, rel)?;
        let total = sc.total_agents();
        let log = harness::run(&mut sc, |_| {});
        let mut times: Vec<f64> = sc.simulation.exits().iter().map(|e| e.time).collect();
        times.sort_by(f64::total_cmp);
        runs.push((opts.scenario_path(rel), total, log, times));
    }
    let last = |k: usize| runs[k].3.last().copied().unwrap_or(f64::NAN);
    let (short, corner, long) = (last(0), last(1), last(2));
    let all_left = runs
        .iter()
        .all(|(_, total, log, times)| log.remaining == 0 && times.len() == *total);
    let ok = all_left
        && runs.iter().all(|r| no_wall_problems(&r.2))
        && short <= corner
        && corner <= long;
    let paths: Vec<&std::path::Path> = runs.iter().map(|r| r.0.as_path()).collect();
    let mut details = base_details(
        opts,
        &paths,
        &[
            ("short straight", &runs[0].2),
            ("corner", &runs[1].2),
            ("long straight", &runs[2].2),
        ],
    );
    for (name, k) in [
        ("short straight (24 m)", 0),
        ("corner", 1),
        ("long straight (32 m)", 2),
    ] {
        details.push(format!(
            "{name}: {} of {} out, last at {:.2} s, mean exit time {:.2} s",
            runs[k].3.len(),
            runs[k].1,
            last(k),
            mean(&runs[k].3).unwrap_or(f64::NAN)
        ));
    }
    let nt = |times: &[f64]| -> Vec<(f64, f64)> {
        let mut p = vec![(0.0, 0.0)];
        p.extend(times.iter().enumerate().map(|(i, t)| (*t, (i + 1) as f64)));
        p
    };
    Ok(Outcome {
        id: "RiMEA 15".into(),
        title: "movement around a corner at large scale".into(),
        criterion: "evacuation time around the corner between those of straight corridors of the inner (24 m) and outer (32 m) path lengths; all leave".into(),
        measured: format!(
            "short straight {short:.2} s ≤ corner {corner:.2} s ≤ long straight {long:.2} s"
        ),
        verdict: Verdict::from_bool(ok),
        details,
        figures: vec![Figure {
            title: "Persons out over time".into(),
            x_label: "time (s)".into(),
            y_label: "persons out".into(),
            series: vec![
                Series {
                    name: "straight, 24 m".into(),
                    points: nt(&runs[0].3),
                    style: SeriesStyle::Dashed,
                },
                Series {
                    name: "corner".into(),
                    points: nt(&runs[1].3),
                    style: SeriesStyle::Step,
                },
                Series {
                    name: "straight, 32 m".into(),
                    points: nt(&runs[2].3),
                    style: SeriesStyle::Dashed,
                },
            ],
        }],
    })
}
