//! RiMEA 3.0, test 12: "Effect of bottlenecks".
//!
//! Geometry (`scenarios/rimea/12-bottleneck.toml`): room 1 (10 m × 10 m) with 150 persons, a
//! corridor 1 m wide and 5 m long, room 2 (10 m × 10 m) and its exit 2 m wide.
//!
//! Criterion (RiMEA 3.0, test 12): congestion forms in front of the corridor, not in room 2 in
//! front of its exit (the corridor meters the flow). Congestion is measured as *delay*: the time
//! a person spends in a room beyond its free walking time there (the length of its route
//! through the room by the routing field, over its desired speed). PASS if the mean delay in
//! room 1 (from the start to the corridor entrance, x = 10 m) is at least
//! [`CONGESTED_DELAY`] and no person's delay in room 2 (from x = 15 m to the exit) exceeds
//! [`FREE_DELAY`]; everybody leaves by the end time, no position outside, no wall crossed.
//! The density every 1 s in two 2 m × 2 m areas, in front of the corridor entrance
//! (x ∈ [8, 10], y ∈ [4, 6]) and in front of room 2's exit (x ∈ [23, 25], y ∈ [4, 6]), is
//! reported and plotted as well. (A density threshold alone does not tell a jam from a dense
//! stream moving freely: a stream of 2.3 persons/s converging on a 2 m exit at 1.2 m/s has about
//! 1–2 persons/m² without anybody waiting.)

use std::collections::HashMap;

use super::util::{Area, base_details, mean, no_wall_problems};
use crate::{Figure, Options, Outcome, Series, SeriesStyle, Verdict, VerifyError, harness};

/// The scenario, relative to `scenarios/`.
pub const SCENARIO: &str = "rimea/12-bottleneck.toml";
/// Where the corridor begins, x in metres.
const CORRIDOR_X: f64 = 10.0;
/// Where room 2 begins, x in metres.
const ROOM_2_X: f64 = 15.0;
/// Room 1 is congested if its persons' mean delay is at least this, s.
pub const CONGESTED_DELAY: f64 = 10.0;
/// Room 2 is free if no person's delay there exceeds this, s.
pub const FREE_DELAY: f64 = 5.0;

