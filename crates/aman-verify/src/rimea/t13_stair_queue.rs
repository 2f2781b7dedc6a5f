//! RiMEA 3.0 test 13: congestion in front of a staircase.
//!
//! Scenario `rimea/13-stair-queue.toml`: 150 persons leave a room through a 2 m corridor that
//! ends at a staircase going up. Walking up is slower, so the stair passes fewer persons per
//! second than the corridor brings and a queue grows at its foot. Criterion (as JuPedSim's
//! RiMEA script checks it): the mean flow onto the stair is below the mean flow into the
//! corridor by at least 0.05 1/s, flows measured as `(N − 1)/(t_N − t_1)` at the two lines. The
//! density on the 2 m × 2 m in front of the stair is reported as the queue's evidence.

use aman_geometry::Vec2;
use aman_sim::Simulation;

use aman_analysis::flow::mean_flow;

use crate::harness::{self, Options, crossing_times, n_t};
use crate::{Figure, Outcome, Series, SeriesStyle, Verdict, VerifyError};

/// The area in front of the stair foot (x 20..22, y 3..5), m.
const QUEUE_AREA: (Vec2, Vec2) = (Vec2 { x: 20.0, y: 3.0 }, Vec2 { x: 22.0, y: 5.0 });

/// Runs the test.
///
/// # Errors
/// [`VerifyError`] if the scenario does not load.
pub fn run(opts: &Options) -> Result<Outcome, VerifyError> {
    let file = "rimea/13-stair-queue.toml";
    let mut sc = harness::load(opts, file)?;
    let (lo, hi) = QUEUE_AREA;
    let area = (hi.x - lo.x) * (hi.y - lo.y);
    let mut density = Vec::new();
    let log = harness::run(&mut sc, |s: &Simulation| {
        if s.iteration().is_multiple_of(50) {
            let n = s
                .agents()
                .position
                .iter()
                .filter(|p| p.x >= lo.x && p.x < hi.x && p.y >= lo.y && p.y < hi.y)
                .count();
            density.push((s.time(), n as f64 / area));
        }
    });
    let sim = &sc.simulation;
    let corridor = crossing_times(sim, "corridor entrance").unwrap_or_default();
    let stair = crossing_times(sim, "stair foot").unwrap_or_default();
    let peak = density.iter().map(|d| d.1).fold(0.0, f64::max);
    let (verdict, measured) = match (mean_flow(&corridor), mean_flow(&stair)) {
        (Some(jc), Some(js)) => (
            Verdict::from_bool(jc - js >= 0.05 && log.clean()),
            format!(
                "corridor {jc:.2} 1/s, stair {js:.2} 1/s (difference {:.2} 1/s); peak density \
                 before the stair {peak:.2} /m²",
                jc - js
            ),
        ),
        _ => (
            Verdict::Fail,
            format!(
                "too few passages: {} into the corridor, {} onto the stair",
                corridor.len(),
                stair.len()
            ),
        ),
    };
    Ok(Outcome {
        id: "RiMEA 13".into(),
        title: "congestion in front of a staircase".into(),
        criterion: "flow onto the stair below the flow into the corridor by ≥ 0.05 1/s".into(),
        measured,
        verdict,
        details: vec![
            format!("scenario: scenarios/{file}"),
            format!(
                "passages: {} into the corridor, {} onto the stair",
                corridor.len(),
                stair.len()
            ),
            log.summary(),
        ],
        figures: vec![
            Figure {
                title: "RiMEA 13: N–t at the corridor entrance and the stair foot".into(),
                x_label: "time (s)".into(),
                y_label: "persons passed".into(),
                series: vec![
                    Series {
                        name: "corridor entrance".into(),
                        points: n_t(&corridor),
                        style: SeriesStyle::Step,
                    },
                    Series {
                        name: "stair foot".into(),
                        points: n_t(&stair),
                        style: SeriesStyle::Step,
                    },
                ],
            },
            Figure {
                title: "RiMEA 13: density in front of the stair (2 m × 2 m)".into(),
                x_label: "time (s)".into(),
                y_label: "density (1/m²)".into(),
                series: vec![Series {
                    name: "in front of the stair".into(),
                    points: density,
                    style: SeriesStyle::Line,
                }],
            },
        ],
    })
}
