//! RiMEA 3.0, test 12: "Effect of bottlenecks".
//!
//! Geometry (`scenarios/rimea/12-bottleneck.toml`): room 1 (10 m × 10 m) with 150 persons, a
//! corridor 1 m wide and 5 m long, room 2 (10 m × 10 m) and its exit 2 m wide.
//!
//! Criterion (RiMEA 3.0, test 12): congestion forms in front of the corridor, not in room 2 in
//! front of its exit (the corridor meters the flow). Measured: the density every 1 s in two
//! 2 m × 2 m areas, in front of the corridor entrance (x ∈ [8, 10], y ∈ [4, 6]) and in front of
//! room 2's exit (x ∈ [23, 25], y ∈ [4, 6]), as agents / 4 m². PASS if the peak in front of the
//! corridor is at least 2 /m² and the peak in front of the exit at most 1 /m² (our thresholds:
//! Fruin's level of service E begins near 2 /m²; 1 /m² is free walking); everybody leaves by the
//! end time, no position outside, no wall crossed.

use super::util::{Area, base_details, no_wall_problems};
use crate::{Figure, Options, Outcome, Series, SeriesStyle, Verdict, VerifyError, harness};

/// The scenario, relative to `scenarios/`.
pub const SCENARIO: &str = "rimea/12-bottleneck.toml";
/// Peak density in front of the corridor at least this, 1/m².
pub const CONGESTED: f64 = 2.0;
/// Peak density in front of room 2's exit at most this, 1/m².
pub const FREE: f64 = 1.0;

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
    let log = harness::run(&mut sc, |sim| {
        if sim.iteration().is_multiple_of(every) {
            s1.push((sim.time(), before.count(sim) as f64 / before.size()));
            s2.push((sim.time(), exit.count(sim) as f64 / exit.size()));
        }
    });
    let peak = |s: &[(f64, f64)]| s.iter().map(|p| p.1).fold(0.0, f64::max);
    let (p1, p2) = (peak(&s1), peak(&s2));
    let ok = log.remaining == 0 && no_wall_problems(&log) && p1 >= CONGESTED && p2 <= FREE;
    let mut details = base_details(opts, &[&path], &[("", &log)]);
    let crossing = |times: Vec<f64>| aman_analysis::flow::mean_flow(&times);
    let corridor = crossing(
        sc.simulation
            .crossings()
            .iter()
            .filter(|c| c.line == 0)
            .map(|c| c.time)
            .collect(),
    );
    let out = crossing(sc.simulation.exits().iter().map(|e| e.time).collect());
    details.push(format!(
        "mean flow through the corridor (line x = 12.5 m) {}, through room 2's exit {} (PedPy's (N − 1)/(t_last − t_first))",
        corridor.map_or("—".into(), |f| format!("{f:.2} /s")),
        out.map_or("—".into(), |f| format!("{f:.2} /s"))
    ));
    let above = s2.iter().filter(|p| p.1 > FREE).count();
    details.push(format!(
        "samples above {FREE} /m² in front of room 2's exit: {above} of {}",
        s2.len()
    ));
    details.push(format!(
        "{total} persons; area in front of the corridor {} peak {p1:.2} /m²; in front of room 2's exit {} peak {p2:.2} /m² (sampled every 1 s)",
        before.describe(),
        exit.describe()
    ));
    Ok(Outcome {
        id: "RiMEA 12".into(),
        title: "effect of bottlenecks".into(),
        criterion: format!(
            "peak density in front of the 1 m corridor ≥ {CONGESTED} /m², in front of room 2's exit ≤ {FREE} /m²; all leave"
        ),
        measured: format!(
            "peak {p1:.2} /m² before the corridor, {p2:.2} /m² before the exit; all out at {:.1} s",
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
