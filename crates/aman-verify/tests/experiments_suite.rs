//! The experiments suite: the measured figures equal the datasets' SOURCE.md values, and the
//! simulated relative errors the suite prints are finite, appear in its outcome, and (for the
//! default CFSM) stay within the bound observed when the suite was written.
//!
//! Reference values (PedPy 1.5.1 on the real trajectories, from SOURCE.md, rounded to 4
//! decimals):
//! - HERMES AO300: 348 crossings of y = 0.5, mean flow 6.6491 1/s; classic density in the
//!   bottleneck, mean over all 959 frames, 2.6003 1/m² (the suite measures in front of the
//!   bottleneck, for which SOURCE.md gives no figure: the test checks the analysis on the
//!   bottleneck area instead).
//! - Wuppertal 2014 00_01a: 46 crossings of (−0.4, 0)–(0.4, 0), mean flow 2.5982 1/s; classic
//!   density in front of the opening, mean over all frames, 2.5318 1/m².
//! - HERMES 3 m corridor, exits 3.0 / 2.0 / 1.6 m: 349 / 351 / 287 first crossings of the exit
//!   line, mean flows 4.7630 / 3.8674 / 3.2339 1/s.
//! - HERMES T-junction KO_240_050_240: 134 crossings of y = 1 (x ∈ [−2.4, 0]), mean flow
//!   2.354 1/s (0.9808 1/(m·s) over 2.4 m); classic density in (−2.4, 1)–(0, 3), mean over all
//!   1000 frames, 0.6896 1/m²; mean speed over occupied frames 1.3116 m/s (frame_step 5).
//! - Corner reference test: 137 crossings of y = 0 (x ∈ [−3, 0]), mean flow 2.9808 1/s;
//!   classic density in (0, 0)–(−3, 2), mean over all frames, 0.7877 1/m² (JPSreport 0.7877).

use std::path::PathBuf;

use aman_verify::Options;
use aman_verify::experiments::{self, EXPERIMENTS, percent};

