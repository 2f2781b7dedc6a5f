//! RiMEA 3.0, test 9: "Crowd leaving a large public room".
//!
//! Geometry (`scenarios/rimea/09-large-room.toml`): a room 30 m × 20 m with four exits 1 m wide
//! at the corners of its long sides (x ∈ [0, 1] and [29, 30] in the walls y = 0 and y = 20, each
//! leading into a 1 m deep stub); 1,000 persons placed uniformly at random (desired speeds
//! uniform in 1.0–1.4 m/s). Run 1: all four exits open, each person takes the nearest. Run 2:
//! the same crowd with the two exits of the upper wall (y = 20) removed from the journey (our
//! choice of which two to close; the guideline closes two of the four).
//!
//! Criterion (RiMEA 3.0, test 9): everybody leaves in both runs (no deadlock), and the evacuation
//! time with two exits is about twice that with four — accepted within 1.6–2.4 times; no position
//! outside the room, no wall crossed.

use aman_scenario::file::StepEntry;

use super::util::{base_details, no_wall_problems};
use crate::{Figure, Options, Outcome, Series, SeriesStyle, Verdict, VerifyError, harness};

/// The scenario, relative to `scenarios/`.
pub const SCENARIO: &str = "rimea/09-large-room.toml";
/// The exits closed in the second run.
pub const CLOSED: [&str; 2] = ["upper-left", "upper-right"];
/// Admissible ratio of the evacuation times, two exits over four.
pub const RATIO: (f64, f64) = (1.6, 2.4);

/// Runs test 9.
///
/// # Errors
/// [`VerifyError`] if the scenario cannot be loaded.
pub fn run(opts: &Options) -> Result<Outcome, VerifyError> {
    let (file, path) = harness::parse(opts, SCENARIO)?;
    let mut two = file.clone();
    for j in &mut two.journeys {
        for step in &mut j.stages {
            if let StepEntry::AnyOf(list) = step {
                list.retain(|s| !CLOSED.contains(&s.as_str()));
            }
        }
    }
    let mut runs = Vec::new();
    for f in [file, two] {
        let mut sc = harness::build(opts, f, &path)?;
        let total = sc.total_agents();
        let log = harness::run(&mut sc, |_| {});
        let mut times: Vec<f64> = sc.simulation.exits().iter().map(|e| e.time).collect();
        times.sort_by(f64::total_cmp);
        let mut per_exit = Vec::new();
        for (k, st) in sc.simulation.stages().iter().enumerate() {
            let n = sc
                .simulation
                .exits()
                .iter()
                .filter(|e| e.stage.0 as usize == k)
                .count();
            per_exit.push(format!("{} {n}", st.name));
        }
        runs.push((total, log, times, per_exit.join(", ")));
    }
    let t4 = runs[0].2.last().copied();
    let t2 = runs[1].2.last().copied();
    let all_left = runs
        .iter()
        .all(|(total, log, times, _)| log.remaining == 0 && times.len() == *total);
    let ratio = match (t4, t2) {
        (Some(a), Some(b)) if a > 0.0 => Some(b / a),
        _ => None,
    };
    let ok = all_left
        && runs.iter().all(|r| no_wall_problems(&r.1))
        && ratio.is_some_and(|r| (RATIO.0..=RATIO.1).contains(&r));
    let fmt = |t: Option<f64>| t.map_or("—".to_string(), |t| format!("{t:.1} s"));
    let mut details = base_details(
        opts,
        &[&path],
        &[("four exits", &runs[0].1), ("two exits", &runs[1].1)],
    );
    details.push(format!(
        "four exits: {} left ({})",
        runs[0].2.len(),
        runs[0].3
    ));
    details.push(format!(
        "two exits: {} left ({})",
        runs[1].2.len(),
        runs[1].3
    ));
    Ok(Outcome {
        id: "RiMEA 9".into(),
        title: "crowd leaving a large public room".into(),
        criterion: format!(
            "1000 persons all leave with four and with two 1 m exits; t(two)/t(four) in {}–{}",
            RATIO.0, RATIO.1
        ),
        measured: format!(
            "four exits {}, two exits {}, ratio {}",
            fmt(t4),
            fmt(t2),
            ratio.map_or("—".into(), |r| format!("{r:.2}"))
        ),
        verdict: Verdict::from_bool(ok),
        details,
        figures: vec![Figure {
            title: "Persons out over time".into(),
            x_label: "time (s)".into(),
            y_label: "persons out".into(),
            series: vec![
                Series {
                    name: "four exits".into(),
                    points: harness::n_t(&runs[0].2),
                    style: SeriesStyle::Step,
                },
                Series {
                    name: "two exits".into(),
                    points: harness::n_t(&runs[1].2),
                    style: SeriesStyle::Step,
                },
            ],
        }],
    })
}
