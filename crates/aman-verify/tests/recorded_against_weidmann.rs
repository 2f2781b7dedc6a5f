//! The recorded experiments of the validation set against Weidmann's fundamental diagram
//! (`aman_verify::published::recorded_against_weidmann`, reported in `aman verify
//! experiments`' Weidmann case): in the free flows of the T-junction and the corner the
//! recorded speeds agree with Weidmann (within 10 %), but in front of the HERMES corridor's
//! exits, at 1.8–2.9 /m², the recorded persons walk 30–65 % faster than Weidmann's curve gives,
//! and in front of AO300 and Wuppertal's openings (5–6 /m²) they still walk at 0.3–0.4 m/s where
//! Weidmann's curve stands still. Issue 14 asks for both within ±20 %; these figures are why one
//! model cannot meet both (docs/calibration.md). Real data: ../shared/data.

use std::path::PathBuf;

use aman_verify::Options;
use aman_verify::published::recorded_against_weidmann;

fn point(id: &str) -> (f64, f64, f64) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let points = recorded_against_weidmann(&Options::new(root));
    let p = points.iter().find(|p| p.id == id).expect(id);
    let (rho, v) = *p.measures.as_ref().expect("measured");
    (rho, v, p.weidmann().expect("a density"))
}

#[test]
fn corridor_queues_walk_faster_than_weidmann() {
    for (id, lo, hi) in [
        ("HERMES corridor 300", 1.7, 1.9),
        ("HERMES corridor 200", 2.4, 2.7),
        ("HERMES corridor 160", 2.7, 3.0),
    ] {
        let (rho, v, w) = point(id);
        assert!((lo..hi).contains(&rho), "{id}: density {rho}");
        let above = v / w - 1.0;
        assert!(
            (0.30..0.65).contains(&above),
            "{id}: {v:.3} m/s at {rho:.2} /m², Weidmann {w:.3}: {above:+.3}"
        );
    }
}

#[test]
fn free_flows_agree_with_weidmann() {
    for id in ["HERMES T-junction", "Corner (reference test)"] {
        let (rho, v, w) = point(id);
        assert!(rho < 1.0, "{id}: density {rho}");
        assert!((v / w - 1.0).abs() < 0.10, "{id}: {v:.3} against {w:.3}");
    }
}

#[test]
fn dense_queues_move_where_weidmann_stands() {
    for id in ["HERMES AO300", "Wuppertal 2014 b080"] {
        let (rho, v, w) = point(id);
        assert!(rho > 4.9, "{id}: density {rho}");
        assert!((0.3..0.45).contains(&v), "{id}: speed {v}");
        assert!(w < 0.05, "{id}: Weidmann {w}");
    }
}
