//! RiMEA 3.0 test 11: choice of exit route. Most persons take the nearer of two exits, some the
//! other; the counts are reported.
//!
//! Scenario `rimea/11-exit-choice.toml`: 500 persons in the left third of a 30 m × 20 m room,
//! a 1 m exit in the middle of the left wall (near) and one in the middle of the right wall
//! (far); the journey chooses by `quickest` (walking time plus the queue in front of each exit,
//! `aman_sim::RouteChoice::Quickest`). PASS when more than half leave by the near exit, at least
//! one by the far exit, and everybody leaves. For comparison the same crowd is also run with
//! `choice = "nearest"` (everybody takes the near exit: no queue awareness) and its counts and
//! evacuation time are reported.

use aman_scenario::file::ChoiceEntry;

use crate::harness::{self, Options, n_t};
use crate::{Figure, Outcome, Series, SeriesStyle, Verdict, VerifyError};

/// Runs the test.
///
/// # Errors
/// [`VerifyError`] if the scenario does not load.
pub fn run(opts: &Options) -> Result<Outcome, VerifyError> {
    let file = "rimea/11-exit-choice.toml";
    let mut runs = Vec::new();
    for choice in [ChoiceEntry::Quickest, ChoiceEntry::Nearest] {
        let (mut f, path) = harness::parse(opts, file)?;
        for j in &mut f.journeys {
            j.choice = choice;
        }
        let mut sc = harness::build(opts, f, &path)?;
        let log = harness::run(&mut sc, |_| {});
        let sim = &sc.simulation;
        let stage = |name: &str| sim.stages().iter().position(|s| s.name == name);
        let times = |k: Option<usize>| -> Vec<f64> {
            sim.exits()
                .iter()
                .filter(|e| Some(e.stage.0 as usize) == k)
                .map(|e| e.time)
                .collect()
        };
        runs.push((times(stage("near")), times(stage("far")), log));
    }
    let (near, far, log) = &runs[0];
    let (near_n, far_n, _) = &runs[1];
    let total = near.len() + far.len();
    let ok = 2 * near.len() > total && !far.is_empty() && log.clean();
    let measured = format!(
        "near exit {} persons ({:.0} %), far exit {} ({:.0} %); all left by {:.1} s",
        near.len(),
        100.0 * near.len() as f64 / total.max(1) as f64,
        far.len(),
        100.0 * far.len() as f64 / total.max(1) as f64,
        log.time
    );
    Ok(Outcome {
        id: "RiMEA 11".into(),
        title: "choice of exit route".into(),
        criterion: "more than half take the nearer exit, at least one the other; all leave".into(),
        measured,
        verdict: Verdict::from_bool(ok),
        details: vec![
            format!("scenario: scenarios/{file} (choice = \"quickest\")"),
            log.summary(),
            format!(
                "for comparison, choice = \"nearest\": near {}, far {}; {}",
                near_n.len(),
                far_n.len(),
                runs[1].2.summary()
            ),
        ],
        figures: vec![Figure {
            title: "RiMEA 11: persons out by each exit (choice = \"quickest\")".into(),
            x_label: "time (s)".into(),
            y_label: "persons out".into(),
            series: vec![
                Series {
                    name: "near exit".into(),
                    points: n_t(near),
                    style: SeriesStyle::Step,
                },
                Series {
                    name: "far exit".into(),
                    points: n_t(far),
                    style: SeriesStyle::Step,
                },
            ],
        }],
    })
}
