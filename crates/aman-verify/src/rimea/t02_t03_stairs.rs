//! RiMEA 3.0 tests 2 and 3: one person keeps the walking speed set for stairs, up (test 2) and
//! down (test 3), over 10 m of stairs measured along the slope.
//!
//! Scenarios `rimea/02-stairs-up.toml` and `rimea/03-stairs-down.toml`: a 2 m wide stair drawn
//! unfolded (10 m in the plan) between landings; the person's desired speed is 1.34 m/s on the
//! flat, times the stair's up or down factor on the stair. Expected time between the lines at
//! the two ends of the stair: `10 m / (v0 · factor)`; criterion: within ±5 % of it.

use aman_sim::Simulation;

use crate::harness::{self, Options, crossing_times};
use crate::{Figure, Outcome, Series, SeriesStyle, Verdict, VerifyError};

/// Test 2: upwards.
///
/// # Errors
/// [`VerifyError`] if the scenario does not load.
pub fn run_up(opts: &Options) -> Result<Outcome, VerifyError> {
    stair_test(opts, 2, "rimea/02-stairs-up.toml", "up")
}

/// Test 3: downwards.
///
/// # Errors
/// [`VerifyError`] if the scenario does not load.
pub fn run_down(opts: &Options) -> Result<Outcome, VerifyError> {
    stair_test(opts, 3, "rimea/03-stairs-down.toml", "down")
}

fn stair_test(opts: &Options, n: u32, file: &str, way: &str) -> Result<Outcome, VerifyError> {
    let mut sc = harness::load(opts, file)?;
    let sim = &sc.simulation;
    let Some(stair) = sim.stairs().first().cloned() else {
        return Err(VerifyError::Options(format!(
            "{file}: the scenario has no stair"
        )));
    };
    let factor = if way == "up" {
        stair.up_factor
    } else {
        stair.down_factor
    };
    let v0 = sim.agents().desired_speed.first().copied().unwrap_or(0.0);
    let expected = 10.0 / (v0 * factor);
    // the person's speed along its way, for the figure
    let mut speeds = Vec::new();
    let log = harness::run(&mut sc, |s: &Simulation| {
        if let (Some(p), Some(v)) = (s.agents().position.first(), s.agents().velocity.first())
            && s.iteration().is_multiple_of(10)
        {
            speeds.push((p.x, v.norm()));
        }
    });
    let sim = &sc.simulation;
    let (entry, exit) = if way == "up" {
        ("stair foot", "stair head")
    } else {
        ("stair head", "stair foot")
    };
    let t0 = crossing_times(sim, entry).and_then(|t| t.first().copied());
    let t1 = crossing_times(sim, exit).and_then(|t| t.first().copied());
    let (verdict, measured) = match (t0, t1) {
        (Some(a), Some(b)) => {
            let t = b - a;
            let err = (t - expected) / expected;
            (
                Verdict::from_bool(err.abs() <= 0.05 && log.clean()),
                format!(
                    "{t:.2} s on the stair ({:+.1} % of {expected:.2} s)",
                    100.0 * err
                ),
            )
        }
        _ => (
            Verdict::Fail,
            "the person did not cross both ends of the stair".to_string(),
        ),
    };
    Ok(Outcome {
        id: format!("RiMEA {n}"),
        title: format!("walking speed on stairs, {way}wards"),
        criterion: format!(
            "time for 10 m of stairs within ±5 % of 10 m / ({v0:.2} m/s × {factor:.3}) = {expected:.2} s"
        ),
        measured,
        verdict,
        details: vec![
            format!("scenario: scenarios/{file}"),
            format!(
                "stair '{}': up factor {:.3}, down factor {:.3}",
                stair.name, stair.up_factor, stair.down_factor
            ),
            log.summary(),
        ],
        figures: vec![Figure {
            title: format!("RiMEA {n}: speed along the way"),
            x_label: "x (m)".into(),
            y_label: "speed (m/s)".into(),
            series: vec![
                Series {
                    name: "simulated".into(),
                    points: speeds,
                    style: SeriesStyle::Line,
                },
                Series {
                    name: "set speed on the stair".into(),
                    points: vec![(3.0, v0 * factor), (13.0, v0 * factor)],
                    style: SeriesStyle::Dashed,
                },
            ],
        }],
    })
}
