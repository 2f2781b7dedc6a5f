//! RiMEA 3.0, test 6: "Movement around a corner".
//!
//! Geometry (`scenarios/rimea/06-corner.toml`): a corridor 2 m wide, 12 m along x, then 12 m
//! along y (a left turn); twenty persons (desired speeds uniform in 1.0–1.4 m/s) start in its
//! first 6 m and walk to the end of the second leg.
//!
//! Criterion (RiMEA 3.0, test 6): the persons pass the corner without crossing the walls — no
//! position outside the walkable area, no move across a wall — and all twenty arrive by the end
//! time.

use super::util::{base_details, no_wall_problems, wall_series};
use crate::{Figure, Options, Outcome, Series, SeriesStyle, Verdict, VerifyError, harness};

/// The scenario, relative to `scenarios/`.
pub const SCENARIO: &str = "rimea/06-corner.toml";

/// Runs test 6.
///
/// # Errors
/// [`VerifyError`] if the scenario cannot be loaded.
pub fn run(opts: &Options) -> Result<Outcome, VerifyError> {
    let path = opts.scenario_path(SCENARIO);
    let mut sc = harness::load(opts, SCENARIO)?;
    let total = sc.total_agents();
    let every = (0.5 / sc.simulation.config().dt).round().max(1.0) as u64;
    let mut track = Vec::new();
    let log = harness::run(&mut sc, |sim| {
        if sim.iteration().is_multiple_of(every) {
            track.extend(sim.agents().position.iter().map(|p| (p.x, p.y)));
        }
    });
    let arrived = sc.simulation.exits().len();
    let ok = log.remaining == 0 && arrived == total && no_wall_problems(&log);
    let mut details = base_details(opts, &[&path], &[("", &log)]);
    details.push(format!("{arrived} of {total} persons arrived"));
    let mut series = wall_series(&sc.simulation);
    series.push(Series {
        name: "positions every 0.5 s".into(),
        points: track,
        style: SeriesStyle::Points,
    });
    Ok(Outcome {
        id: "RiMEA 6".into(),
        title: "movement around a corner".into(),
        criterion: format!(
            "all {total} persons turn the corner and arrive; no position inside a wall, no wall crossed"
        ),
        measured: format!(
            "{arrived} of {total} arrived by {:.1} s; {} positions outside, {} wall crossings",
            log.time, log.outside, log.crossed_wall
        ),
        verdict: Verdict::from_bool(ok),
        details,
        figures: vec![Figure {
            title: "Trajectories around the corner".into(),
            x_label: "x (m)".into(),
            y_label: "y (m)".into(),
            series,
        }],
    })
}