/// Runs test 12.
///
/// # Errors
/// [`VerifyError`] if the scenario cannot be loaded.
pub fn run(opts: &Options) -> Result<Outcome, VerifyError> {
    let path = opts.scenario_path(SCENARIO);
    let mut sc = harness::load(opts, SCENARIO)?;
    let total = sc.total_agents();
    let before = Area::new(8.0, 4.0, 10.0, 6.0);
    let exit = Area::new(23.0, 4.0, 25.0, 6.0);
    let every = (1.0 / sc.simulation.config().dt).round().max(1.0) as u64;
    let (mut s1, mut s2) = (Vec::new(), Vec::new());
    let exit_stage = aman_sim::StageId(0);
    // per agent id: walking distance to the exit at the start; (time, distance) on entering the
    // corridor; (time, distance) on entering room 2
    let sim = &sc.simulation;
    let start: HashMap<u64, (f64, f64)> = (0..sim.agents().len())
        .map(|i| {
            let a = sim.agents();
            let d = sim.walking_distance(exit_stage, a.position[i]);
            (a.id[i].0, (d, a.desired_speed[i]))
        })
        .collect();
    let (mut corridor_at, mut room2_at) = (HashMap::new(), HashMap::new());
    let log = harness::run(&mut sc, |sim| {
        if sim.iteration().is_multiple_of(every) {
            s1.push((sim.time(), before.count(sim) as f64 / before.size()));
            s2.push((sim.time(), exit.count(sim) as f64 / exit.size()));
        }
        let a = sim.agents();
        for i in 0..a.len() {
            let p = a.position[i];
            for (x, seen) in [(CORRIDOR_X, &mut corridor_at), (ROOM_2_X, &mut room2_at)] {
                if p.x >= x {
                    seen.entry(a.id[i].0)
                        .or_insert_with(|| (sim.time(), sim.walking_distance(exit_stage, p)));
                }
            }
        }
    });
    // delay in room 1: time to the corridor minus the free walking time to it
    let mut delay1: Vec<f64> = corridor_at
        .iter()
        .filter_map(|(id, (t, d))| start.get(id).map(|(d0, v0)| t - (d0 - d) / v0))
        .collect();
    // delay in room 2: time from room 2's entrance to the exit minus the free walking time
    let mut delay2: Vec<f64> = sc
        .simulation
        .exits()
        .iter()
        .filter_map(|e| {
            let (t, d) = room2_at.get(&e.agent.0)?;
            let (_, v0) = start.get(&e.agent.0)?;
            Some(e.time - t - d / v0)
        })
        .collect();
    delay1.sort_by(f64::total_cmp);
    delay2.sort_by(f64::total_cmp);
    let mean1 = mean(&delay1).unwrap_or(0.0);
    let max2 = delay2.last().copied().unwrap_or(0.0);
    let peak = |s: &[(f64, f64)]| s.iter().map(|p| p.1).fold(0.0, f64::max);
    let (p1, p2) = (peak(&s1), peak(&s2));
    let ok = log.remaining == 0
        && no_wall_problems(&log)
        && delay1.len() == total
        && delay2.len() == total
        && mean1 >= CONGESTED_DELAY
        && max2 <= FREE_DELAY;
    let mut details = base_details(opts, &[&path], &[("", &log)]);
    let mean_flow = aman_analysis::flow::mean_flow;
    let corridor = mean_flow(&sc.simulation.crossing_times(0));
    let exit_times: Vec<f64> = sc.simulation.exits().iter().map(|e| e.time).collect();
    let out = mean_flow(&exit_times);
    details.push(format!(
        "mean flow through the corridor (line x = 12.5 m) {}, through room 2's exit {} (PedPy's (N − 1)/(t_last − t_first))",
        corridor.map_or("—".into(), |f| format!("{f:.2} /s")),
        out.map_or("—".into(), |f| format!("{f:.2} /s"))
    ));
    details.push(format!(
        "delay in room 1 (start to corridor): mean {mean1:.1} s, largest {:.1} s; in room 2 \
         (corridor to exit): mean {:.2} s, largest {max2:.2} s ({} and {} persons measured)",
        delay1.last().copied().unwrap_or(0.0),
        mean(&delay2).unwrap_or(0.0),
        delay1.len(),
        delay2.len()
    ));
    details.push(format!(
        "{total} persons; density in front of the corridor {} peak {p1:.2} /m²; in front of room 2's exit {} peak {p2:.2} /m² (sampled every 1 s)",
        before.describe(),
        exit.describe()
    ));
    Ok(Outcome {
        id: "RiMEA 12".into(),
        title: "effect of bottlenecks".into(),
        criterion: format!(
            "mean delay before the 1 m corridor ≥ {CONGESTED_DELAY} s (congestion); nobody \
             delayed in room 2 by more than {FREE_DELAY} s (no congestion); all leave"
        ),
        measured: format!(
            "mean delay in room 1 {mean1:.1} s, largest delay in room 2 {max2:.2} s; all out at {:.1} s",
            log.time
        ),
        verdict: Verdict::from_bool(ok),
        details,
        figures: vec![Figure {
            title: "Density in the two measurement areas".into(),
            x_label: "time (s)".into(),
            y_label: "density (1/m²)".into(),
            series: vec![
                Series {
                    name: "in front of the corridor".into(),
                    points: s1,
                    style: SeriesStyle::Line,
                },
                Series {
                    name: "in front of room 2's exit".into(),
                    points: s2,
                    style: SeriesStyle::Line,
                },
            ],
        }],
    })
}
