//! The validation set with the shipped defaults of each model
//! (`crates/aman-scenario/calibrated/<model>.toml`, fitted by `aman calibrate`): every case's
//! flow and density errors stay where they were when the defaults were fitted
//! (docs/calibration.md), within 2 percentage points, so that a change of the model or of the
//! defaults that moves any of them is seen. The figures are those of the fit (seed 0); the
//! models' known gaps (narrow doors, densities before narrowing exits, the social force model's
//! wide bottlenecks) are in them, not hidden.
//!
//! Two cases joined the set after the fits and were not fitted to: the HERMES T-junction and
//! Adrian et al. 2020's 0.5 m entrance (its density in front 37 % low with the collision-free
//! speed model: the gap issue 14 describes). Their figures are those of the shipped defaults
//! when they were added; each fit's own loss is checked over the cases it was fitted on.

use std::path::PathBuf;

use aman_scenario::defaults::shipped;
use aman_scenario::file::ModelSection;
use aman_verify::Options;
use aman_verify::calibrate::{self, Target};

/// (key, flow error, density error) with the shipped defaults of the collision-free speed
/// model, seed 0: docs/calibration.md.
const AT_THE_FIT: &[(&str, f64, Option<f64>)] = &[
    ("hermes-ao300", 0.026, Some(-0.161)),
    ("wuppertal-2014-b080", -0.144, Some(-0.240)),
    ("hermes-corridor-300", 0.228, Some(0.222)),
    ("hermes-corridor-200", 0.186, Some(0.297)),
    ("hermes-corridor-160", 0.176, Some(0.515)),
    ("hermes-t-junction", -0.013, Some(0.241)),
    ("kretz2006-b040", -0.150, None),
    ("kretz2006-b050", -0.053, None),
    ("kretz2006-b060", -0.317, None),
    ("kretz2006-b080", 0.057, None),
    ("kretz2006-b100", 0.160, None),
    ("kretz2006-b120", 0.205, None),
    ("seyfried2009-b080", 0.028, None),
    ("seyfried2009-b100", 0.048, None),
    ("seyfried2009-b120", 0.041, None),
    ("liddle2011-b090", -0.008, None),
    ("liddle2011-b120", -0.073, None),
    ("liddle2011-b180", -0.030, None),
    ("liddle2011-b250", 0.004, None),
    ("adrian2020-b050", -0.005, Some(-0.370)),
];

/// The cases added after the fit (not among the 18 it was fitted on).
const ADDED_AFTER_THE_FIT: &[&str] = &["hermes-t-junction", "adrian2020-b050"];

/// The same with the shipped defaults of the social force model, on the 15 cases it was
/// fitted on (Kretz's 0.4–0.6 m doors are left out: the model does not get everybody through
/// them), seed 0: docs/calibration.md. Its gaps are large (exits of 1.6–3 m +63–85 % flow,
/// Wuppertal −34 %) and stated there.
const SFM_AT_THE_FIT: &[(&str, f64, Option<f64>)] = &[
    ("hermes-ao300", 0.673, Some(-0.205)),
    ("wuppertal-2014-b080", -0.339, Some(-0.256)),
    ("hermes-corridor-300", 0.747, Some(0.579)),
    ("hermes-corridor-200", 0.847, Some(0.483)),
    ("hermes-corridor-160", 0.627, Some(0.577)),
    ("kretz2006-b080", -0.005, None),
    ("kretz2006-b100", 0.125, None),
    ("kretz2006-b120", 0.218, None),
    ("seyfried2009-b080", -0.086, None),
    ("seyfried2009-b100", -0.222, None),
    ("seyfried2009-b120", -0.171, None),
    ("liddle2011-b090", 0.158, None),
    ("liddle2011-b120", 0.177, None),
    ("liddle2011-b180", 0.188, None),
    ("liddle2011-b250", 0.132, None),
];

/// The social force model's loss over those 15 cases at the shipped point, relaxation time
/// 0.6 s (docs/calibration.md: the least-loss point, 0.7 s with 15.22, fails RiMEA 9).
const SFM_LOSS: f64 = 18.312;

/// Two percentage points: the figures above are rounded to 0.1 %, and a change below this is
/// noise of the kind a different placement of one person gives.
const MARGIN: f64 = 0.02;

#[test]
fn every_case_stays_at_its_fitted_error() {
    check("collision_free_speed", AT_THE_FIT, 2.604);
}

#[test]
fn every_case_stays_at_its_fitted_error_sfm() {
    check("social_force", SFM_AT_THE_FIT, SFM_LOSS);
}

/// Runs the validation set with `model`'s shipped defaults and compares with `table` and the
/// fit's `fit_loss`.
fn check(model: &str, table: &[(&str, f64, Option<f64>)], fit_loss: f64) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut opts = Options::new(root);
    opts.model = model.into();
    if model == "social_force" {
        opts.only = table.iter().map(|c| c.0.to_string()).collect();
    }
    let section = ModelSection::with_kind(model).unwrap_or_default();
    let set = shipped(&section).clone();
    let cal = calibrate::evaluate(&opts, &set, &[], &|_, _| {}).unwrap();
    assert_eq!(cal.points(), 1);
    let keys: Vec<&str> = cal.experiments.iter().map(Target::key).collect();
    assert_eq!(
        keys,
        table.iter().map(|c| c.0).collect::<Vec<_>>(),
        "the validation set changed: refit (aman calibrate) and update this table"
    );
    let mut off = Vec::new();
    for (x, &(key, flow, density)) in table.iter().enumerate() {
        let t = cal.trials[0][x].as_ref().unwrap();
        println!(
            "{key}: flow {:+.1} %, density {}",
            100.0 * t.flow_error,
            t.density_error
                .map_or("—".into(), |d| format!("{:+.1} %", 100.0 * d))
        );
        assert!(t.complete, "{key}: not everybody got through");
        if (t.flow_error - flow).abs() > MARGIN {
            off.push(format!(
                "{key}: flow error {:+.3}, was {flow:+.3}",
                t.flow_error
            ));
        }
        match (t.density_error, density) {
            (Some(d), Some(want)) if (d - want).abs() > MARGIN => {
                off.push(format!("{key}: density error {d:+.3}, was {want:+.3}"));
            }
            (a, b) if a.is_some() != b.is_some() => off.push(format!("{key}: density {a:?}")),
            _ => {}
        }
    }
    assert!(off.is_empty(), "moved from the fit: {off:#?}");
    // the fit's own loss over the cases it was fitted on, as docs/calibration.md gives it
    let fitted: Vec<usize> = (0..keys.len())
        .filter(|&x| !ADDED_AFTER_THE_FIT.contains(&keys[x]))
        .collect();
    let loss = cal.loss(0, &fitted);
    assert!(
        (loss - fit_loss).abs() < 0.3_f64.max(0.1 * fit_loss),
        "loss {loss}, at the fit {fit_loss}"
    );
}
