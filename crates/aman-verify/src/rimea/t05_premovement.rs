//! RiMEA 3.0, test 5: "Pre-movement time".
//!
//! Geometry (`scenarios/rimea/05-premovement.toml`): a room 8 m × 8 m with a 1 m door in its
//! right wall; ten persons stand in a column 1 m from the left wall, 0.75 m apart, with
//! pre-movement times of 10, 20, …, 100 s (one population each, constant time).
//!
//! Criterion (RiMEA 3.0, test 5): each person starts to move at its pre-movement time. Here: the
//! first time step in which a person's position changes begins no earlier than its pre-movement
//! time and at most one time step later. Everybody must also leave by the end time, never be
//! outside the room nor cross a wall.

use aman_geometry::Vec2;

use super::util::{base_details, no_wall_problems};
use crate::{Figure, Options, Outcome, Series, SeriesStyle, Verdict, VerifyError, harness};

/// The scenario, relative to `scenarios/`.
pub const SCENARIO: &str = "rimea/05-premovement.toml";

/// Runs test 5.
///
/// # Errors
/// [`VerifyError`] if the scenario cannot be loaded or has an unexpected population.
pub fn run(opts: &Options) -> Result<Outcome, VerifyError> {
    let (file, path) = harness::parse(opts, SCENARIO)?;
    // each population's pre-movement time, s (constant per population)
    let mut premove = Vec::new();
    for p in &file.populations {
        match p.premovement_time {
            aman_scenario::file::Distribution::Constant(t) => premove.push(t),
            _ => {
                return Err(VerifyError::Data(format!(
                    "{}: population '{}' needs a constant pre-movement time",
                    path.display(),
                    p.name
                )));
            }
        }
    }
    let mut sc = harness::build(opts, file, &path)?;
    let dt = sc.simulation.config().dt;
    let groups = premove.len();
    // last position per agent id, and first start per group
    let mut last: Vec<(u64, Vec2)> = sc
        .simulation
        .agents()
        .id
        .iter()
        .zip(&sc.simulation.agents().position)
        .map(|(i, p)| (i.0, *p))
        .collect();
    let mut start: Vec<Option<f64>> = vec![None; groups];
    let log = harness::run(&mut sc, |sim| {
        let a = sim.agents();
        let begin = sim.time() - sim.config().dt;
        for i in 0..a.len() {
            if let Ok(k) = last.binary_search_by_key(&a.id[i].0, |e| e.0) {
                let g = a.group[i] as usize;
                if a.position[i] != last[k].1 {
                    if g < start.len() && start[g].is_none() {
                        start[g] = Some(begin);
                    }
                    last[k].1 = a.position[i];
                }
            }
        }
    });
    let mut ok = log.remaining == 0 && no_wall_problems(&log);
    let mut details = base_details(opts, &[&path], &[("", &log)]);
    let mut worst: f64 = 0.0;
    let mut points = Vec::new();
    for (g, &t) in premove.iter().enumerate() {
        match start[g] {
            Some(s) => {
                let on_time = s >= t - 1e-9 && s <= t + dt + 1e-9;
                ok &= on_time;
                worst = worst.max((s - t).abs());
                points.push((t, s));
                details.push(format!(
                    "person {}: pre-movement {t:.2} s, starts moving at {s:.2} s ({})",
                    g + 1,
                    if on_time { "on time" } else { "NOT on time" }
                ));
            }
            None => {
                ok = false;
                details.push(format!(
                    "person {}: pre-movement {t:.2} s, never moved",
                    g + 1
                ));
            }
        }
    }
    let started = start.iter().flatten().count();
    Ok(Outcome {
        id: "RiMEA 5".into(),
        title: "pre-movement time".into(),
        criterion: format!(
            "each of 10 persons starts moving at its pre-movement time 10, 20, …, 100 s, within one time step ({dt} s); all leave, no wall crossed"
        ),
        measured: format!(
            "{started} of {groups} started; largest difference start − pre-movement time {worst:.3} s"
        ),
        verdict: Verdict::from_bool(ok),
        details,
        figures: vec![Figure {
            title: "Start of movement vs pre-movement time".into(),
            x_label: "pre-movement time (s)".into(),
            y_label: "start of movement (s)".into(),
            series: vec![
                Series {
                    name: "simulated".into(),
                    points,
                    style: SeriesStyle::Points,
                },
                Series {
                    name: "start = pre-movement time".into(),
                    points: vec![(0.0, 0.0), (110.0, 110.0)],
                    style: SeriesStyle::Dashed,
                },
            ],
        }],
    })
}
