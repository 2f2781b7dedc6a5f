//! RiMEA 3.0 test 8: parameter analysis on a three-storey building. The guideline asks only to
//! document how the evacuation time responds to a parameter; aman varies the desired walking
//! speed.
//!
//! Scenario `rimea/08-three-storeys.toml`: three storeys of 20 m × 10 m with 50 persons each,
//! joined by 10 m staircases (drawn unfolded), one 2 m exit on the ground floor. Every person's
//! desired speed (normal, mean 1.34 m/s, sd 0.26 m/s, within 0.8–1.8 m/s) is scaled by 0.8, 0.9,
//! 1.0, 1.1 and 1.2. The verdict is DOC (documentation), or FAIL if a run leaves anybody inside
//! (a deadlock) or lets anybody through a wall.

use aman_scenario::file::Distribution;

use crate::harness::{self, Options};
use crate::{Figure, Outcome, Series, SeriesStyle, Verdict, VerifyError};

/// The factors applied to the desired speed.
pub const SPEED_FACTORS: [f64; 5] = [0.8, 0.9, 1.0, 1.1, 1.2];

/// Runs the test.
///
/// # Errors
/// [`VerifyError`] if the scenario does not load.
pub fn run(opts: &Options) -> Result<Outcome, VerifyError> {
    let file = "rimea/08-three-storeys.toml";
    let mut points = Vec::new();
    let mut details = vec![format!("scenario: scenarios/{file}")];
    let mut clean = true;
    for k in SPEED_FACTORS {
        let (mut f, path) = harness::parse(opts, file)?;
        for p in &mut f.populations {
            p.desired_speed = scale(&p.desired_speed, k);
        }
        let mut sc = harness::build(opts, f, &path)?;
        let log = harness::run(&mut sc, |_| {});
        clean &= log.clean();
        points.push((k, log.time));
        details.push(format!("speed × {k:.1}: {}", log.summary()));
    }
    let measured = points
        .iter()
        .map(|(k, t)| format!("× {k:.1}: {t:.1} s"))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(Outcome {
        id: "RiMEA 8".into(),
        title: "parameter analysis: evacuation time against desired speed (three storeys)".into(),
        criterion: "documentation only; every run must empty the building".into(),
        measured,
        verdict: if clean {
            Verdict::Documented
        } else {
            Verdict::Fail
        },
        details,
        figures: vec![Figure {
            title: "RiMEA 8: evacuation time against the desired-speed factor".into(),
            x_label: "desired speed factor".into(),
            y_label: "evacuation time (s)".into(),
            series: vec![Series {
                name: "evacuation time".into(),
                points,
                style: SeriesStyle::Line,
            }],
        }],
    })
}

/// `d` with every speed multiplied by `k`.
fn scale(d: &Distribution, k: f64) -> Distribution {
    match *d {
        Distribution::Constant(v) => Distribution::Constant(v * k),
        Distribution::Uniform { min, max } | Distribution::Rimea { min, max, .. } => {
            Distribution::Uniform {
                min: min * k,
                max: max * k,
            }
        }
        Distribution::Normal { mean, sd, min, max } => Distribution::Normal {
            mean: mean * k,
            sd: sd * k,
            min: min * k,
            max: max * k,
        },
    }
}
