//! RiMEA 3.0, test 15: "Movement around a corner at large scale".
//!
//! Geometry (after JuPedSim's RiMEA test 15: corridors 20 m wide, 500 persons): the crowd
//! starts in an 8 m deep block (3.1 /m², desired speeds uniform in 1.0–1.4 m/s) across a 20 m
//! wide corridor, walks along x, turns left around a corner (inner corner at (40, 20), outer
//! corner cut at 45° from (50, 0) to (60, 10)) and leaves at the end of the second leg
//! (y > 29.5 m) (`scenarios/rimea/15-large-corner.toml`). The same crowd walks two straight
//! corridors of the same width whose lengths from the block's front to the exit are the inner
//! path length around the corner, 32 + 10 = 42 m (`15-straight-short.toml`), and the outer one,
//! 42 + 14.1 + 20 = 76.1 m (`15-straight-long.toml`).
//!
//! All three scenarios use density-aware routing (`geometry.dynamic_routing = 1`, see
//! `aman_sim::SimConfig::dynamic_routing`): with routes computed once, all 500 agents head for
//! the inner corner, the crowd uses about half the width of the second leg, and with the
//! collision-free speed model the corner takes longer than the long straight corridor. That
//! run (the corner with routes computed once) is made too and reported in the details.
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
    // for comparison: the corner with routes computed once
    let static_corner = {
        let (mut f, path) = harness::parse(opts, SCENARIO)?;
        f.geometry.dynamic_routing = None;
        let mut sc = harness::build(opts, f, &path)?;
        let log = harness::run(&mut sc, |_| {});
        let last = sc
            .simulation
            .exits()
            .iter()
            .map(|e| e.time)
            .fold(0.0, f64::max);
        format!(
            "for comparison, the corner with routes computed once (no dynamic_routing): last \
             person out at {last:.2} s; {}",
            log.summary()
        )
    };
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
        ("short straight (42 m)", 0),
        ("corner", 1),
        ("long straight (76 m)", 2),
    ] {
        details.push(format!(
            "{name}: {} of {} out, last at {:.2} s, mean exit time {:.2} s",
            runs[k].3.len(),
            runs[k].1,
            last(k),
            mean(&runs[k].3).unwrap_or(f64::NAN)
        ));
    }
    details.push(static_corner);
    Ok(Outcome {
        id: "RiMEA 15".into(),
        title: "movement around a corner at large scale".into(),
        criterion: "evacuation time around the corner between those of straight corridors of the inner (42 m) and outer (76 m) path lengths; all leave".into(),
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
                    name: "straight, 42 m".into(),
                    points: harness::n_t(&runs[0].3),
                    style: SeriesStyle::Dashed,
                },
                Series {
                    name: "corner".into(),
                    points: harness::n_t(&runs[1].3),
                    style: SeriesStyle::Step,
                },
                Series {
                    name: "straight, 76 m".into(),
                    points: harness::n_t(&runs[2].3),
                    style: SeriesStyle::Dashed,
                },
            ],
        }],
    })
}