fn options() -> Options {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let opts = Options::new(root);
    let data = opts.data_dir();
    assert!(
        data.is_dir(),
        "real data missing: {} (../shared must sit beside the repository)",
        data.display()
    );
    opts
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn measured_figures_match_source_md() {
    let opts = options();
    let expect = [
        ("hermes-ao300", 348, 6.6491, 2.6003),
        ("wuppertal-2014-b080", 46, 2.5982, 2.5318),
    ];
    for (key, n, flow, density) in expect {
        let mut e = *experiments::find(key).unwrap();
        if key == "hermes-ao300" {
            // SOURCE.md's reference area: the bottleneck itself (JPSreport area id 1)
            e.area = &[(2.4, 0.53), (2.4, -0.53), (-0.6, -0.53), (-0.6, 0.53)];
        }
        let m = experiments::measured(&opts, &e).unwrap();
        assert_eq!(m.crossings, n, "{key}");
        assert!(close(m.flow, flow, 5e-5), "{key}: flow {}", m.flow);
        assert!(
            close(m.density_all_frames, density, 5e-5),
            "{key}: density {}",
            m.density_all_frames
        );
        // the steady phase lies inside the passage and has a positive density
        assert!(m.steady.0 >= m.crossing_times[0] && m.steady.1 <= m.crossing_times[n - 1]);
        assert!(m.density_steady > 0.0 && m.density_steady.is_finite());
    }
}

/// The HERMES 3 m corridor runs: first crossings of the line across the exit opening at
/// y = −4.1 m and their mean flow, SOURCE.md's "Flow through the exit opening" (PedPy 1.5.1);
/// the files are headerless, in centimetres at 16 fps. In run −160 one of the 288 persons never
/// reaches the exit.
#[test]
fn corridor_exit_flows_match_source_md() {
    let opts = options();
    for (key, n, flow) in [
        ("hermes-corridor-300", 349, 4.7630),
        ("hermes-corridor-200", 351, 3.8674),
        ("hermes-corridor-160", 287, 3.2339),
    ] {
        let e = experiments::find(key).unwrap();
        let m = experiments::measured(&opts, e).unwrap();
        assert_eq!(m.crossings, n, "{key}");
        assert!(close(m.flow, flow, 5e-5), "{key}: flow {}", m.flow);
        assert_eq!(m.frame_rate, 16.0);
        // the queue in front of the exit: between 1 and 3 persons/m² in the steady phase
        assert!(
            (1.0..3.0).contains(&m.density_steady),
            "{key}: {}",
            m.density_steady
        );
    }
}

/// The two cases that are not bottlenecks, whose scenarios replay the recorded arrivals: the
/// measured figures are SOURCE.md's, and only the corner is left out of the calibration targets
/// (its provenance is undocumented).
#[test]
fn t_junction_and_corner_match_source_md() {
    let opts = options();
    for (key, n, flow, flow_tol, density, calibration) in [
        ("hermes-t-junction", 134, 2.354, 5e-4, 0.6896, true),
        ("corner-reftest", 137, 2.9808, 5e-5, 0.7877, false),
    ] {
        let e = experiments::find(key).unwrap();
        let m = experiments::measured(&opts, e).unwrap();
        assert_eq!(m.crossings, n, "{key}");
        assert_eq!(e.persons, n, "{key}");
        assert!(close(m.flow, flow, flow_tol), "{key}: flow {}", m.flow);
        assert!(
            close(m.density_all_frames, density, 5e-5),
            "{key}: density {}",
            m.density_all_frames
        );
        assert_eq!(m.frame_rate, 16.0);
        assert_eq!(e.calibration, calibration, "{key}");
        assert_eq!(e.flow_tolerance, experiments::FLOW_TOLERANCE_REPLAYED);
        assert!(!e.note.is_empty() && !e.tolerance_reason.is_empty());
    }
    // SOURCE.md's speed in the T-junction's area: 1.3116 m/s over the occupied frames of all
    // frames with frame_step 5; the suite's is over the steady phase only, so near it
    let e = experiments::find("hermes-t-junction").unwrap();
    let m = experiments::measured(&opts, e).unwrap();
    assert!(close(m.speed_steady, 1.3116, 0.05), "{}", m.speed_steady);
    let keys: Vec<&str> = aman_verify::calibrate::Target::all()
        .iter()
        .map(aman_verify::calibrate::Target::key)
        .collect();
    assert!(keys.contains(&"hermes-t-junction") && !keys.contains(&"corner-reftest"));
}

#[test]
fn cfsm_suite_prints_its_errors() {
    let opts = options();
    for e in EXPERIMENTS {
        let (outcome, c) = experiments::compare(&opts, e).unwrap();
        println!(
            "{}: {}  {}  [{}]  t10/50/90 diff {:?} s, max N–t diff {:.2} s",
            outcome.id,
            outcome.verdict.label(),
            outcome.measured,
            c.run.summary(),
            c.t_passed_difference,
            c.nt_max_difference
        );
        for v in [c.flow_error, c.density_error, c.nt_max_difference] {
            assert!(v.is_finite(), "{}: {v}", e.id);
        }
        assert!(
            outcome.measured.contains(&percent(c.flow_error)),
            "{outcome:?}"
        );
        assert!(
            outcome.measured.contains(&percent(c.density_error)),
            "{outcome:?}"
        );
        // each figure is held where the shipped defaults were fitted by
        // tests/validation_defaults.rs; here: the speed is measured in both
        assert!(
            c.measured.speed_steady > 0.1 && c.simulated.speed_steady > 0.1,
            "{}: speeds {} / {}",
            e.id,
            c.measured.speed_steady,
            c.simulated.speed_steady
        );
        assert_eq!(outcome.figures.len(), 2);
        assert_eq!(c.run.outside + c.run.crossed_wall, 0, "{}", e.id);
    }
}
